"""Are a model's BatchNorm statistics stale? Measure how far they sit from the data.

During training, BatchNormalization normalises with each batch's own mean and variance and
keeps a moving average of them (``momentum`` 0.99 by default: 1 % new per step). Prediction uses
those moving averages. After a short run they have not caught up, and predictions suffer even
though the training loss looked good (notebook 08).
"""

import keras
import numpy as np

from .evaluation import check_model_images

__all__ = ["batchnorm_drift"]


def batchnorm_drift(model, images):
    """How far each BatchNorm layer's moving mean sits from the mean it really sees on ``images``.

    Returns ``{layer name: drift}``, the drift being the median over channels of
    ``|moving mean - data mean| / data standard deviation``. Prediction normalises with the
    moving statistics, so a drift of 0.5 shifts that layer's outputs by half a standard
    deviation; close to 0 means the statistics have caught up with the data. ``images``:
    ``(N, H, W, C)`` floats in [0, 1] that fit the model, the held-out images it will predict.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"batchnorm_drift measures a Keras model, got {type(model).__name__}.")
    check_model_images(model, images)
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
        moving_mean = np.asarray(layer.moving_mean.numpy())
        gap = np.abs(moving_mean - channels.mean(axis=0)) / (channels.std(axis=0) + 1e-6)
        drift[layer.name] = float(np.median(gap))
    return drift
