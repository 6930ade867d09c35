"""Diagnose a training setup before training: what the data hold and whether the model fits them.

``diagnose(images, masks, model=None, loss=None, batch_size=None)`` prints a plain-words report,
one line per finding (✓ fine, ✗ a problem and its fix, • worth knowing), and returns it as a
``Diagnosis``. It looks at the image dtype and range; what the masks hold (binary 0/1 or 0/255,
class ids, a void label, fractions, nothing); the class balance; the sizes against the model's
``2**depth``; the head against the masks; the loss (and ``from_logits``) against the head; and
the memory a training batch needs against this machine's. It never raises on bad data: finding
bad data is its job.
"""

import numpy as np

from .checks import nearby_valid_sizes
from .class_masks import check_class_ids
from .data_checks import (check_binary_masks, check_images, check_pairs,
                          check_regression_targets, mask_values_kind)
from .memory import format_bytes, machine_memory_bytes, training_memory_bytes

__all__ = ["Diagnosis", "diagnose"]

_MARKS = {True: "✓", False: "✗", None: "•"}


class Diagnosis:
    """The findings of ``diagnose``: ``(ok, text)`` pairs, ok True, False (a problem) or None."""

    def __init__(self):
        self.findings = []

    def add(self, ok, text):
        self.findings.append((ok, text))

    def check(self, label, check, *args):
        """Run a ``check_*``; a ValueError becomes a problem, success a ✓ ``label``."""
        try:
            check(*args)
        except ValueError as error:
            self.add(False, str(error))
            return False
        if label:
            self.add(True, label)
        return True

    @property
    def problems(self):
        return [text for ok, text in self.findings if ok is False]

    def __str__(self):
        lines = [f"{_MARKS[ok]} {text}" for ok, text in self.findings]
        count = len(self.problems)
        lines.append("No problems found." if count == 0 else
                     f"{count} problem{'s' if count > 1 else ''}: "
                     f"fix {'them' if count > 1 else 'it'} before training.")
        return "\n".join(lines)


def _task_of(model, masks):
    """'binary', 'classes' or 'regression': from the model's head, else from the masks."""
    if model is not None:
        channels = model.output.shape[-1]
        activation = _head(model)
        if channels > 1:
            return "classes"
        if activation == "linear" and mask_values_kind(masks) not in ("binary01", "binary255"):
            return "regression"
        return "binary"
    kind = mask_values_kind(masks)
    if kind == "fractional" and 0 <= np.min(masks) and np.max(masks) <= 1:
        return "binary"                     # a binary mask resized with interpolation, most likely
    return {"binary01": "binary", "binary255": "binary", "ids": "classes",
            "ids+void": "classes"}.get(kind, "regression")


def _head(model):
    from .head import head_activation

    try:
        return head_activation(model)
    except ValueError:
        return "unknown"


def _describe_images(images):
    n, height, width, channels = images.shape
    return (f"images: {n} of {height}×{width}, {channels} channel{'s' if channels > 1 else ''}, "
            f"{images.dtype} from {float(images.min()):.3g} to {float(images.max()):.3g}")


def _masks(report, task, masks, num_classes):
    if task == "binary":
        if report.check("", check_binary_masks, masks):
            share = float(np.mean(masks))
            report.add(True, f"masks: binary 0/1, foreground {100 * share:.1f} % of the pixels")
            if share < 0.02:
                report.add(None, "the foreground is rare: a loss with Dice in it (bce_dice_loss) "
                                 "keeps the model from calling everything background")
    elif task == "classes":
        if mask_values_kind(masks) == "ids+void":
            report.add(False, "The masks hold 255 next to class ids: the PASCAL VOC convention, "
                              "where 255 marks 'void' pixels. The series does not train with "
                              "ignored pixels: set them to a class first "
                              "(masks[masks == 255] = 0).")
            return
        num_classes = num_classes or int(np.max(masks)) + 1
        if report.check("", check_class_ids, masks, max(num_classes, 2)):
            shares = np.bincount(np.asarray(masks, dtype=np.int64).ravel(),
                                 minlength=num_classes) / np.size(masks)
            listed = ", ".join(f"{k}: {100 * s:.1f} %" for k, s in enumerate(shares))
            report.add(True, f"masks: class ids 0 to {num_classes - 1}; pixels per class {listed}")
            if shares.min() < 0.01:
                report.add(None, f"class {int(shares.argmin())} has under 1 % of the pixels: "
                                 "watch its IoU, not the pixel accuracy")
    else:
        report.check(f"targets: real values from {float(np.min(masks)):.3g} to "
                     f"{float(np.max(masks)):.3g}", check_regression_targets, masks)


def _model(report, model, images, masks, task, loss):
    channels, activation = model.output.shape[-1], _head(model)
    expected = tuple(model.input.shape[1:])
    if expected[-1] != images.shape[-1] or any(
            e is not None and e != s for e, s in zip(expected[:2], images.shape[1:3])):
        report.add(False, f"The model expects inputs {expected}, the images are "
                          f"{images.shape[1:]}: build it with input_shape={images.shape[1:]}.")
    depth = sum(type(layer).__name__ == "MaxPooling2D" for layer in model.layers)
    for axis, size in (("height", images.shape[1]), ("width", images.shape[2])):
        if depth and size % 2**depth:
            below, above = nearby_valid_sizes(size, depth)
            report.add(False, f"The image {axis} {size} does not divide by 2**{depth} = "
                              f"{2**depth}: resize or pad to {below} or {above}.")
    head = f"{activation} head, {channels} channel{'s' if channels > 1 else ''}"
    if task == "binary" and channels == 1 and activation in ("sigmoid", "linear"):
        report.add(True, f"model: {head}, for binary masks")
    elif task == "classes" and channels >= 2 and activation in ("softmax", "linear"):
        top = int(np.max(masks)) if mask_values_kind(masks) == "ids" else channels - 1
        if top >= channels:
            report.add(False, f"The masks hold class id {top} but the head has {channels} "
                              f"channels: build the model with num_classes={top + 1}.")
        else:
            report.add(True, f"model: {head}, for class ids")
    elif task == "regression" and activation == "linear":
        report.add(True, f"model: {head}, for real-valued targets")
    elif task == "regression" and activation == "sigmoid" and not (
            0 <= np.min(masks) and np.max(masks) <= 1):
        report.add(False, "A sigmoid head only outputs values in (0, 1) but the targets leave that "
                          "range: use a linear head (output_activation=None).")
    else:
        report.add(False, f"The model has a {head}, which does not fit {task} masks: use a "
                          "sigmoid head with 1 channel for a binary mask, softmax with one channel "
                          "per class for class ids, a linear head for real values.")
    if loss is not None:
        _loss(report, loss, activation, channels)


def _loss(report, loss, activation, channels):
    import keras

    from .head import describe_head_and_loss

    name = getattr(loss, "__name__", type(loss).__name__)
    if name == "bce_dice_loss":                     # the series' own loss, for probabilities
        if activation == "sigmoid" and channels == 1:
            report.add(True, "loss: sigmoid head + bce_dice_loss: probabilities vs a 0/1 mask")
        else:
            report.add(False, f"bce_dice_loss expects the probabilities of one sigmoid channel, "
                              f"but the head is {activation} with {channels} channel(s): build "
                              "the model with output_activation='sigmoid', num_classes=1.")
    elif not isinstance(loss, keras.losses.Loss):
        report.add(None, f"the loss {name} is a function: only Keras loss objects "
                         "(keras.losses.BinaryCrossentropy(), ...) and bce_dice_loss are checked")
    else:
        try:
            report.add(True, "loss: " + describe_head_and_loss(activation, loss, channels))
        except ValueError as error:
            report.add(False, str(error))


def _memory(report, model, batch_size):
    try:
        need = training_memory_bytes(model, batch_size)["total"]
    except ValueError as error:
        report.add(None, f"memory not estimated: {error}")
        return
    have = machine_memory_bytes()
    text = f"training memory at batch {batch_size}: about {format_bytes(need)}"
    if have is None:
        report.add(None, text + " (this system does not report its memory)")
    elif need > 0.8 * have:
        one, two = (training_memory_bytes(model, n)["total"] for n in (1, 2))
        fits = max(int((0.8 * have - (2 * one - two)) // (two - one)), 0)  # fixed + per image
        report.add(False, f"{text}, more than this machine's {format_bytes(have)} can hold: "
                          f"lower the batch size (about {fits} fit{'s' if fits == 1 else ''}), "
                          "use fewer base filters or smaller tiles.")
    else:
        report.add(True, text + ", fits in this machine's memory")


def diagnose(images, masks, model=None, loss=None, batch_size=None, num_classes=None,
             show=True):
    """Look at a training setup and report in plain words what is wrong and how to fix it.

    ``images (N, H, W, C)`` and ``masks (N, H, W, 1)`` (binary masks, class ids or regression
    targets); ``model``, ``loss`` (a Keras loss object) and ``batch_size`` are optional and
    checked when given. Prints the report (``show=False`` to keep quiet) and returns it; its
    ``problems`` list is empty when nothing was found.
    """
    report = Diagnosis()
    if report.check("", check_images, images):
        report.add(True, _describe_images(np.asarray(images)))
    try:
        masks = np.asarray(masks)
        images = np.asarray(images)
        if masks.ndim == 3:
            report.add(False, f"masks have shape {masks.shape}: add the channel axis, "
                              "masks[..., None].")
            masks = masks[..., None]
        if report.check("", check_pairs, images, masks):
            task = _task_of(model, masks)
            _masks(report, task, masks, num_classes)
            if model is not None and images.ndim == 4:
                _model(report, model, images, masks, task, loss)
        if model is not None and batch_size is not None:
            _memory(report, model, batch_size)
    except Exception as error:  # a diagnosis reports, it does not stop
        report.add(False, f"could not look further ({type(error).__name__}: {error})")
    if show:
        print(report)
    return report
