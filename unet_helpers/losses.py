"""Keras losses and metrics for binary masks: one combined loss and the metrics to watch.

- ``bce_dice_loss``: binary cross-entropy + Dice loss, a common choice when the foreground is
  small (Dice does not care about the many easy background pixels; BCE gives smooth gradients).
  Both parts are Keras' own (``keras.losses.binary_crossentropy``, ``keras.losses.dice``).
- ``binary_segmentation_metrics``: ``BinaryIoU`` of the foreground and pixel accuracy.

The Dice and IoU formulas written out for reading live in ``scores``.
"""

import keras

__all__ = ["bce_dice_loss", "binary_segmentation_metrics"]


@keras.saving.register_keras_serializable(package="unet_helpers")
def bce_dice_loss(y_true, y_pred):
    """Binary cross-entropy + Dice loss, for a sigmoid head. ``(B, H, W, 1)`` -> one number."""
    bce = keras.losses.binary_crossentropy(y_true, y_pred, from_logits=False)
    return keras.ops.mean(bce) + keras.losses.dice(y_true, y_pred)


def binary_segmentation_metrics(threshold=0.5):
    """Metrics for a sigmoid head: IoU of the foreground (after thresholding) and accuracy."""
    return [keras.metrics.BinaryIoU(target_class_ids=[1], threshold=threshold, name="iou"),
            keras.metrics.BinaryAccuracy(threshold=threshold, name="accuracy")]
