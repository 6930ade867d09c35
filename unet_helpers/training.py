"""Train and evaluate a small U-Net on a CPU: the series' defaults in one place.

The defaults were chosen by measuring on a 2-core CPU (``python benchmarks/train_speed.py
--sweep``): 64×64 inputs, 16 base filters, batch ``BATCH_SIZE``, Adam with learning rate 2e-3,
BatchNorm momentum 0.9 (the default 0.99 leaves the inference statistics stale after a short
run), and a cached, prefetched ``tf.data`` pipeline.
"""

import keras
import numpy as np

from .losses import bce_dice_loss, binary_segmentation_metrics, dice_coefficient, iou_score
from .model import build_unet

BATCH_SIZE = 8  # images per training step: the soonest to a good model on a CPU (see notebook 08)

__all__ = ["BATCH_SIZE", "EpochProgress", "batchnorm_drift",
           "build_small_unet", "compile_binary", "evaluate_binary", "predict_masks"]


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


def compile_binary(model, learning_rate=2e-3, loss=bce_dice_loss, *, steps_per_execution=1,
                   jit_compile=False):
    """Compile a sigmoid-headed model for binary masks: Adam, BCE + Dice, IoU and accuracy.

    ``steps_per_execution=4`` runs 4 steps per call from Python into TensorFlow: the same
    results, steady training a little faster, but the first call (tracing) takes seconds
    longer, so it pays off only for runs of a few hundred steps or more. ``jit_compile=True``
    asks for XLA, which Keras leaves off on a CPU; it made the small U-Net slower there.
    """
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss,
                  metrics=binary_segmentation_metrics(), steps_per_execution=steps_per_execution,
                  jit_compile=jit_compile)
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


def batchnorm_drift(model, images):
    """How far each BatchNorm layer's moving mean sits from the mean it really sees on ``images``.

    Returns ``{layer name: drift}``, the drift being the median over channels of
    ``|moving mean - data mean| / data standard deviation``. Prediction normalises with the
    moving statistics, so a drift of 0.5 shifts that layer's outputs by half a standard
    deviation; close to 0 means the statistics have caught up with the data.
    """
    norms = [layer for layer in model.layers
             if isinstance(layer, keras.layers.BatchNormalization)]
    if not norms:
        raise ValueError(f"{model.name} has no BatchNormalization layer to check.")
    probe = keras.Model(model.input, [layer.input for layer in norms])
    seen = probe(images, training=False)  # a direct call: no predict function to trace
    drift = {}
    for layer, inputs in zip(norms, seen):
        inputs = keras.ops.convert_to_numpy(inputs)
        channels = inputs.reshape(-1, inputs.shape[-1]).astype("float64")  # (pixels, C)
        moving_mean = keras.ops.convert_to_numpy(layer.moving_mean)
        gap = np.abs(moving_mean - channels.mean(axis=0)) / (channels.std(axis=0) + 1e-6)
        drift[layer.name] = float(np.median(gap))
    return drift
