"""One pixel through a transposed convolution, output sizes, overlap counts, and the three
upsamplers of notebook 12 (their parameters, overlap maps and checkerboards)."""

import keras
import numpy as np
import pytest

from unet_helpers.blocks import decoder_block
from unet_helpers.transposed_conv import (count_taps, overlap_counts, overlap_kind, phase_sums,
                                          spread_one_pixel, taps_per_phase,
                                          transposed_output_size)
from unet_helpers.upsamplers import (UPSAMPLERS, build_upsampler, checkerboard_strength,
                                     overlap_map, upsampler_kernel_size, upsampler_macs,
                                     upsampler_params, upsampling_layers)
from unet_helpers.upsampling_plots import show_overlap_map

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


@pytest.mark.parametrize("size, kernel, strides, padding, expected", [
    (16, 2, 2, "same", 32), (16, 3, 2, "same", 32), (16, 2, 2, "valid", 32),
    (16, 3, 2, "valid", 33), (16, 3, 1, "same", 16), (4, 4, 2, "valid", 10),
    (16, 1, 2, "valid", 32), (16, 2, 3, "valid", 48), (16, 4, 3, "valid", 49),
])
def test_output_size_formula_matches_keras(size, kernel, strides, padding, expected):
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


# --- the three upsamplers of notebook 12 ---


@pytest.mark.parametrize("kind, params, macs", [
    ("transpose_k2s2", 16_448, 4_194_304),
    ("transpose_k3s2", 36_928, 9_437_184),
    ("upsample_conv", 36_928, 37_748_736),
])
def test_upsamplers_shapes_params_and_macs(kind, params, macs):
    model = build_upsampler(kind, (16, 16, 64), 64)
    assert model.output.shape == (None, 32, 32, 64)
    assert model.count_params() == upsampler_params(kind, 64, 64) == params
    assert upsampler_macs(kind, 16, 16, 64, 64) == macs


def test_upsampling_layers_are_the_announced_ones():
    (k2,) = upsampling_layers("transpose_k2s2", 8)
    (k3,) = upsampling_layers("transpose_k3s2", 8)
    up, conv = upsampling_layers("upsample_conv", 8, name="up")
    assert isinstance(k2, keras.layers.Conv2DTranspose) and k2.kernel_size == (2, 2)
    assert k3.kernel_size == (3, 3) and k3.strides == (2, 2) and k3.padding == "same"
    assert isinstance(up, keras.layers.UpSampling2D) and up.size == (2, 2)
    assert conv.kernel_size == (3, 3) and conv.name == "up_conv"


def test_macs_of_the_reference_models_first_transpose():
    # The reference model's first transposed conv (512-pixel input, decoder 4) takes the
    # 32x32x1024 bridge to 64x64x512: 32*32 pixels x 2*2*1024*512 weights = 2.15 GMAC; the
    # UpSampling2D + 3x3 conv alternative runs on 64*64 pixels with 9 taps: 9 times as many.
    assert upsampler_macs("transpose_k2s2", 32, 32, 1024, 512) == 2_147_483_648
    assert upsampler_macs("upsample_conv", 32, 32, 1024, 512) == 9 * 2_147_483_648


def test_unknown_kind_names_the_options():
    with pytest.raises(ValueError, match="'transpose_k2s2', 'transpose_k3s2', 'upsample_conv'"):
        upsampler_params("bilinear", 4, 4)
    with pytest.raises(ValueError, match="repeats must be at least 1"):
        build_upsampler("transpose_k2s2", repeats=0)


def test_overlap_map_k3s2_on_4x4_is_the_known_pattern():
    row_odd = [1, 1, 2, 1, 2, 1, 2, 1]
    row_even = [2, 2, 4, 2, 4, 2, 4, 2]
    expected = [row_odd, row_odd, row_even, row_odd, row_even, row_odd, row_even, row_odd]
    np.testing.assert_array_equal(overlap_map("transpose_k3s2", 4), expected)
    np.testing.assert_array_equal(overlap_map("transpose_k3s2", 4), overlap_counts(3, 2, 4))


def test_overlap_maps_of_the_other_two():
    assert (overlap_map("transpose_k2s2", 4) == 1).all()
    counts = overlap_map("upsample_conv", 4)
    assert counts.shape == (8, 8)
    assert (counts[1:-1, 1:-1] == 9).all()
    assert counts[0, 0] == counts[-1, -1] == 4 and counts[0, 3] == counts[3, -1] == 6
    values, numbers = np.unique(overlap_map("upsample_conv", 8), return_counts=True)
    assert values.tolist() == [4, 6, 9] and numbers.tolist() == [4, 56, 196]


def test_two_k3s2_layers_compound():
    counts = overlap_map("transpose_k3s2", 4, repeats=2)
    assert counts.shape == (16, 16)
    values, numbers = np.unique(counts, return_counts=True)
    assert values.tolist() == [1, 2, 3, 4, 6, 9] and numbers.tolist() == [36, 48, 72, 16, 48, 36]
    np.testing.assert_array_equal(counts[8, 8:12], [9, 6, 9, 3])  # period 4 now, not 2


@pytest.mark.parametrize("kernel, strides, expected", [
    (2, 2, [1, 1]), (3, 2, [2, 1]), (4, 2, [2, 2]), (5, 2, [3, 2]), (1, 2, [1, 0]),
    (3, 3, [1, 1, 1]), (4, 3, [2, 1, 1]),
])
def test_taps_per_phase_matches_the_interior_of_the_overlap_map(kernel, strides, expected):
    assert taps_per_phase(kernel, strides) == expected
    counts = overlap_counts(kernel, strides, input_size=8)
    interior = counts[kernel:-kernel, kernel:-kernel]
    products = {a * b for a in expected for b in expected}
    assert set(np.unique(interior).tolist()) == products


@pytest.mark.parametrize("kernel, strides, kind", [
    (2, 2, "even"), (4, 2, "even"), (3, 3, "even"), (3, 2, "uneven"), (5, 2, "uneven"),
    (4, 3, "uneven"), (1, 2, "holes"), (2, 3, "holes"),
])
def test_overlap_kind_follows_the_interior_of_the_overlap_map(kernel, strides, kind):
    assert overlap_kind(kernel, strides) == kind
    interior = overlap_counts(kernel, strides, input_size=8)[kernel:-kernel, kernel:-kernel]
    values = set(np.unique(interior).tolist())
    assert (0 in values) == (kind == "holes")
    assert (len(values) == 1) == (kind == "even")


def test_taps_per_phase_rejects_zero():
    with pytest.raises(ValueError, match="at least 1"):
        taps_per_phase(0, 2)


def test_phase_sums():
    np.testing.assert_array_equal(phase_sums(np.ones((3, 3))), [[4, 2], [2, 1]])
    tent = np.outer([0.5, 1, 0.5], [0.5, 1, 0.5])
    np.testing.assert_array_equal(phase_sums(tent), [[1, 1], [1, 1]])
    np.testing.assert_array_equal(phase_sums(np.arange(4).reshape(2, 2)), [[0, 1], [2, 3]])
    with pytest.raises(ValueError, match="kernel"):
        phase_sums(np.ones((3, 3, 1, 1)))


def test_phase_sums_predict_the_output_on_a_constant_input():
    kernel = np.arange(1, 10, dtype="float32").reshape(3, 3)
    layer = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", use_bias=False)
    layer.build((1, 6, 6, 1))
    layer.set_weights([kernel[:, :, None, None]])
    out = keras.ops.convert_to_numpy(layer(np.ones((1, 6, 6, 1), "float32")))[0, 2:-2, 2:-2, 0]
    np.testing.assert_array_equal(phase_sums(kernel), [[20, 10], [10, 5]])
    assert set(np.unique(out).tolist()) == {20, 10, 5}


def test_checkerboard_strength_known_values():
    checker = np.indices((8, 8)).sum(axis=0) % 2 * 2.0 - 1.0  # +-1 checkerboard
    assert checkerboard_strength(checker) == pytest.approx(1.0)
    assert checkerboard_strength(np.full((6, 6), 3.0)) == 0.0
    assert checkerboard_strength(np.zeros((4, 4))) == 0.0
    # phases 4, 2, 2, 1: std of the means 1.0897 / rms 2.5
    pattern = np.tile([[4.0, 2.0], [2.0, 1.0]], (3, 3))
    assert checkerboard_strength(pattern) == pytest.approx(np.std([4, 2, 2, 1]) / 2.5)
    stacked = np.stack([checker, np.ones((8, 8))], axis=-1)
    assert checkerboard_strength(stacked) == pytest.approx(0.5)
    assert checkerboard_strength(overlap_map("upsample_conv", 8), border=2) == pytest.approx(0.0)


def test_checkerboard_strength_bad_input():
    with pytest.raises(ValueError, match="even"):
        checkerboard_strength(np.ones((5, 4)))
    with pytest.raises(ValueError, match="even"):
        checkerboard_strength(np.ones((6, 6)), border=3)
    with pytest.raises(ValueError, match="batch axis"):
        checkerboard_strength(np.ones((1, 4, 4, 1)))


def test_show_overlap_map_writes_every_value():
    ax = show_overlap_map(overlap_counts(3, 2, 4), title="k3")
    assert len(ax.texts) == 64 and ax.get_title() == "k3"


@pytest.mark.parametrize("kind", UPSAMPLERS)
def test_every_kind_doubles_h_and_w_with_its_kernel_size(kind):
    model = build_upsampler(kind, (6, 6, 3), 5)
    assert model.output.shape == (None, 12, 12, 5)
    convolutions = [layer for layer in model.layers
                     if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))]
    assert len(convolutions) == 1
    assert convolutions[0].kernel_size == (upsampler_kernel_size(kind),) * 2
    assert model.count_params() == upsampler_params(kind, 3, 5)


def test_the_first_upsampler_is_the_one_the_decoder_block_uses():
    inputs, skip = keras.Input((16, 16, 64)), keras.Input((32, 32, 32))
    decoder = keras.Model([inputs, skip], decoder_block(inputs, skip, 32, name="dec"))
    up = decoder.get_layer("dec_up")
    (series_choice,) = upsampling_layers(UPSAMPLERS[0], 32)
    assert type(series_choice) is type(up)
    assert (series_choice.kernel_size, series_choice.strides) == (up.kernel_size, up.strides)
    assert up.count_params() == upsampler_params(UPSAMPLERS[0], 64, 32) == 8_224


def test_count_taps_counts_the_neighbours_a_3x3_convolution_sees():
    conv = keras.layers.Conv2D(1, 3, padding="same", use_bias=False, kernel_initializer="ones")
    np.testing.assert_array_equal(count_taps(conv, 4), [[4, 6, 6, 4], [6, 9, 9, 6],
                                                        [6, 9, 9, 6], [4, 6, 6, 4]])
    # a model: the same layer twice; each pixel adds up the first pass's counts around it
    twice = keras.Sequential([keras.Input((3, 3, 1)), conv, conv])
    np.testing.assert_array_equal(count_taps(twice, 3), [[25, 35, 25], [35, 49, 35],
                                                         [25, 35, 25]])
    with pytest.raises(ValueError, match="kind must be one of"):
        upsampler_kernel_size("bilinear")
