"""The drawing, the explorer, the exercise checkers and the synthetic data."""

import keras
import numpy as np
import pytest
from keras import layers

from unet_helpers import (build_unet, check_conv_block, check_decoder_block, check_encoder_block,
                          check_output_head, conv_block, decoder_block, draw_unet, encoder_block,
                          explore_unet, output_head, shape_explorer, synthetic_cells)


def test_draw_unet_writes_every_shape():
    ax = draw_unet((512, 512, 3))
    texts = " ".join(t.get_text() for t in ax.texts)
    for shape in ("512×512×64", "256×256×128", "128×128×256", "64×64×512", "32×32×1024",
                  "512×512×1"):
        assert shape in texts
    assert "depth 4" in ax.get_title()


def test_draw_unet_other_depths():
    ax = draw_unet((64, 64, 1), depth=2, base_filters=16)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "bridge: 16×16×64" in texts and "enc 3" not in texts


def test_draw_unet_refuses_an_invalid_size():
    with pytest.raises(ValueError, match="96 or 112"):
        draw_unet((100, 100, 3))


def test_explore_unet_valid():
    result = explore_unet(128, depth=4, base_filters=16, channels=1)
    assert result["ok"]
    assert result["parameters"] == build_unet((128, 128, 1), base_filters=16).count_params()
    assert "8 x 8 x 256" in result["table"]


def test_explore_unet_invalid_gives_the_build_unet_message():
    result = explore_unet(100, depth=4)
    assert not result["ok"]
    with pytest.raises(ValueError) as error:
        build_unet((100, 100, 3))
    assert result["message"] == str(error.value)


def test_shape_explorer_controls_drive_the_function(capsys):
    widget = shape_explorer(size=64, depth=2, base_filters=8)
    descriptions = [child.description for child in widget.children[:-1]]
    assert descriptions == ["size", "depth", "filters", "channels"]
    capsys.readouterr()
    widget.children[0].value = 100  # with depth 2 this works: 100 / 4 = 25
    assert "parameters" in capsys.readouterr().out
    widget.children[1].value = 3    # depth 3: 100 is not divisible by 8
    assert widget.kwargs == {"size": 100, "depth": 3, "base_filters": 8, "channels": 3}
    assert "Resize or pad to 96 or 104" in capsys.readouterr().out


# --- exercise checkers: the reference passes, each classic mistake fails with its hint ---
def no_batch_norm(inputs, filters):
    return conv_block(inputs, filters, batch_norm=False)


def valid_padding(inputs, filters):
    x = inputs
    for _ in range(2):
        x = layers.Conv2D(filters, 3, padding="valid")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    return x


def pooled_and_skip_swapped(inputs, filters):
    skip, pooled = encoder_block(inputs, filters)
    return pooled, skip


def skip_first(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    x = layers.Concatenate()([skip, x])
    return conv_block(x, filters)


def no_stride(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), padding="same")(inputs)
    x = layers.UpSampling2D()(x)
    x = layers.Concatenate()([x, skip])
    return conv_block(x, filters)


def test_checkers_accept_the_reference(capsys):
    assert check_conv_block(conv_block)
    assert check_encoder_block(encoder_block)
    assert check_decoder_block(decoder_block)
    assert check_output_head(output_head)
    assert capsys.readouterr().out.count("matches the reference") == 4


@pytest.mark.parametrize("checker, function, hint", [
    (check_conv_block, no_batch_norm, "forget BatchNormalization"),
    (check_conv_block, valid_padding, "padding='same'"),
    (check_encoder_block, pooled_and_skip_swapped, "return (skip, pooled) in that order"),
    (check_decoder_block, skip_first, "upsampled tensor first"),
    (check_decoder_block, no_stride, "use strides=2"),
])
def test_checkers_name_the_mistake(checker, function, hint, capsys):
    assert checker(function) is False
    out = capsys.readouterr().out
    assert hint in out and "Not yet" in out


def test_head_checker_catches_the_wrong_activation(capsys):
    def relu_head(inputs, num_classes, activation):
        return layers.Conv2D(num_classes, 1, padding="same", activation="relu")(inputs)

    assert check_output_head(relu_head) is False
    assert "activation" in capsys.readouterr().out


def test_synthetic_cells_are_deterministic_and_binary():
    images, masks = synthetic_cells(3, 64, seed=7)
    again, _ = synthetic_cells(3, 64, seed=7)
    other, _ = synthetic_cells(3, 64, seed=8)
    assert images.shape == masks.shape == (3, 64, 64, 1)
    assert images.dtype == masks.dtype == np.float32
    np.testing.assert_array_equal(images, again)
    assert not np.array_equal(images, other)
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert set(np.unique(masks)) == {0.0, 1.0}
    # cells are brighter than the background on average
    assert images[masks == 1].mean() > images[masks == 0].mean() + 0.2


def test_synthetic_cells_refuses_tiny_images():
    with pytest.raises(ValueError, match="size >= 8"):
        synthetic_cells(1, 4)
