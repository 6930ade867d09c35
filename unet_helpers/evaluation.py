"""From a trained model to predictions and scores on held-out images.

- binary masks: ``predict_masks`` (probabilities and a thresholded mask), ``evaluate_binary``
- class ids: ``predict_class_ids`` (the ``argmax`` over the classes)

The scores themselves (Dice, IoU, confusion matrix) are in ``scores``.
"""

import numpy as np

from .scores import dice_coefficient, iou_score

__all__ = ["predict_masks", "evaluate_binary", "predict_class_ids"]


def predict_masks(model, images, threshold=0.5, batch_size=32):
    """``(N, H, W, C)`` images -> ``(probabilities, masks)``, each ``(N, H, W, 1)``."""
    probabilities = model.predict(images, batch_size=batch_size, verbose=0)
    return probabilities, (probabilities > threshold).astype("float32")


def evaluate_binary(model, images, masks, threshold=0.5):
    """Dice and IoU of the thresholded predictions over a whole held-out set (one number each)."""
    _, predicted = predict_masks(model, images, threshold)
    return {"dice": dice_coefficient(masks, predicted), "iou": iou_score(masks, predicted),
            "foreground_predicted": float(np.mean(predicted))}


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
