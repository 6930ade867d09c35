"""Three ways a decoder can double H and W, compared: layers, parameters, compute, overlaps.

- ``"transpose_k2s2"``: ``Conv2DTranspose(filters, 2, strides=2)``, the series' choice
- ``"transpose_k3s2"``: ``Conv2DTranspose(filters, 3, strides=2)``, uneven overlaps
- ``"upsample_conv"``: ``UpSampling2D(2)`` (nearest) then ``Conv2D(filters, 3)``: every interior
  output pixel gets the same nine taps

``checkerboard_strength`` measures how much of an output is a pattern that repeats every two
pixels, the artefact the uneven overlaps can leave.
"""

import numpy as np

from .formulas import conv_params, transpose_params
from .transposed_conv import count_taps

__all__ = ["UPSAMPLERS", "upsampler_kernel_size", "upsampling_layers", "build_upsampler",
           "upsampler_params", "upsampler_macs", "overlap_map", "checkerboard_strength"]

# The three upsamplers notebook 12 compares: the series' choice first.
UPSAMPLERS = ("transpose_k2s2", "transpose_k3s2", "upsample_conv")


def upsampler_kernel_size(kind):
    """The kernel size of an upsampler: 2 for ``transpose_k2s2``, 3 for the other two."""
    if kind not in UPSAMPLERS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, UPSAMPLERS))}; got {kind!r}")
    return 2 if kind == "transpose_k2s2" else 3


def upsampling_layers(kind, filters, *, kernel_initializer="glorot_uniform", use_bias=True,
                      name=None):
    """The layers of one upsampler, in order; together ``(batch, H, W, C) -> (batch, 2H, 2W,
    filters)``."""
    from keras import layers

    kernel_size = upsampler_kernel_size(kind)
    name = name or kind
    options = dict(kernel_initializer=kernel_initializer, use_bias=use_bias)
    if kind == "upsample_conv":
        return [layers.UpSampling2D(2, name=f"{name}_upsample"),
                layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_conv",
                              **options)]
    return [layers.Conv2DTranspose(filters, kernel_size, strides=2, padding="same",
                                   name=f"{name}_transpose", **options)]


def build_upsampler(kind, input_shape=(16, 16, 64), filters=64, *,
                    kernel_initializer="glorot_uniform", use_bias=True, repeats=1):
    """A small model made of one upsampler (or ``repeats`` of them, one after the other):
    ``(batch, H, W, C) -> (batch, 2**repeats * H, 2**repeats * W, filters)``."""
    import keras

    if repeats < 1:
        raise ValueError(f"repeats must be at least 1 (one upsampler); got {repeats}")
    inputs = keras.Input(input_shape)
    x = inputs
    for i in range(repeats):
        name = kind if repeats == 1 else f"{kind}_{i + 1}"
        for layer in upsampling_layers(kind, filters, kernel_initializer=kernel_initializer,
                                       use_bias=use_bias, name=name):
            x = layer(x)
    return keras.Model(inputs, x, name=kind)


def upsampler_params(kind, in_channels, filters):
    """Parameters by formula (``formulas``): a k x k (transposed) convolution, with k from
    ``upsampler_kernel_size`` (``UpSampling2D`` itself has none)."""
    k = upsampler_kernel_size(kind)
    if kind == "upsample_conv":
        return conv_params(k, in_channels, filters)
    return transpose_params(in_channels, filters, k)


def upsampler_macs(kind, height, width, in_channels, filters):
    """Multiply-accumulates for an H x W input by formula.

    A transposed convolution multiplies each *input* pixel by the whole k x k x C_in x C_out
    kernel: H*W*k*k*C_in*C_out. ``UpSampling2D`` + ``Conv2D`` runs the 3 x 3 convolution on the
    upsampled map, four times as many pixels: 2H*2W*9*C_in*C_out.
    """
    k = upsampler_kernel_size(kind)
    if kind == "upsample_conv":
        return (2 * height) * (2 * width) * k * k * in_channels * filters
    return height * width * k * k * in_channels * filters


def overlap_map(kind, input_size=4, repeats=1):
    """How many kernel taps land on each output pixel of an upsampler (or of ``repeats``
    upsamplers in a row), with every input pixel and every weight equal to 1, no bias:
    ``(out, out)`` integers with ``out = 2**repeats * input_size``."""
    model = build_upsampler(kind, (input_size, input_size, 1), 1, kernel_initializer="ones",
                            use_bias=False, repeats=repeats)
    return count_taps(model, input_size)


def checkerboard_strength(image, border=0):
    """How much of an image is a pattern that repeats every 2 pixels, from 0 (none) to 1.

    Split the image into its four 2 x 2 phases (even/odd rows x even/odd columns) and average
    each; the strength is the standard deviation of those four means divided by the image's
    root-mean-square value. A pure +-1 checkerboard gives 1, a constant image 0. ``image`` is
    ``(H, W)`` or ``(H, W, C)`` (the strengths of the channels are averaged); ``border`` pixels
    are cropped from each side first.
    """
    image = np.asarray(image, dtype="float64")
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3:
        raise ValueError(f"image must be (H, W) or (H, W, C); got shape {image.shape}: "
                         "drop the batch axis, e.g. outputs[0]")
    if border:
        image = image[border:-border, border:-border]
    height, width = image.shape[:2]
    if height < 2 or width < 2 or height % 2 or width % 2:
        raise ValueError(f"after cropping, H and W must be even and at least 2; got {height} x "
                         f"{width}: choose an even border or crop one more row/column")
    strengths = []
    for channel in np.moveaxis(image, -1, 0):
        rms = np.sqrt(np.mean(channel ** 2))
        means = [channel[a::2, b::2].mean() for a in (0, 1) for b in (0, 1)]
        strengths.append(float(np.std(means) / rms) if rms > 0 else 0.0)
    return float(np.mean(strengths))
