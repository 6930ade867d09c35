"""The receptive-field formula, checked by hand and by measuring gradients."""

import pytest

from unet_helpers.receptive_field import measured_receptive_field, receptive_field_sizes


def test_receptive_field_by_hand():
    # encoder 1: 1 + 2 + 2 = 5; pool: +1, jump 2; encoder 2: 6 + 4 + 4 = 14; pool: +2, jump 4;
    # encoder 3: 16 + 8 + 8 = 32; pool: +4, jump 8; encoder 4: 36 + 16 + 16 = 68;
    # pool: +8, jump 16; bridge: 76 + 32 + 32 = 140
    assert receptive_field_sizes(4) == {"encoder 1": 5, "encoder 2": 14, "encoder 3": 32,
                                        "encoder 4": 68, "bridge": 140}
    assert receptive_field_sizes(1) == {"encoder 1": 5, "bridge": 14}


@pytest.mark.parametrize("level, expected", [(1, 5), (2, 14), (3, 32), (4, 68), (5, 140)])
def test_gradients_agree_with_the_formula(level, expected):
    side, gradient = measured_receptive_field(level)
    assert side == expected
    assert gradient.shape == (192, 192)


def test_gradients_of_real_encoder_blocks_agree_with_the_formula():
    # The notebook's measurement: unet_helpers' own blocks (Conv2D, BatchNorm, ReLU, MaxPool2D),
    # untrained, 8 filters, 144x144 noise; the centre pixel's gradient is non-zero on a square
    # exactly as wide as the formula says, at every level.
    import keras
    import numpy as np
    import tensorflow as tf

    from unet_helpers import conv_block, encoder_block

    keras.utils.set_random_seed(0)
    side = 144
    inputs = keras.Input((side, side, 1))
    features, x = {}, inputs
    for level in range(1, 5):
        features[f"encoder {level}"], x = encoder_block(x, 8, name=f"rf_encoder{level}")
    features["bridge"] = conv_block(x, 8, name="rf_bridge")
    model = keras.Model(inputs, features)
    noise = tf.constant(np.random.default_rng(0).random((16, side, side, 1)), dtype="float32")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(noise)
        outputs = model(noise, training=False)
        centres = {block: tf.reduce_sum(out[:, out.shape[1] // 2, out.shape[2] // 2, :])
                   for block, out in outputs.items()}
    measured = {}
    for block, centre in centres.items():
        gradient = np.abs(tape.gradient(centre, noise).numpy()).sum(axis=(0, 3))
        rows = np.flatnonzero(gradient.any(axis=1))
        cols = np.flatnonzero(gradient.any(axis=0))
        measured[block] = (int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1))
    assert measured == {"encoder 1": (5, 5), "encoder 2": (14, 14), "encoder 3": (32, 32),
                        "encoder 4": (68, 68), "bridge": (140, 140)}
