"""Parameter and shape formulas for U-Net, in plain Python (no TensorFlow needed).

These are the numbers a learner can work out with pencil and paper. The notebooks print them
beside what Keras reports, and the tests check that the two always agree.
"""

__all__ = [
    "conv_params",
    "batchnorm_params",
    "transpose_params",
    "conv_block_params",
    "encoder_block_params",
    "decoder_block_params",
    "head_params",
    "conv_block_macs",
    "level_filters",
    "formula_trace",
]


def conv_params(kernel_size, in_channels, filters, use_bias=True):
    """Parameters of a Conv2D layer: k*k*C_in*C_out weights + C_out biases."""
    return kernel_size * kernel_size * in_channels * filters + (filters if use_bias else 0)


def batchnorm_params(channels):
    """Parameters of BatchNormalization: gamma, beta (trained) + moving mean, variance (not)."""
    return 4 * channels


def transpose_params(in_channels, filters, kernel_size=2):
    """Parameters of Conv2DTranspose: k*k*C_in*C_out weights + C_out biases."""
    return kernel_size * kernel_size * in_channels * filters + filters


def conv_block_params(in_channels, filters, batch_norm=True):
    """Parameters of a conv block: two 3x3 convolutions (each followed by BatchNorm if used)."""
    total = conv_params(3, in_channels, filters) + conv_params(3, filters, filters)
    if batch_norm:
        total += 2 * batchnorm_params(filters)
    return total


def encoder_block_params(in_channels, filters, batch_norm=True):
    """Parameters of an encoder block: its conv block (max-pooling has no parameters)."""
    return conv_block_params(in_channels, filters, batch_norm)


def decoder_block_params(in_channels, skip_channels, filters, batch_norm=True):
    """Parameters of a decoder block: the 2x2 transposed conv + the conv block after the concat."""
    up = transpose_params(in_channels, filters)
    return up + conv_block_params(filters + skip_channels, filters, batch_norm)


def head_params(in_channels, num_classes):
    """Parameters of the 1x1 output convolution."""
    return conv_params(1, in_channels, num_classes)


def conv_block_macs(height, width, in_channels, filters):
    """Multiply-accumulates of a conv block's two 3x3 convolutions on an H x W input.

    Each output value of a k x k convolution needs k*k*C_in multiply-adds, and there are
    H*W*C_out output values: H*W*9*C_in*F + H*W*9*F*F for the block.
    """
    return height * width * 9 * (in_channels * filters + filters * filters)


def level_filters(base_filters=64, depth=4):
    """Filters at each encoder level, then the bridge: base, 2*base, ... (depth + 1 numbers).

    >>> level_filters(64, 4)
    [64, 128, 256, 512, 1024]
    """
    return [base_filters * 2**level for level in range(depth + 1)]


def formula_trace(input_shape, *, base_filters=64, depth=4, num_classes=1, batch_norm=True,
                  padding="same"):
    """The shape and parameter count of every block of a U-Net, from formulas alone.

    ``padding="valid"`` traces the paper's unpadded network: each conv block loses 4 pixels,
    and each decoder's output is twice its input minus 4 (the skip is cropped to fit).

    Returns a list of rows ``(block, output_shape, params)`` in the order the data flows:
    input, encoder 1..depth (skip and pooled), bridge, decoder depth..1, head. ``output_shape``
    leaves out the batch axis, e.g. ``(256, 256, 64)``. The rows match ``keras_trace(model)``.
    """
    height, width, channels = input_shape
    shrink = 4 if padding == "valid" else 0   # pixels a conv block loses (two 3x3 convs)
    filters = level_filters(base_filters, depth)
    rows = [("input", (height, width, channels), 0)]
    skips = []
    in_channels = channels
    for level in range(1, depth + 1):
        f = filters[level - 1]
        height, width = height - shrink, width - shrink
        rows.append((f"encoder {level} skip", (height, width, f),
                     encoder_block_params(in_channels, f, batch_norm)))
        skips.append((height, width, f))
        height, width = height // 2, width // 2  # 2x2 max-pooling halves H and W
        rows.append((f"encoder {level} pooled", (height, width, f), 0))
        in_channels = f
    f = filters[depth]
    height, width = height - shrink, width - shrink
    rows.append(("bridge", (height, width, f), conv_block_params(in_channels, f, batch_norm)))
    in_channels = f
    for level in range(depth, 0, -1):
        f = filters[level - 1]
        height, width = height * 2 - shrink, width * 2 - shrink  # up-conv doubles H and W
        skip_channels = skips[level - 1][2]
        rows.append((f"decoder {level}", (height, width, f),
                     decoder_block_params(in_channels, skip_channels, f, batch_norm)))
        in_channels = f
    rows.append(("head", (height, width, num_classes), head_params(in_channels, num_classes)))
    return rows
