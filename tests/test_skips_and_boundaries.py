"""The same U-Net without its skip connections (notebook 06's experiment), and the boundary error
that shows what the skips buy."""

import numpy as np
import pytest

from unet_helpers.formulas import conv_params
from unet_helpers.model import build_small_unet, build_unet
from unet_helpers.scores import boundary_error


@pytest.mark.usefixtures("fresh_keras_session")
def test_without_skips_there_is_no_concatenation_and_fewer_weights():
    with_skips = build_unet((64, 64, 1), base_filters=8, depth=3)
    without = build_unet((64, 64, 1), base_filters=8, depth=3, skips=False)
    kinds = [type(layer).__name__ for layer in without.layers]
    assert "Concatenate" not in kinds and kinds.count("Conv2DTranspose") == 3
    assert without.output.shape == with_skips.output.shape == (None, 64, 64, 1)
    # each decoder's first 3x3 convolution sees `filters` channels instead of 2 * filters
    saved = sum(conv_params(3, 2 * f, f) - conv_params(3, f, f) for f in (8, 16, 32))
    assert with_skips.count_params() - without.count_params() == saved
    assert build_small_unet(64, 1, skips=False).count_params() < build_small_unet(64, 1).count_params()


def test_skips_must_be_a_boolean():
    with pytest.raises(ValueError, match="skips must be True"):
        build_unet((64, 64, 1), skips="no")


def square(top, left, size=10, shape=(20, 20)):
    mask = np.zeros((1, *shape, 1), "float32")
    mask[0, top:top + size, left:left + size] = 1
    return mask


def test_boundary_error_measures_outline_distances_in_pixels():
    assert boundary_error(square(5, 5), square(5, 5)) == 0.0
    assert boundary_error(square(5, 5), square(5, 7)) == pytest.approx(1.0)   # 2 px sideways
    grown = np.zeros_like(square(5, 5))
    grown[0, 3:17, 3:17] = 1                                                     # 2 px all round
    assert boundary_error(square(5, 5), grown) == pytest.approx(2.0, abs=0.1)   # corners: a bit more
    both = np.concatenate([square(5, 5), square(5, 5)])
    assert boundary_error(both, np.concatenate([square(5, 5), grown])) == pytest.approx(
        boundary_error(square(5, 5), grown) / 2)                                  # the mean of 0 and it


def test_boundary_error_needs_outlines_and_matching_shapes():
    with pytest.raises(ValueError, match="No image has an outline"):
        boundary_error(square(5, 5), np.zeros_like(square(5, 5)))
    with pytest.raises(ValueError, match="differ in shape"):
        boundary_error(square(5, 5), square(5, 5)[:, :10])
