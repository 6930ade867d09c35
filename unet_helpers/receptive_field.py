"""How much of the input one pixel of a feature map can "see": the receptive field.

In the encoder, each 3x3 convolution widens the receptive field by 2 pixels *of its own level*,
and each 2x2 max-pooling doubles the size of those pixels (the "jump", in input pixels). So
deeper levels see much larger regions of the input, which is how U-Net gathers context.
"""

import numpy as np

__all__ = ["receptive_field_sizes", "measured_receptive_field"]


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


def measured_receptive_field(level, size=192):
    """Measure the receptive field with gradients after encoder ``level`` (level 5 = the bridge).

    Builds the encoder's geometry with all-ones 3x3 kernels and no activations, so no gradient
    can cancel or vanish, takes the gradient of one centre pixel of the level's output with
    respect to the input, and returns the side of the square where it is non-zero. Average
    pooling stands in for max-pooling here: it has the same 2x2 window and stride, but passes
    gradient to all four pixels instead of the largest one only.
    Returns ``(side, gradient)`` with ``gradient`` the ``(size, size)`` map.
    """
    import keras
    import tensorflow as tf

    inputs = keras.Input((size, size, 1))
    x = inputs
    for current in range(1, level + 1):
        if current > 1:
            x = keras.layers.AveragePooling2D(2)(x)
        for _ in range(2):
            x = keras.layers.Conv2D(1, 3, padding="same", use_bias=False,
                                    kernel_initializer="ones")(x)
    model = keras.Model(inputs, x)
    image = tf.ones((1, size, size, 1))
    with tf.GradientTape() as tape:
        tape.watch(image)
        out = model(image)
        centre = out.shape[1] // 2
        target = out[0, centre, centre, 0]
    gradient = tape.gradient(target, image).numpy()[0, :, :, 0]
    rows = np.flatnonzero(np.abs(gradient).sum(axis=1))
    return int(rows[-1] - rows[0] + 1), gradient
