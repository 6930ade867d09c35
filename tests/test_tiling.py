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
