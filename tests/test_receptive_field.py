"""The receptive-field formula, checked by hand and by measuring gradients on the real blocks."""

import keras
import numpy as np
import pytest

from unet_helpers.blocks import conv_block, encoder_block
from unet_helpers.receptive_field import input_gradients, nonzero_extent, receptive_field_sizes


def test_receptive_field_by_hand():
    # encoder 1: 1 + 2 + 2 = 5; pool: +1, jump 2; encoder 2: 6 + 4 + 4 = 14; pool: +2, jump 4;
    # encoder 3: 16 + 8 + 8 = 32; pool: +4, jump 8; encoder 4: 36 + 16 + 16 = 68;
    # pool: +8, jump 16; bridge: 76 + 32 + 32 = 140
    assert receptive_field_sizes(4) == {"encoder 1": 5, "encoder 2": 14, "encoder 3": 32,
                                        "encoder 4": 68, "bridge": 140}
    assert receptive_field_sizes(3) == {"encoder 1": 5, "encoder 2": 14, "encoder 3": 32,
                                        "bridge": 68}
    assert receptive_field_sizes(1) == {"encoder 1": 5, "bridge": 14}


def test_nonzero_extent_of_hand_made_maps():
    gradient = np.zeros((9, 9))
    gradient[1, 2] = 0.5
    gradient[3, 6] = -1e-9                 # tiny, but not zero
    assert nonzero_extent(gradient) == (3, 5)
    assert nonzero_extent(np.zeros((4, 4))) == (0, 0)
    assert nonzero_extent(np.eye(6)[:, ::-1]) == (6, 6)


@pytest.mark.usefixtures("fresh_keras_session")
def test_gradients_of_real_encoder_blocks_agree_with_the_formula():
    # What notebook 02 measures (there with depth 4 on 144x144): unet_helpers' own blocks
    # (Conv2D, BatchNorm, ReLU, MaxPool2D), untrained, 8 filters, 16 noise images; the centre
    # pixel's gradient is non-zero on a square exactly as wide as the formula says, at every
    # level. 80 pixels leave the bridge's 68 room inside the image.
    keras.utils.set_random_seed(0)
    side, depth = 80, 3
    inputs = keras.Input((side, side, 1))
    features, x = {}, inputs
    for level in range(1, depth + 1):
        features[f"encoder {level}"], x = encoder_block(x, 8, name=f"rf_encoder{level}")
    features["bridge"] = conv_block(x, 8, name="rf_bridge")
    model = keras.Model(inputs, features)
    noise = np.random.default_rng(0).random((16, side, side, 1))
    maps = input_gradients(model, noise)
    assert sorted(maps) == sorted(features)
    assert all(gradient.shape == (side, side) for gradient in maps.values())
    measured = {block: nonzero_extent(gradient) for block, gradient in maps.items()}
    assert measured == {block: (size, size) for block, size in receptive_field_sizes(depth).items()}
    assert measured["bridge"] == (68, 68)


@pytest.mark.usefixtures("fresh_keras_session")
def test_input_gradients_of_a_single_output_and_a_chosen_pixel():
    inputs = keras.Input((8, 8, 2))
    model = keras.Model(inputs, keras.layers.Conv2D(3, 3, padding="same")(inputs))
    images = np.random.default_rng(1).random((4, 8, 8, 2))
    centre = input_gradients(model, images)
    assert list(centre) == ["output"] and centre["output"].shape == (8, 8)
    assert nonzero_extent(centre["output"]) == (3, 3)
    assert np.flatnonzero(centre["output"].any(axis=1)).tolist() == [3, 4, 5]  # around row 4
    corner = input_gradients(model, images, pixel=(0, 0))["output"]
    assert nonzero_extent(corner) == (2, 2) and corner[:2, :2].all()         # the border cuts it
