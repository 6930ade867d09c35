"""Losses and metrics for segmentation: Keras' own, one combination, and a teaching Dice.

- ``dice_coefficient``: the Dice formula written out in numpy, to read and to compare with
  ``keras.losses.Dice`` (which returns ``1 - Dice``).
- ``bce_dice_loss``: binary cross-entropy + Dice loss, a common choice when the foreground is
  small (Dice does not care about the many easy background pixels; BCE gives smooth gradients).
- ``binary_segmentation_metrics``: ``BinaryIoU`` of the foreground and pixel accuracy.
"""

import keras
import numpy as np

__all__ = ["dice_coefficient", "iou_score", "bce_dice_loss", "binary_segmentation_metrics"]


def dice_coefficient(y_true, y_pred, epsilon=1e-7):
    """Dice = 2·|A ∩ B| / (|A| + |B|), over all pixels; 1 is a perfect overlap, 0 none.

    ``y_true`` and ``y_pred``: arrays of the same shape with values in [0, 1]. With
    probabilities as ``y_pred`` this is the "soft" Dice that the Dice loss uses; with a
    thresholded mask it is the Dice score reported in papers.
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    intersection = np.sum(y_true * y_pred)
    return float(2.0 * intersection / (np.sum(y_true) + np.sum(y_pred) + epsilon))


def iou_score(y_true, y_pred_mask):
    """Intersection over union of two binary masks: |A ∩ B| / |A ∪ B| (1 when both are empty)."""
    a = np.asarray(y_true) > 0.5
    b = np.asarray(y_pred_mask) > 0.5
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


@keras.saving.register_keras_serializable(package="unet_helpers")
def bce_dice_loss(y_true, y_pred):
    """Binary cross-entropy + Dice loss, for a sigmoid head. ``(B, H, W, 1)`` -> one number."""
    bce = keras.losses.binary_crossentropy(y_true, y_pred, from_logits=False)
    return keras.ops.mean(bce) + keras.losses.dice(y_true, y_pred)


def binary_segmentation_metrics(threshold=0.5):
    """Metrics for a sigmoid head: IoU of the foreground (after thresholding) and accuracy."""
    return [keras.metrics.BinaryIoU(target_class_ids=[1], threshold=threshold, name="iou"),
            keras.metrics.BinaryAccuracy(threshold=threshold, name="accuracy")]
