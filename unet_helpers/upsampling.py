"""What a transposed convolution does to one pixel, and how its kernel taps overlap.

A ``Conv2DTranspose`` with stride s places a scaled copy of its k x k kernel in the output for
every input pixel, s pixels apart, and adds up where copies overlap. With k = s = 2 the copies
tile the output exactly; with k = 3, s = 2 some output pixels get two or four copies and others
one, the uneven pattern behind "checkerboard" artefacts.
"""

import numpy as np

__all__ = ["transposed_output_size", "spread_one_pixel", "overlap_counts"]


def transposed_output_size(size, kernel_size, strides, padding="same"):
    """Output height (or width) of ``Conv2DTranspose``: ``size*strides`` with 'same' padding,
    ``(size - 1)*strides + kernel_size`` with 'valid'."""
    if padding == "same":
        return size * strides
    if padding == "valid":
        return (size - 1) * strides + kernel_size
    raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")


def spread_one_pixel(kernel_size=2, strides=2, input_size=4, position=(1, 2), padding="same"):
    """Run one ``Conv2DTranspose`` on an input that is 0 except for a single 1.

    The kernel holds 1, 2, ..., k*k (row by row) and the bias is 0, so every output value says
    which kernel tap produced it. Returns ``(inputs, outputs, kernel)`` as 2-D integer arrays:
    ``(input_size, input_size)``, ``(out, out)`` with ``out = transposed_output_size(...)``,
    and ``(k, k)``.
    """
    import keras

    kernel = np.arange(1, kernel_size * kernel_size + 1, dtype="float32").reshape(
        kernel_size, kernel_size)
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=strides, padding=padding)
    layer.build((1, input_size, input_size, 1))
    layer.set_weights([kernel[:, :, None, None], np.zeros(1, "float32")])
    inputs = np.zeros((input_size, input_size), "float32")
    inputs[position] = 1.0
    outputs = keras.ops.convert_to_numpy(layer(inputs[None, :, :, None]))[0, :, :, 0]
    return inputs.astype(int), np.rint(outputs).astype(int), kernel.astype(int)


def overlap_counts(kernel_size=2, strides=2, input_size=4, padding="same"):
    """How many kernel taps land on each output pixel when every input pixel is 1 and every
    kernel weight is 1: ``(out, out)`` integers. All ones means no overlap."""
    import keras

    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=strides, padding=padding,
                                         use_bias=False, kernel_initializer="ones")
    ones = np.ones((1, input_size, input_size, 1), "float32")
    return np.rint(keras.ops.convert_to_numpy(layer(ones))[0, :, :, 0]).astype(int)
