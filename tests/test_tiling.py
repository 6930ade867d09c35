"""Overlap-tile prediction reproduces a single pass over the whole mirrored image."""

import numpy as np
import pytest

from unet_helpers.model import build_unet
from unet_helpers.tiling import predict_tiled, tile_layout


def test_tile_layout_for_the_paper():
    starts, step, margin, covered = tile_layout(1000, 572, 388, 4)
    assert (step, margin) == (384, 92)
    assert starts == [0, 384, 768] and covered == 768 + 388 >= 1000
    assert tile_layout(300, 572, 388, 4)[0] == [0]


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.parametrize("height, width", [(120, 100), (52, 52), (30, 170)])
def test_tiles_stitch_exactly_like_one_pass(height, width):
    options = dict(padding="valid", depth=2, base_filters=4, batch_norm=True, num_classes=2,
                   output_activation="softmax")
    tile_model = build_unet((92, 92, 1), **options)            # 92 -> 52
    assert tile_model.output.shape[1] == 52
    rng = np.random.default_rng(0)
    image = rng.uniform(size=(height, width, 1)).astype("float32")
    tiled = predict_tiled(tile_model, image, depth=2)
    assert tiled.shape == (height, width, 2)

    rows, _, margin, covered_h = tile_layout(height, 92, 52, 2)
    cols, _, _, covered_w = tile_layout(width, 92, 52, 2)
    mirrored = np.pad(image, ((margin, margin + covered_h - height),
                              (margin, margin + covered_w - width), (0, 0)), mode="symmetric")
    whole = build_unet(mirrored.shape, **options)               # one pass over everything
    whole.set_weights(tile_model.get_weights())
    single = whole.predict(mirrored[None], verbose=0)[0, :height, :width]
    np.testing.assert_allclose(tiled, single, atol=1e-5)


@pytest.mark.usefixtures("fresh_keras_session")
def test_tiling_needs_a_fixed_tile():
    model = build_unet((None, None, 1), padding="same", depth=2, base_filters=2)
    with pytest.raises(ValueError, match="fixed tile size"):
        predict_tiled(model, np.zeros((40, 40, 1)), depth=2)


@pytest.mark.parametrize("arguments, words", [
    ((0, 572, 388, 4), "image_size must be a whole number >= 1"),
    ((1000.0, 572, 388, 4), "got 1000.0: write it without the decimal point, 1000"),
    ((1000, "572", 388, 4), "in_tile must be a whole number >= 1"),
    ((1000, 572, None, 4), "out_tile must be a whole number >= 1"),
    ((1000, 572, 388, 0), "depth must be a whole number >= 1"),
    ((1000, 572, 388, True), "depth must be a whole number >= 1"),
    ((1000, 388, 572, 4), "Pass the model's input and output sizes, in that order"),
    ((1000, 573, 388, 4), "an even margin on each side"),
    ((1000, 572, 8, 4), "smaller than 2**depth = 16"),
])
def test_tile_layout_refuses_bad_sizes(arguments, words):
    with pytest.raises(ValueError) as error:
        tile_layout(*arguments)
    assert words in str(error.value)


@pytest.fixture(scope="module")
def tile_model():
    return build_unet((92, 92, 1), padding="valid", depth=2, base_filters=2, batch_norm=False)


IMAGE = np.full((60, 70, 1), 0.5, "float32")


@pytest.mark.parametrize("call, words", [
    (lambda m: predict_tiled("model.keras", IMAGE, depth=2), "model must be a built Keras model"),
    (lambda m: predict_tiled(m, IMAGE, depth=4), "The model pools 2 times but depth=4"),
    (lambda m: predict_tiled(m, IMAGE, depth=0), "depth must be a whole number >= 1"),
    (lambda m: predict_tiled(m, IMAGE, depth=2, batch_size=0), "batch_size must be a whole"),
    (lambda m: predict_tiled(m, IMAGE, depth=2, batch_size=2.5), "batch_size must be a whole"),
    (lambda m: predict_tiled(m, IMAGE[None], depth=2), "Expected one image (H, W, 1)"),
    (lambda m: predict_tiled(m, IMAGE[..., 0], depth=2), "image[..., None] for grayscale"),
    (lambda m: predict_tiled(m, np.repeat(IMAGE, 3, -1), depth=2), "got shape (60, 70, 3)"),
    (lambda m: predict_tiled(m, IMAGE * 255, depth=2), "divide by 255"),
    (lambda m: predict_tiled(m, (IMAGE * 255).astype("uint8"), depth=2), "divide by 255"),
    (lambda m: predict_tiled(m, np.where(IMAGE > 0, np.nan, 0), depth=2), "NaN or infinite"),
])
def test_predict_tiled_refuses_what_it_cannot_predict_right(tile_model, call, words):
    with pytest.raises(ValueError) as error:
        call(tile_model)
    assert words in str(error.value)


@pytest.mark.usefixtures("fresh_keras_session")
def test_tiling_needs_square_tiles():
    model = build_unet((92, 108, 1), padding="valid", depth=2, base_filters=2)
    with pytest.raises(ValueError, match="needs square tiles, but the model maps"):
        predict_tiled(model, IMAGE, depth=2)
