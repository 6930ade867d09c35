"""Keras losses and metrics for binary masks: one combined loss and the metrics to watch.

- ``bce_dice_loss``: binary cross-entropy + Dice loss, a common choice when the foreground is
  small (Dice does not care about the many easy background pixels; BCE gives smooth gradients).
  Both parts are Keras' own (``keras.losses.binary_crossentropy``, ``keras.losses.dice``).
- ``binary_segmentation_metrics``: ``BinaryIoU`` of the foreground and pixel accuracy.

The Dice and IoU formulas written out for reading live in ``scores``.
"""

import math

import keras

from .evaluation import check_threshold

__all__ = ["bce_dice_loss", "binary_segmentation_metrics"]


@keras.saving.register_keras_serializable(package="unet_helpers")
def bce_dice_loss(y_true, y_pred):
    """Binary cross-entropy + Dice loss, for a sigmoid head. ``(B, H, W, 1)`` -> one number."""
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if (len(true_shape) == len(pred_shape) and None not in (true_shape[-1:] + pred_shape[-1:])
            and true_shape[-1] != pred_shape[-1]):
        raise ValueError(f"bce_dice_loss compares masks {true_shape} with predictions "
                         f"{pred_shape}: the channels differ, and broadcasting would give a "
                         "wrong loss. A binary mask needs one sigmoid channel (num_classes=1); "
                         "for class ids use compile_multiclass.")
    bce = keras.losses.binary_crossentropy(y_true, y_pred, from_logits=False)
    return keras.ops.mean(bce) + keras.losses.dice(y_true, y_pred)


def binary_segmentation_metrics(threshold=0.5, *, from_logits=False):
    """Metrics for a binary head: IoU of the foreground (after thresholding) and accuracy.

    ``threshold`` is a probability in (0, 1). With ``from_logits=True`` (a linear head) the
    metrics cut the logits at ``log(threshold / (1 - threshold))``, the same decision: 0 for 0.5.
    """
    check_threshold(threshold)
    if not isinstance(from_logits, bool):
        raise ValueError(f"from_logits must be True (a linear head) or False (a sigmoid head), "
                         f"got {from_logits!r}.")
    cut = math.log(threshold / (1.0 - threshold)) if from_logits else float(threshold)
    return [keras.metrics.BinaryIoU(target_class_ids=[1], threshold=cut, name="iou"),
            keras.metrics.BinaryAccuracy(threshold=cut, name="accuracy")]
