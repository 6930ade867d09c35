"""Train and evaluate a small U-Net on a CPU: the series' defaults in one place.

The defaults were chosen by measuring on a 2-core CPU (see ``benchmarks/train_speed.py``):
64×64 inputs, 16 base filters, batch 16, Adam with learning rate 2e-3, BatchNorm momentum 0.9
(the default 0.99 leaves the inference statistics stale after a short run), and a cached,
prefetched ``tf.data`` pipeline.
"""

import keras
import numpy as np

from .losses import bce_dice_loss, binary_segmentation_metrics, dice_coefficient, iou_score
from .model import build_unet

__all__ = ["EpochProgress", "build_small_unet", "compile_binary", "evaluate_binary",
           "predict_masks"]


class EpochProgress(keras.callbacks.Callback):
    """Print one stable line per epoch ("epoch 2/4 done"), with no numbers that vary by machine.

    The losses stay in ``model.fit``'s returned history, for plots and for cells whose output
    is not compared.
    """

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}/{self.epochs} done", flush=True)


def build_small_unet(size=64, channels=1, *, base_filters=16, depth=4, momentum=0.9, **options):
    """The series' CPU-sized U-Net: the reference layout with fewer filters and smaller inputs.

    ``(batch, size, size, channels) -> (batch, size, size, 1)`` by default (sigmoid head).
    """
    return build_unet((size, size, channels), base_filters=base_filters, depth=depth,
                      batch_norm_momentum=momentum, name="small_unet", **options)


def compile_binary(model, learning_rate=2e-3, loss=bce_dice_loss):
    """Compile a sigmoid-headed model for binary masks: Adam, BCE + Dice, IoU and accuracy."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss,
                  metrics=binary_segmentation_metrics())
    return model


def predict_masks(model, images, threshold=0.5, batch_size=32):
    """``(N, H, W, C)`` images -> ``(probabilities, masks)``, each ``(N, H, W, 1)``."""
    probabilities = model.predict(images, batch_size=batch_size, verbose=0)
    return probabilities, (probabilities > threshold).astype("float32")


def evaluate_binary(model, images, masks, threshold=0.5):
    """Dice and IoU of the thresholded predictions over a whole held-out set (one number each)."""
    _, predicted = predict_masks(model, images, threshold)
    return {"dice": dice_coefficient(masks, predicted), "iou": iou_score(masks, predicted),
            "foreground_predicted": float(np.mean(predicted))}
