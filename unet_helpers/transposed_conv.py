"""What one transposed convolution does: output sizes, one pixel spreading, overlapping taps.

A ``Conv2DTranspose`` with stride s places a scaled copy of its k x k kernel in the output for
every input pixel, s pixels apart, and adds up where copies overlap. With k = s = 2 the copies
tile the output exactly; with k = 3, s = 2 some output pixels get two or four copies and others
one, the uneven pattern behind "checkerboard" artefacts.
"""

import numpy as np

from .checks import check_padding

__all__ = ["transposed_output_size", "spread_one_pixel", "count_taps", "overlap_counts",
           "taps_per_phase", "overlap_kind", "phase_sums"]


def transposed_output_size(size, kernel_size, strides, padding="same"):
    """Output height (or width) of ``Conv2DTranspose``: ``size*strides`` with 'same' padding,
    ``(size - 1)*strides + kernel_size`` with 'valid' (Keras never returns less than
    ``size*strides``, so a kernel smaller than the stride still gives ``size*strides``)."""
    check_padding(padding)
    if padding == "same":
        return size * strides
    return (size - 1) * strides + max(kernel_size, strides)


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


def count_taps(layer_or_model, input_size):
    """Feed an all-ones ``(1, n, n, 1)`` input through layers whose weights are all 1 and that
    have no bias: each output value then counts the kernel taps that land on that pixel.
    Returns the ``(out, out)`` integer map."""
    import keras

    ones = np.ones((1, input_size, input_size, 1), "float32")
    return np.rint(keras.ops.convert_to_numpy(layer_or_model(ones))[0, :, :, 0]).astype(int)


def overlap_counts(kernel_size=2, strides=2, input_size=4, padding="same"):
    """How many kernel taps land on each output pixel of one ``Conv2DTranspose`` when every
    input pixel is 1 and every kernel weight is 1: ``(out, out)`` integers. All ones means no
    overlap."""
    import keras

    check_padding(padding)
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=strides, padding=padding,
                                         use_bias=False, kernel_initializer="ones")
    return count_taps(layer, input_size)


def taps_per_phase(kernel_size, strides):
    """Along one axis, how many of the k kernel taps land on an interior output pixel, for each
    of the ``strides`` output phases (position modulo the stride): a list of s integers that add
    up to k. Equal numbers (k divisible by s) mean even overlap; a 0 means holes."""
    if kernel_size < 1 or strides < 1:
        raise ValueError(f"kernel_size and strides must be at least 1; got {kernel_size}, "
                         f"{strides}")
    return [len(range(phase, kernel_size, strides)) for phase in range(strides)]


def overlap_kind(kernel_size, strides):
    """How the taps overlap, from ``taps_per_phase``: 'even' (every interior output pixel gets
    as many taps: k divisible by s), 'uneven' (they alternate: a checkerboard pattern) or
    'holes' (some pixels get none: k < s)."""
    phases = taps_per_phase(kernel_size, strides)
    return "holes" if 0 in phases else "even" if len(set(phases)) == 1 else "uneven"


def phase_sums(kernel, strides=2):
    """Sum of a 2-D kernel's taps in each phase: ``(k, k) -> (s, s)``, entry [a, b] adds the taps
    whose row is a modulo s and whose column is b modulo s.

    On a constant input, an interior output pixel of a transposed convolution (one channel, no
    bias) receives exactly one of these sums, so the output is constant only if they are equal.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (k, k); got shape {kernel.shape}: take one input "
                         "and one output channel, e.g. kernel[:, :, 0, 0]")
    return np.array([[kernel[a::strides, b::strides].sum() for b in range(strides)]
                     for a in range(strides)])
