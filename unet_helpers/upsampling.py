"""What a transposed convolution does to one pixel, how its kernel taps overlap, and the three
ways a decoder can double H and W.

A ``Conv2DTranspose`` with stride s places a scaled copy of its k x k kernel in the output for
every input pixel, s pixels apart, and adds up where copies overlap. With k = s = 2 the copies
tile the output exactly; with k = 3, s = 2 some output pixels get two or four copies and others
one, the uneven pattern behind "checkerboard" artefacts. ``UpSampling2D`` followed by a 3 x 3
``Conv2D`` gives every interior output pixel the same nine taps.
"""

import numpy as np

__all__ = [
    "transposed_output_size", "spread_one_pixel", "overlap_counts",
    "UPSAMPLERS", "upsampling_layers", "build_upsampler", "upsampler_params", "upsampler_macs",
    "overlap_map", "taps_per_phase", "phase_sums", "checkerboard_strength",
    "show_overlap_map", "show_overlap", "overlap_explorer",
]

# The three upsamplers notebook 12 compares: the series' choice first.
UPSAMPLERS = ("transpose_k2s2", "transpose_k3s2", "upsample_conv")


def transposed_output_size(size, kernel_size, strides, padding="same"):
    """Output height (or width) of ``Conv2DTranspose``: ``size*strides`` with 'same' padding,
    ``(size - 1)*strides + kernel_size`` with 'valid' (Keras never returns less than
    ``size*strides``, so a kernel smaller than the stride still gives ``size*strides``)."""
    if padding == "same":
        return size * strides
    if padding == "valid":
        return (size - 1) * strides + max(kernel_size, strides)
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


def _kernel_size(kind):
    """The kernel size of an upsampler: 2 for ``transpose_k2s2``, 3 for the other two."""
    if kind not in UPSAMPLERS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, UPSAMPLERS))}; got {kind!r}")
    return 2 if kind == "transpose_k2s2" else 3


def upsampling_layers(kind, filters, *, kernel_initializer="glorot_uniform", use_bias=True,
                      name=None):
    """The layers of one upsampler, in order; together ``(batch, H, W, C) -> (batch, 2H, 2W,
    filters)``.

    - ``"transpose_k2s2"``: ``Conv2DTranspose(filters, 2, strides=2, padding="same")``
    - ``"transpose_k3s2"``: ``Conv2DTranspose(filters, 3, strides=2, padding="same")``
    - ``"upsample_conv"``: ``UpSampling2D(2)`` (nearest) then ``Conv2D(filters, 3, padding="same")``
    """
    from keras import layers

    kernel_size = _kernel_size(kind)
    name = name or kind
    options = dict(kernel_initializer=kernel_initializer, use_bias=use_bias)
    if kind == "upsample_conv":
        return [layers.UpSampling2D(2, name=f"{name}_upsample"),
                layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv", **options)]
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
    """Parameters by formula: k*k*C_in*C_out + C_out, with k = 2 for ``transpose_k2s2`` and
    k = 3 for the other two (``UpSampling2D`` itself has none)."""
    k = _kernel_size(kind)
    return k * k * in_channels * filters + filters


def upsampler_macs(kind, height, width, in_channels, filters):
    """Multiply-accumulates for an H x W input by formula.

    A transposed convolution multiplies each *input* pixel by the whole k x k x C_in x C_out
    kernel: H*W*k*k*C_in*C_out. ``UpSampling2D`` + ``Conv2D`` runs the 3 x 3 convolution on the
    upsampled map, four times as many pixels: 2H*2W*9*C_in*C_out.
    """
    k = _kernel_size(kind)
    if kind == "upsample_conv":
        return (2 * height) * (2 * width) * k * k * in_channels * filters
    return height * width * k * k * in_channels * filters


def overlap_map(kind, input_size=4, repeats=1):
    """How many kernel taps land on each output pixel of an upsampler (or of ``repeats``
    upsamplers in a row), with every input pixel and every weight equal to 1, no bias:
    ``(out, out)`` integers with ``out = 2**repeats * input_size``."""
    import keras

    model = build_upsampler(kind, (input_size, input_size, 1), 1, kernel_initializer="ones",
                            use_bias=False, repeats=repeats)
    ones = np.ones((1, input_size, input_size, 1), "float32")
    return np.rint(keras.ops.convert_to_numpy(model(ones))[0, :, :, 0]).astype(int)


def taps_per_phase(kernel_size, strides):
    """Along one axis, how many of the k kernel taps land on an interior output pixel, for each
    of the ``strides`` output phases (position modulo the stride): a list of s integers that add
    up to k. Equal numbers (k divisible by s) mean even overlap; a 0 means holes."""
    if kernel_size < 1 or strides < 1:
        raise ValueError(f"kernel_size and strides must be at least 1; got {kernel_size}, "
                         f"{strides}")
    return [len(range(phase, kernel_size, strides)) for phase in range(strides)]


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


def show_overlap_map(counts, ax=None, title="", vmax=None):
    """Draw an integer map as a heat map (viridis) with each value written in its pixel (for
    maps up to 16 x 16). Returns the axes."""
    import matplotlib.pyplot as plt

    counts = np.asarray(counts)
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3), dpi=100)
    vmax = vmax if vmax is not None else max(int(counts.max()), 1)
    ax.imshow(counts, cmap="viridis", vmin=0, vmax=vmax)
    if max(counts.shape) <= 16:
        for (row, col), value in np.ndenumerate(counts):
            ax.text(col, row, str(value), ha="center", va="center", fontsize=7,
                    color="white" if value < 0.6 * vmax else "black")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("output column", fontsize=8)
    ax.set_ylabel("output row", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def show_overlap(kernel_size=3, strides=2, input_size=4):
    """Draw the overlap map of one ``Conv2DTranspose`` (padding 'same') and print the taps per
    phase; what the overlap explorer shows. Returns the counts ``(s*n, s*n)``."""
    import matplotlib.pyplot as plt

    counts = overlap_counts(kernel_size, strides, input_size)
    per_axis = taps_per_phase(kernel_size, strides)
    show_overlap_map(counts, title=f"kernel {kernel_size}, stride {strides}")
    plt.show()
    verdict = "holes (0 taps)" if min(per_axis) == 0 else (
        "even overlap" if len(set(per_axis)) == 1 else "uneven overlap")
    print(f"taps per phase along one axis: {per_axis} -> {verdict}")
    return counts


def overlap_explorer(kernel_size=3, strides=2, input_size=4):
    """Sliders for kernel size and stride; the overlap map follows them (core ipywidgets)."""
    import ipywidgets as widgets  # imported here so the helpers work without ipywidgets

    controls = {
        "kernel_size": widgets.IntSlider(value=kernel_size, min=1, max=6, description="kernel",
                                         continuous_update=False),
        "strides": widgets.IntSlider(value=strides, min=1, max=4, description="stride",
                                     continuous_update=False),
    }

    def update(kernel_size, strides):
        show_overlap(kernel_size, strides, input_size)  # returns nothing to display

    return widgets.interactive(update, **controls)
