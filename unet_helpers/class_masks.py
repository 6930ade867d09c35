"""Masks of class ids: checking them, one-hot encoding them, and counting each class.

A multi-class mask holds one class id per pixel, ``(N, H, W, 1)`` with values 0 … C−1. The
usual mistakes (a 0/255 mask passed as ids, fractional ids from bilinear resizing or from
dividing by 255, ids that do not fit ``num_classes``) are caught here with a message that
names the fix. No TensorFlow is imported until ``one_hot_masks`` is called.
"""

import numpy as np

from .data_checks import VOID_LABEL, mask_values_kind

__all__ = ["check_class_ids", "as_class_ids", "one_hot_masks", "class_shares"]


def check_class_ids(masks, num_classes):
    """Raise unless ``masks`` holds whole numbers in 0 … ``num_classes``−1 (any shape).

    Refused with their fix: a 0/255 binary image, ids divided by 255 or resized bilinearly
    (fractions), and PASCAL VOC's 255 'void' label next to the ids (the series does not train
    with ignored pixels).
    """
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2 (background counts as a class), "
                         f"got {num_classes!r}. For one binary mask use a sigmoid head instead.")
    masks = np.asarray(masks)
    if masks.dtype == object or not (np.issubdtype(masks.dtype, np.number) or masks.dtype == bool):
        raise ValueError(f"The masks hold {masks.dtype} values, not class ids: convert them with "
                         "np.asarray(masks, dtype='int32').")
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
        if mask_values_kind(masks) == "binary255":
            raise ValueError(
                "The masks hold 0 and 255: a binary image, not class ids. Divide by 255 to get "
                "ids 0 and 1 (mask // 255), and use num_classes=2.")
        if high == VOID_LABEL:
            _refuse_void(masks, num_classes)
        raise ValueError(
            f"The masks hold class id {high:g}, but num_classes={num_classes} allows ids 0 to "
            f"{num_classes - 1}. Use num_classes={int(high) + 1}, or map the ids to 0 … "
            f"{num_classes - 1}.")


def _refuse_void(masks, num_classes):
    ids = masks[masks != VOID_LABEL]
    top = int(ids.max()) if ids.size else 0
    classes = max(num_classes, top + 1)
    raise ValueError(
        f"The masks hold class ids 0 to {top} and {VOID_LABEL}: the PASCAL VOC convention, "
        f"where {VOID_LABEL} marks 'void' pixels (object borders, pixels nobody could label). "
        f"The series does not train with ignored pixels: set them to a class first, e.g. "
        f"masks[masks == {VOID_LABEL}] = 0 (background), then use num_classes={classes}. "
        f"(To ignore them instead, outside the series: "
        f"keras.losses.SparseCategoricalCrossentropy(ignore_class={VOID_LABEL}).)")


def as_class_ids(masks, num_classes):
    """``masks`` as int32 class ids, after ``check_class_ids``; the shape is kept."""
    check_class_ids(masks, num_classes)
    return np.asarray(masks).astype(np.int32)


def one_hot_masks(masks, num_classes):
    """Class ids -> one-hot masks, the target ``CategoricalCrossentropy`` wants.

    ``(N, H, W, 1)`` (or ``(N, H, W)``) ids -> ``(N, H, W, num_classes)`` float32 of 0s and 1s,
    by ``keras.utils.to_categorical``.
    """
    import keras

    ids = as_class_ids(masks, num_classes)
    return keras.utils.to_categorical(ids, num_classes).astype(np.float32)


def class_shares(masks, num_classes):
    """The share of pixels of each class: ``(N, H, W, 1)`` ids -> ``(num_classes,)``, sums to 1."""
    ids = as_class_ids(masks, num_classes)
    return np.bincount(ids.ravel(), minlength=num_classes) / ids.size
