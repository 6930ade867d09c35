"""The paper's unpadded U-Net: valid convolutions, centre-cropped skips, 572 -> 388."""

import re

import keras
import pytest

from unet_helpers.blocks import decoder_block
from unet_helpers.formulas import formula_trace
from unet_helpers.model import build_unet
from unet_helpers.network_plots import draw_unet
from unet_helpers.trace import keras_trace
from unet_helpers.unpadded import (centre_crop_sizes, nearby_unpadded_sizes,
                                   smallest_unpadded_size, unpadded_output_size)


def paper_model(size=572):
    return build_unet((size, size, 1), padding="valid", batch_norm=False, num_classes=2,
                      output_activation="softmax")


@pytest.mark.usefixtures("fresh_keras_session")
def test_the_papers_model():
    model = paper_model()
    assert model.count_params() == 31_030_658
    assert model.output.shape == (None, 388, 388, 2)
    kinds = {type(layer).__name__ for layer in model.layers}
    assert "BatchNormalization" not in kinds and "Cropping2D" in kinds


@pytest.mark.usefixtures("fresh_keras_session")
def test_the_papers_shape_trace():
    sides = [shape[0] for _, shape, _ in keras_trace(paper_model())]
    assert sides == [572, 568, 284, 280, 140, 136, 68, 64, 32, 28, 52, 100, 196, 388, 388]


@pytest.mark.usefixtures("fresh_keras_session")
def test_skip_crops_match_the_paper():
    model = paper_model()
    crops = {layer.name: layer.cropping for layer in model.layers
             if isinstance(layer, keras.layers.Cropping2D)}
    # skip 64 -> 56, 136 -> 104, 280 -> 200, 568 -> 392 (the paper's figure)
    assert crops == {"dec4_crop": ((4, 4), (4, 4)), "dec3_crop": ((16, 16), (16, 16)),
                     "dec2_crop": ((40, 40), (40, 40)), "dec1_crop": ((88, 88), (88, 88))}


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.parametrize("size, depth, filters, batch_norm", [
    (572, 4, 64, False), (188, 4, 8, True), (92, 3, 4, False), (44, 2, 4, True),
])
def test_unpadded_formula_trace_matches_keras(size, depth, filters, batch_norm):
    model = build_unet((size, size, 1), padding="valid", depth=depth, base_filters=filters,
                       batch_norm=batch_norm)
    assert keras_trace(model) == formula_trace((size, size, 1), padding="valid", depth=depth,
                                               base_filters=filters, batch_norm=batch_norm)


def test_unpadded_size_rules():
    assert unpadded_output_size(572, 4) == 388
    assert unpadded_output_size(570, 4) is None
    assert unpadded_output_size(60, 4) is None            # too small: the bridge would vanish
    assert nearby_unpadded_sizes(570, 4) == (556, 572)
    assert nearby_unpadded_sizes(572, 4) == (572, 572)
    assert unpadded_output_size(188, 4) == 4


def test_centre_crop_sizes():
    assert centre_crop_sizes(64, 56) == (4, 4)
    assert centre_crop_sizes(65, 56) == (4, 5)
    with pytest.raises(ValueError, match="smaller than the upsampled"):
        centre_crop_sizes(50, 56)


@pytest.mark.usefixtures("fresh_keras_session")
def test_decoder_block_crops_an_odd_difference():
    inputs, skip = keras.Input((10, 10, 8)), keras.Input((25, 25, 4))
    out = decoder_block(inputs, skip, 8, padding="valid", name="dec")
    assert out.shape == (None, 16, 16, 8)


def test_draw_the_papers_u():
    ax = draw_unet((572, 572, 1), padding="valid", num_classes=2)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "bridge: 28×28×1024" in texts and "head: 388×388×2" in texts


def test_unpadded_needs_a_fixed_size():
    with pytest.raises(ValueError, match="needs a fixed height and width"):
        build_unet((None, None, 1), padding="valid")


def brute_force_sizes(depth, up_to):
    return [size for size in range(1, up_to) if unpadded_output_size(size, depth) is not None]


@pytest.mark.parametrize("depth, smallest", [(1, 18), (2, 44), (3, 92), (4, 188), (5, 380)])
def test_smallest_size_and_every_size_after_it_step_by_2_to_the_depth(depth, smallest):
    works = brute_force_sizes(depth, smallest + 20 * 2**depth)
    assert smallest_unpadded_size(depth) == works[0] == smallest
    assert works == list(range(smallest, works[-1] + 1, 2**depth))


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("size", [1, 2, 17, 50, 100, 187, 189, 300, 570, 573, 1000, 1001])
def test_nearby_sizes_are_the_closest_that_work(size, depth):
    works = brute_force_sizes(depth, 3000)
    below, above = nearby_unpadded_sizes(size, depth)
    if size in works:
        assert (below, above) == (size, size)
    else:
        assert below == max((s for s in works if s < size), default=None)
        assert above == min(s for s in works if s > size)


def test_nearby_sizes_below_the_smallest_is_none():
    assert nearby_unpadded_sizes(100, 4) == (None, 188)
    assert nearby_unpadded_sizes(1, 5) == (None, 380)
    assert nearby_unpadded_sizes(10**6, 12)[1] % 2**12 == (2**12 - 4)  # no search, no wait


@pytest.mark.parametrize("size, depth, words", [
    (100, 4, "Sizes that work nearby: 188, the smallest for depth=4, then every 16 (204, 220, "
             "...); or use depth=3, which takes 100"),
    (30, 2, "Sizes that work nearby: 44, the smallest for depth=2, then every 4 (48, 52, ...); "
            "or use depth=1, which takes 30"),
    (10, 1, "Sizes that work nearby: 18, the smallest for depth=1, then every 2 (20, 22, ...) "),
    (64, 5, "380, the smallest for depth=5, then every 32 (412, 444, ...); or use depth=2, "
            "which takes 64"),
    (17, 3, "92, the smallest for depth=3, then every 8 (100, 108, ...); or lower the depth"),
    (101, 3, "Sizes that work nearby: 100 or 108"),
])
def test_build_unet_valid_names_sizes_that_work_at_every_depth(size, depth, words):
    with pytest.raises(ValueError) as error:
        build_unet((size, size, 3), padding="valid", depth=depth)
    assert words in str(error.value)


@pytest.mark.parametrize("call, words", [
    (lambda: unpadded_output_size(0, 4), "size must be a whole number >= 1"),
    (lambda: unpadded_output_size(-572, 4), "size must be a whole number >= 1"),
    (lambda: unpadded_output_size(572.0, 4), "got 572.0: write it without the decimal point"),
    (lambda: unpadded_output_size("572", 4), "got '572': pass a number, not text"),
    (lambda: unpadded_output_size(572, 0), "depth must be a whole number >= 1"),
    (lambda: unpadded_output_size(572, True), "depth must be a whole number >= 1"),
    (lambda: nearby_unpadded_sizes(570, 4.0), "depth must be a whole number >= 1"),
    (lambda: nearby_unpadded_sizes(None, 4), "size must be a whole number >= 1"),
    (lambda: smallest_unpadded_size(-1), "depth must be a whole number >= 1"),
    (lambda: centre_crop_sizes(64.0, 56), "skip_size must be a whole number >= 1"),
    (lambda: centre_crop_sizes(64, 0), "target_size must be a whole number >= 1"),
])
def test_unpadded_arguments_are_whole_numbers(call, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        call()
