"""One pixel through a transposed convolution, output sizes, and overlap counts."""

import numpy as np
import pytest

from unet_helpers.upsampling import overlap_counts, spread_one_pixel, transposed_output_size


@pytest.mark.parametrize("size, kernel, strides, padding, expected", [
    (16, 2, 2, "same", 32), (16, 3, 2, "same", 32), (16, 2, 2, "valid", 32),
    (16, 3, 2, "valid", 33), (16, 3, 1, "same", 16), (4, 4, 2, "valid", 10),
])
def test_output_size_formula_matches_keras(size, kernel, strides, padding, expected):
    import keras

    assert transposed_output_size(size, kernel, strides, padding) == expected
    layer = keras.layers.Conv2DTranspose(1, kernel, strides=strides, padding=padding)
    assert tuple(layer.compute_output_shape((None, size, size, 1))) == (None, expected, expected, 1)


def test_one_pixel_becomes_a_2x2_patch():
    inputs, outputs, kernel = spread_one_pixel(2, 2, input_size=4, position=(1, 2))
    assert inputs.sum() == 1 and outputs.shape == (8, 8)
    np.testing.assert_array_equal(outputs[2:4, 4:6], [[1, 2], [3, 4]])
    assert outputs.sum() == 10  # nothing else is touched
    np.testing.assert_array_equal(kernel, [[1, 2], [3, 4]])


def test_kernel_3_stride_2_spreads_to_3x3():
    _, outputs, _ = spread_one_pixel(3, 2, input_size=4, position=(1, 2))
    np.testing.assert_array_equal(outputs[2:5, 4:7], np.arange(1, 10).reshape(3, 3))
    assert outputs.sum() == 45


def test_overlaps():
    assert (overlap_counts(2, 2) == 1).all()
    counts = overlap_counts(3, 2, input_size=4)
    assert sorted(np.unique(counts).tolist()) == [1, 2, 4]
    np.testing.assert_array_equal(counts[2, :4], [2, 2, 4, 2])


def test_unknown_padding():
    with pytest.raises(ValueError, match="padding must be"):
        transposed_output_size(4, 2, 2, "full")
