"""The paper's unpadded U-Net: valid convolutions, centre-cropped skips, 572 -> 388."""

import keras
import pytest

from unet_helpers.blocks import decoder_block
from unet_helpers.formulas import formula_trace
from unet_helpers.model import build_unet
from unet_helpers.network_plots import draw_unet
from unet_helpers.trace import keras_trace
from unet_helpers.unpadded import centre_crop_sizes, nearby_unpadded_sizes, unpadded_output_size


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
