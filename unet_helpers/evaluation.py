"""From a trained model to predictions and scores on held-out images.

- binary masks: ``predict_masks`` (probabilities and a thresholded mask), ``evaluate_binary``
- class ids: ``predict_class_ids`` (the ``argmax`` over the classes)
- the checks they make first: ``check_threshold``, ``check_model_images`` (the images fit the
  model), ``check_binary_model`` (one sigmoid channel)

The scores themselves (Dice, IoU, confusion matrix) are in ``scores``. Importing this module
loads no TensorFlow; the checks read the model's layers and shapes only.
"""

import numbers

import numpy as np

from .checks import check_positive_int
from .data_checks import check_array, check_binary_masks, check_images, check_pairs
from .scores import dice_coefficient, iou_score

__all__ = ["check_threshold", "check_model_images", "check_binary_model", "predict_masks",
           "evaluate_binary", "predict_class_ids"]


def check_threshold(threshold):
    """Raise unless ``threshold`` is a number strictly between 0 and 1 (a probability cut-off)."""
    if (isinstance(threshold, bool) or not isinstance(threshold, numbers.Real)
            or not 0.0 < float(threshold) < 1.0):
        raise ValueError(f"threshold must be a number between 0 and 1 (not 0 or 1 themselves), "
                         f"e.g. 0.5, got {threshold!r}: a pixel is foreground when its "
                         "probability is above it.")


def _output_channels(model):
    """The model's number of output channels, after checking it is a one-in, one-out model."""
    if not all(hasattr(model, name) for name in ("predict", "layers", "inputs", "outputs")):
        raise ValueError(f"model must be a Keras model, got {type(model).__name__}. Build one "
                         "with build_small_unet(...) (or keras.Model(inputs, outputs)).")
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ValueError(f"{model.name} has {len(model.inputs)} inputs and {len(model.outputs)} "
                         "outputs: these helpers take a U-Net with one input and one output.")
    return model.outputs[0].shape[-1]


def check_model_images(model, images):
    """Raise unless ``images`` fit ``model``: ``(N, H, W, C)`` floats in [0, 1] with the
    model's C, and its H and W where the model fixes them."""
    _output_channels(model)
    check_images(images)
    expected, shape = tuple(model.inputs[0].shape), np.shape(images)
    if len(expected) != 4:
        raise ValueError(f"{model.name} takes inputs {expected}, not images (batch, H, W, C).")
    if expected[3] is not None and expected[3] != shape[3]:
        raise ValueError(f"The images have {shape[3]} channels but the model takes "
                         f"{expected[3]}: build the model with channels={shape[3]}, or convert "
                         "the images (RGB to gray: images.mean(axis=-1, keepdims=True)).")
    for axis, want, got in (("height", expected[1], shape[1]), ("width", expected[2], shape[2])):
        if want is not None and want != got:
            raise ValueError(f"The images' {axis} is {got} but the model takes {want}: resize "
                             f"or crop the images to {expected[1]}x{expected[2]}, or build the "
                             f"model for {shape[1]}x{shape[2]}.")


def check_binary_model(model):
    """Raise unless ``model`` outputs one probability per pixel: one channel, a sigmoid head."""
    from .head import head_activation  # a model exists, so Keras is loaded already

    channels = _output_channels(model)
    activation = head_activation(model)
    if channels != 1:
        raise ValueError(f"The model outputs {channels} channels ({activation} head), one per "
                         "class, but binary scores need one sigmoid channel: for class ids use "
                         "predict_class_ids, then confusion_matrix and per_class_iou (scores).")
    if activation == "linear":
        raise ValueError("The model's head is linear: its outputs are logits (any real number), "
                         "not probabilities, so a threshold in (0, 1) would cut in the wrong "
                         "place. Threshold the logits at 0 (logits > 0), or build the model "
                         "with output_activation='sigmoid'.")
    if activation == "softmax":
        raise ValueError("softmax over a single channel always outputs 1.0: every pixel would "
                         "be foreground. Build the model with output_activation='sigmoid'.")


def _held_out_masks(masks):
    """Binary masks as ``check_binary_masks`` wants them, except that all 0 is allowed."""
    check_array(masks, "masks", shape_hint="(N, H, W, 1)")
    masks = np.asarray(masks)
    if masks.shape[-1] == 1 and not masks.any():
        return  # a held-out set may hold no foreground: Dice and IoU then count false positives
    check_binary_masks(masks)


def _predict(model, images, batch_size):
    return model.predict(images, batch_size=batch_size, verbose=0)


def predict_masks(model, images, threshold=0.5, batch_size=32):
    """``(N, H, W, C)`` images -> ``(probabilities, masks)``, each ``(N, H, W, 1)``.

    The model needs one sigmoid output channel; ``threshold`` lies in (0, 1).
    """
    check_binary_model(model)
    check_model_images(model, images)
    check_threshold(threshold)
    check_positive_int(batch_size, "batch_size", "e.g. 32")
    probabilities = _predict(model, images, batch_size)
    return probabilities, (probabilities > threshold).astype("float32")


def evaluate_binary(model, images, masks, threshold=0.5):
    """Dice and IoU of the thresholded predictions over a whole held-out set (one number each).

    The model needs one sigmoid output channel, the masks hold 0 and 1 and pair with the
    images, and ``threshold`` lies in (0, 1). Unlike training data, masks that are all 0 are
    accepted (a held-out set may hold no foreground): Dice and IoU then only count false
    positives (any predicted pixel gives 0), so read ``foreground_predicted`` too.
    """
    check_binary_model(model)
    check_model_images(model, images)
    _held_out_masks(masks)
    check_pairs(images, masks)
    check_threshold(threshold)
    predicted = (_predict(model, images, 32) > threshold).astype("float32")
    return {"dice": dice_coefficient(masks, predicted), "iou": iou_score(masks, predicted),
            "foreground_predicted": float(np.mean(predicted))}


def predict_class_ids(model, images, batch_size=32):
    """``(N, H, W, C)`` images -> ``(probabilities (N, H, W, classes), ids (N, H, W, 1) int32)``.

    The predicted class of a pixel is the channel with the largest output (``argmax`` over the
    last axis); this is the same for probabilities and logits, so it works for softmax and
    linear heads alike. The model needs two or more output channels.
    """
    channels = _output_channels(model)
    if channels is None or channels < 2:
        raise ValueError(f"The model has {channels} output channel: argmax over one channel is "
                         "always 0. For one binary mask use predict_masks; for classes build "
                         "the model with num_classes >= 2 and a softmax head.")
    check_model_images(model, images)
    check_positive_int(batch_size, "batch_size", "e.g. 32")
    outputs = _predict(model, images, batch_size)
    return outputs, np.argmax(outputs, axis=-1)[..., None].astype(np.int32)
