"""Several classes per image: class-id checks, one-hot masks, per-class IoU and coloured masks.

A multi-class mask holds one class id per pixel, ``(N, H, W, 1)`` with values 0 … C−1. A softmax
head outputs ``(N, H, W, C)`` probabilities; the predicted mask is their ``argmax``. The
confusion matrix (rows: true class, columns: predicted class) holds everything needed for
pixel accuracy and the IoU of every class.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from .heads import check_head_and_loss

__all__ = ["CLASS_COLOURS", "check_class_ids", "one_hot_masks", "class_shares",
           "predict_class_ids", "PredictedShares", "confusion_matrix", "per_class_iou",
           "compile_multiclass", "class_cmap", "colour_mask", "show_class_masks",
           "plot_confusion"]

# Okabe-Ito colours (distinguishable with common colour-vision deficiencies); background black.
CLASS_COLOURS = ((0.0, 0.0, 0.0), (0.90, 0.62, 0.0), (0.34, 0.71, 0.91), (0.0, 0.62, 0.45),
                 (0.94, 0.89, 0.26), (0.0, 0.45, 0.70), (0.84, 0.37, 0.0), (0.80, 0.47, 0.65))


def check_class_ids(masks, num_classes):
    """Return ``masks`` as int32 class ids after checking they are whole numbers in 0 … C−1.

    Catches the usual mask mistakes with a message that names the fix: a 0/255 mask passed as
    ids, fractional values from bilinear resizing or from dividing ids by 255, and ids that do
    not fit ``num_classes``. Any shape; the shape is kept.
    """
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2 (background counts as a class), "
                         f"got {num_classes!r}. For one binary mask use a sigmoid head instead.")
    masks = np.asarray(masks)
    if masks.size == 0:
        raise ValueError("The masks are empty: pass at least one pixel.")
    if not np.all(np.isfinite(masks)):
        raise ValueError("The masks hold NaN or infinite values: class ids must be whole numbers.")
    if not np.array_equal(masks, np.round(masks)):
        raise ValueError(
            "The masks hold fractional values, but class ids must be whole numbers. Resize masks "
            "with nearest-neighbour interpolation (not bilinear), and do not divide ids by 255.")
    low, high = masks.min(), masks.max()
    if low < 0:
        raise ValueError(f"The masks hold negative values ({low:g}); class ids start at 0.")
    if high >= num_classes:
        values = np.unique(masks)
        if high == 255 and len(values) <= 2:
            raise ValueError(
                "The masks hold 0 and 255: a binary image, not class ids. Divide by 255 to get "
                "ids 0 and 1 (mask // 255), and use num_classes=2.")
        raise ValueError(
            f"The masks hold class id {high:g}, but num_classes={num_classes} allows ids 0 to "
            f"{num_classes - 1}. Use num_classes={int(high) + 1}, or map the ids to 0 … "
            f"{num_classes - 1}.")
    return masks.astype(np.int32)


def one_hot_masks(masks, num_classes):
    """Class ids -> one-hot masks, the target ``CategoricalCrossentropy`` wants.

    ``(N, H, W, 1)`` (or ``(N, H, W)``) ids -> ``(N, H, W, num_classes)`` float32 of 0s and 1s.
    """
    ids = check_class_ids(masks, num_classes)
    if ids.ndim >= 1 and ids.shape[-1] == 1:
        ids = ids[..., 0]
    return np.eye(num_classes, dtype=np.float32)[ids]


def class_shares(masks, num_classes):
    """The share of pixels of each class: ``(N, H, W, 1)`` ids -> ``(num_classes,)``, sums to 1."""
    ids = check_class_ids(masks, num_classes)
    return np.bincount(ids.ravel(), minlength=num_classes) / ids.size


def predict_class_ids(model, images, batch_size=32):
    """``(N, H, W, C)`` images -> ``(probabilities (N, H, W, classes), ids (N, H, W, 1) int32)``.

    The predicted class of a pixel is the channel with the largest output (``argmax`` over the
    last axis); this is the same for probabilities and logits, so it works for softmax and
    linear heads alike.
    """
    outputs = model.predict(images, batch_size=batch_size, verbose=0)
    if outputs.shape[-1] < 2:
        raise ValueError(f"The model has {outputs.shape[-1]} output channel: argmax over one "
                         "channel is always 0. Use num_classes >= 2 with a softmax head.")
    return outputs, np.argmax(outputs, axis=-1)[..., None].astype(np.int32)


class PredictedShares(keras.callbacks.Callback):
    """After each epoch, record which share of ``images``' pixels the model gives each class.

    ``shares`` becomes a list with one ``(num_classes,)`` array per epoch; compare it with
    ``class_shares`` of the true masks to see a model that calls everything background.
    Prints nothing.
    """

    def __init__(self, images, num_classes):
        super().__init__()
        self.images = images
        self.num_classes = num_classes
        self.shares = []

    def on_epoch_end(self, epoch, logs=None):
        _, ids = predict_class_ids(self.model, self.images)
        self.shares.append(np.bincount(ids.ravel(), minlength=self.num_classes) / ids.size)


def confusion_matrix(y_true_ids, y_pred_ids, num_classes):
    """Count pixels by (true class, predicted class): ``(num_classes, num_classes)`` int64.

    Row ``i``, column ``j`` = pixels of class ``i`` predicted as class ``j`` (the layout of
    ``keras.metrics.MeanIoU``'s ``total_cm``). Both inputs hold ids and have the same shape.
    """
    truth = check_class_ids(y_true_ids, num_classes)
    guess = check_class_ids(y_pred_ids, num_classes)
    if truth.shape != guess.shape:
        raise ValueError(f"True ids {truth.shape} and predicted ids {guess.shape} differ in "
                         "shape. Turn probabilities into ids first: argmax over the last axis "
                         "(predict_class_ids), keeping the (N, H, W, 1) layout of the masks.")
    pairs = truth.ravel().astype(np.int64) * num_classes + guess.ravel()
    return np.bincount(pairs, minlength=num_classes**2).reshape(num_classes, num_classes)


def per_class_iou(confusion):
    """IoU of each class from a confusion matrix: TP / (TP + FP + FN), ``(C, C) -> (C,)``.

    TP is the diagonal, TP + FN the row sum (pixels of the class), TP + FP the column sum
    (pixels predicted as it). A class that is neither present nor predicted gets NaN, and
    ``np.nanmean`` of the result is the mean IoU that ``keras.metrics.MeanIoU`` reports.
    """
    confusion = np.asarray(confusion, dtype=np.float64)
    if confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1]:
        raise ValueError(f"A confusion matrix is square (classes × classes), got shape "
                         f"{confusion.shape}. Build one with confusion_matrix(truth, ids, C).")
    if np.any(confusion < 0):
        raise ValueError("A confusion matrix holds pixel counts, which cannot be negative.")
    hits = np.diag(confusion)
    union = confusion.sum(axis=0) + confusion.sum(axis=1) - hits
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, hits / union, np.nan)


def compile_multiclass(model, learning_rate=2e-3, num_classes=None, *, steps_per_execution=1):
    """Compile for class-id masks: Adam, ``SparseCategoricalCrossentropy``, mean IoU, accuracy.

    ``from_logits`` is read from the head: ``True`` for a linear head (logits), ``False`` for a
    softmax head (probabilities); ``check_head_and_loss`` confirms the pairing. The model's
    output is ``(batch, H, W, num_classes)``; the masks ``(batch, H, W, 1)`` hold class ids.
    ``learning_rate`` may be a number or a schedule; ``steps_per_execution`` > 1 runs that many
    training steps per call into TensorFlow (less Python between small steps).
    """
    num_classes = model.output.shape[-1] if num_classes is None else num_classes
    activation = getattr(model.layers[-1], "activation", None)
    name = getattr(activation, "__name__", "linear")
    if name not in ("softmax", "linear"):
        raise ValueError(f"The model's last layer uses {name!r}; for several classes use a "
                         "softmax head (output_activation='softmax') or a linear one (None).")
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=name == "linear")
    check_head_and_loss(name, loss, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss,
                  metrics=[keras.metrics.MeanIoU(num_classes, sparse_y_pred=False,
                                                 name="mean_iou"),
                           keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                  steps_per_execution=steps_per_execution)
    return model


def class_cmap(num_classes):
    """A categorical colour map, one fixed colour per class id (use ``vmin=0``, ``vmax=C−1``)."""
    if not 2 <= num_classes <= len(CLASS_COLOURS):
        raise ValueError(f"class_cmap has colours for 2 to {len(CLASS_COLOURS)} classes, got "
                         f"{num_classes}; pass your own ListedColormap for more.")
    return ListedColormap(CLASS_COLOURS[:num_classes], name=f"classes{num_classes}")


def colour_mask(ids, num_classes):
    """Class ids ``(H, W)`` or ``(H, W, 1)`` -> an RGB image ``(H, W, 3)``, one colour per class."""
    ids = check_class_ids(np.asarray(ids).squeeze(), num_classes)
    class_cmap(num_classes)  # checks that there are enough colours
    return np.asarray(CLASS_COLOURS[:num_classes])[ids]


def _legend(fig, class_names):
    handles = [Patch(facecolor=CLASS_COLOURS[i], edgecolor="gray", label=f"{i} {name}")
               for i, name in enumerate(class_names)]
    fig.legend(handles=handles, loc="lower center", ncol=len(class_names), fontsize=9,
               frameon=False, bbox_to_anchor=(0.5, -0.02))


def show_class_masks(images, masks, class_names, predictions=None, n=3):
    """One row per example: image, true classes, and (given ``predictions``) predicted classes
    and the wrong pixels. ``images``/``masks``/``predictions``: ``(N, H, W, 1)``; a legend names
    the classes.
    """
    num_classes = len(class_names)
    n = min(n, len(images))
    columns = 2 if predictions is None else 4
    fig, axes = plt.subplots(n, columns, figsize=(2.4 * columns, 2.4 * n + 0.4), dpi=100,
                             squeeze=False)
    titles = ["image", "true classes", "predicted classes", "wrong pixels (red)"]
    for row in range(n):
        truth = check_class_ids(masks[row], num_classes).squeeze()
        axes[row, 0].imshow(np.asarray(images[row]).squeeze(), cmap="gray", vmin=0, vmax=1)
        axes[row, 1].imshow(colour_mask(truth, num_classes))
        if predictions is not None:
            guess = check_class_ids(predictions[row], num_classes).squeeze()
            axes[row, 2].imshow(colour_mask(guess, num_classes))
            wrong = np.repeat(np.asarray(images[row]).reshape(truth.shape + (1,)), 3, axis=-1)
            wrong = 0.5 * np.clip(wrong, 0, 1)
            wrong[truth != guess] = (0.84, 0.37, 0.0)
            axes[row, 3].imshow(wrong)
        for col in range(columns):
            axes[row, col].set_axis_off()
            if row == 0:
                axes[row, col].set_title(titles[col], fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _legend(fig, class_names)
    return fig


def plot_confusion(confusion, class_names, ax=None):
    """The confusion matrix as an image, each row divided by its total (shares of a true class)."""
    confusion = np.asarray(confusion, dtype=np.float64)
    rows = confusion / np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6), dpi=100)
    image = ax.imshow(rows, cmap="viridis", vmin=0, vmax=1)
    for i in range(len(class_names)):
        for j in range(len(class_names)):
            ax.text(j, i, f"{rows[i, j]:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if rows[i, j] > 0.6 else "white")
    ax.set_xticks(range(len(class_names)), class_names, rotation=30)
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("Confusion matrix (rows sum to 1)")
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax
