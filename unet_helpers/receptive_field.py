"""How much of the input one pixel of a feature map can "see": the receptive field.

In the encoder, each 3x3 convolution widens the receptive field by 2 pixels *of its own level*,
and each 2x2 max-pooling doubles the size of those pixels (the "jump", in input pixels). So
deeper levels see much larger regions of the input, which is how U-Net gathers context.

Two ways to know it: ``receptive_field_sizes`` by the formula, and ``input_gradients`` by
measuring, on a real model, which input pixels change one output pixel (a non-zero gradient).
"""

import numpy as np

__all__ = ["receptive_field_sizes", "input_gradients", "nonzero_extent"]


def receptive_field_sizes(depth=4):
    """Receptive field (in input pixels, one side) after each encoder level's conv block and
    after the bridge: ``{'encoder 1': 5, 'encoder 2': 14, ..., 'bridge': 140}`` for depth 4.

    The recursion: a k x k conv adds ``(k - 1) * jump``; a 2x2 pooling with stride 2 adds
    ``(2 - 1) * jump`` and doubles ``jump``. ``jump`` starts at 1 input pixel.
    """
    size, jump, sizes = 1, 1, {}
    for level in range(1, depth + 1):
        size += 2 * (3 - 1) * jump           # two 3x3 convolutions
        sizes[f"encoder {level}"] = size
        size += (2 - 1) * jump               # 2x2 max-pooling ...
        jump *= 2                            # ... doubles the pixel size
    size += 2 * (3 - 1) * jump               # the bridge: two more 3x3 convolutions
    sizes["bridge"] = size
    return sizes


def input_gradients(model, images, pixel=None):
    """Which input pixels can change one output pixel: mean |gradient| maps, one per output.

    ``model``: a Keras model whose output is one feature map or a dict of them;
    ``images``: ``(N, H, W, C)``; ``pixel``: ``(row, column)`` in input coordinates, the centre
    by default; each output uses its own pixel that covers it (``row * out_H // H``).
    The target is the sum of that pixel's channels (one channel alone could be switched off by
    its ReLU), the model runs with ``training=False`` (in training mode BatchNorm's batch mean
    depends on every pixel), and the map is the mean of |gradient| over the images and input
    channels: a 2x2 max-pooling passes gradient to the largest of its four inputs only, so one
    image can leave pixels at the edge of the field with zero gradient, and many images cannot.
    Returns ``{output name: (H, W) float array}`` (``{"output": ...}`` for a single output).
    """
    import tensorflow as tf

    images = tf.constant(np.asarray(images, dtype="float32"))
    height, width = images.shape[1:3]
    row, col = (height // 2, width // 2) if pixel is None else pixel
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(images)
        outputs = model(images, training=False)
        if not isinstance(outputs, dict):
            outputs = {"output": outputs}
        targets = {name: tf.reduce_sum(out[:, row * out.shape[1] // height,
                                           col * out.shape[2] // width, :])
                   for name, out in outputs.items()}  # each image moves only its own outputs
    maps = {name: np.abs(tape.gradient(target, images).numpy()).mean(axis=(0, 3))
            for name, target in targets.items()}
    del tape
    return maps


def nonzero_extent(gradient):
    """Height and width of the smallest box holding every non-zero value of a 2-D map."""
    rows = np.flatnonzero(np.asarray(gradient).any(axis=1))
    cols = np.flatnonzero(np.asarray(gradient).any(axis=0))
    if rows.size == 0:
        return 0, 0
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)
