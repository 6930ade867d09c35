"""The transposed-convolution explorer: output sizes against Keras, overlap counts and one pixel's
spread against hand computations, the readout line, and the widget driven like a learner would."""

import keras
import numpy as np
import pytest

from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.transposed_conv_explorer import (draw_transposed_conv, format_transposed_conv,
                                                   show_transposed_conv,
                                                   transposed_conv_explorer,
                                                   transposed_conv_report)

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


@pytest.mark.parametrize("kernel, strides, padding", [
    (3, 2, "same"), (3, 2, "valid"), (2, 2, "valid"), (1, 2, "valid"), (6, 4, "valid"),
    (5, 3, "same"), (4, 1, "valid"), (1, 4, "same"),
])
def test_output_size_matches_a_real_conv2d_transpose(kernel, strides, padding):
    report = transposed_conv_report(kernel, strides, 4, padding, row=0, col=0)
    layer = keras.layers.Conv2DTranspose(2, kernel, strides=strides, padding=padding)
    out = keras.ops.convert_to_numpy(layer(np.zeros((1, 4, 4, 3), "float32"))).shape
    assert out == (1, report["output_size"], report["output_size"], 2)
    assert report["counts"].shape == report["spread"].shape == out[1:3]


def test_overlap_counts_by_hand():
    # kernel 3, stride 2, valid, 2 inputs a side: copies at 0-2 and 2-4 share position 2
    report = transposed_conv_report(3, 2, input_size=2, padding="valid", row=0, col=0)
    per_axis = np.array([1, 1, 2, 1, 1])
    assert np.array_equal(report["counts"], np.outer(per_axis, per_axis))
    assert (report["taps_min"], report["taps_max"]) == (1, 4)
    assert report["phases"] == [2, 1] and report["overlap"] == "uneven"


@pytest.mark.parametrize("kernel, strides, overlap, low, high", [
    (2, 2, "even", 1, 1), (4, 2, "even", 1, 4), (3, 2, "uneven", 1, 4), (1, 2, "holes", 0, 1),
    (3, 3, "even", 1, 1), (4, 3, "uneven", 1, 4),
])
def test_overlap_verdicts(kernel, strides, overlap, low, high):
    report = transposed_conv_report(kernel, strides, 4, "same")
    assert report["overlap"] == overlap
    assert (report["taps_min"], report["taps_max"]) == (low, high)


def test_kernel_3_stride_2_same_counts_every_value():
    counts = transposed_conv_report(3, 2, 4, "same")["counts"]
    values, pixels = np.unique(counts, return_counts=True)
    assert values.tolist() == [1, 2, 4] and pixels.tolist() == [25, 30, 9]


@pytest.mark.parametrize("kernel, strides, row, col", [(3, 2, 1, 2), (2, 2, 3, 0), (5, 3, 2, 2),
                                                       (1, 4, 0, 3)])
def test_valid_spread_is_the_kernel_at_stride_times_the_pixel(kernel, strides, row, col):
    report = transposed_conv_report(kernel, strides, 4, "valid", row, col)
    top, left = row * strides, col * strides
    assert report["rows"] == (top, top + kernel - 1)
    assert report["cols"] == (left, left + kernel - 1)
    assert report["reached"] == kernel * kernel
    taps = np.arange(1, kernel * kernel + 1).reshape(kernel, kernel)
    assert np.array_equal(report["spread"][top:top + kernel, left:left + kernel], taps)
    assert report["spread"].sum() == taps.sum()


def test_same_padding_crops_the_last_row_and_column():
    # kernel 3, stride 2: "valid" gives 4 -> 9, "same" crops k - s = 1 at the end -> 8, so a
    # copy keeps its place and only the last pixel's copy loses its last row and column
    for row, col in [(1, 2), (0, 0)]:
        same = transposed_conv_report(3, 2, 4, "same", row, col)
        valid = transposed_conv_report(3, 2, 4, "valid", row, col)
        assert same["rows"] == valid["rows"] == (2 * row, 2 * row + 2)
        assert np.array_equal(same["spread"], valid["spread"][:8, :8])
    last = transposed_conv_report(3, 2, 4, "same", 3, 3)
    assert last["rows"] == last["cols"] == (6, 7) and last["reached"] == 4


def test_readout_line():
    assert format_transposed_conv(transposed_conv_report()) == (
        "kernel 3, stride 2, same: 4×4 -> 8×8; taps per output pixel 1 to 4 (phases [2, 1], "
        "uneven: checkerboard risk); pixel (1, 2) reaches 3×3 output pixels (rows 2–4, cols 4–6)")
    assert "(phases [1, 0], holes: some pixels get no tap)" in format_transposed_conv(
        transposed_conv_report(1, 2, 4, "valid", 0, 0))
    assert "(phases [2, 2], even: no checkerboard from overlap)" in format_transposed_conv(
        transposed_conv_report(4, 2))


@pytest.mark.parametrize("arguments, message", [
    ({"row": 4}, "0 to 3"), ({"col": -1}, "col must be a whole number >= 0"),
    ({"padding": "full"}, "'same' or 'valid'"), ({"kernel_size": 0}, "kernel_size"),
    ({"strides": 2.0}, "without the decimal point"),
])
def test_bad_arguments_name_the_fix(arguments, message):
    with pytest.raises(ValueError, match=message):
        transposed_conv_report(**arguments)


def test_figure_has_titles_labels_and_colorbars():
    figure = draw_transposed_conv(transposed_conv_report())
    axes = figure.axes
    assert len(axes) == 5                       # input, spread, overlap and two colorbars
    titles = [ax.get_title() for ax in axes[:3]]
    assert titles[0] == "input 4×4: pixel (1, 2) is 1" and "9 output pixels" in titles[1]
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in axes[:3])
    assert {ax.get_ylabel() for ax in axes[3:]} == {"kernel tap (0 = not reached)",
                                                    "kernel taps on this pixel"}


def test_show_prints_the_readout(capsys):
    report = show_transposed_conv(4, 2)
    assert capsys.readouterr().out.startswith(format_transposed_conv(report))


def test_explorer_follows_its_controls():
    explorer = transposed_conv_explorer()
    assert [c.description for c in explorer.controls.values()] == [
        "kernel", "stride", "padding", "row", "col"]
    assert explorer_readout(explorer) == format_transposed_conv(transposed_conv_report())
    picture = explorer.children[2].value
    set_control(explorer, "kernel_size", 4)     # one step right on the kernel slider
    assert explorer_readout(explorer) == format_transposed_conv(transposed_conv_report(4, 2))
    assert explorer.children[2].value != picture
    set_control(explorer, "kernel_size", 5)     # the setting overlap_explorer's test used
    set_control(explorer, "strides", 3)
    assert "(phases [2, 2, 1], uneven: checkerboard risk)" in explorer_readout(explorer)
    set_control(explorer, "padding", "valid")
    assert explorer_readout(explorer) == format_transposed_conv(
        transposed_conv_report(5, 3, 4, "valid", 1, 2))
    assert "4×4 -> 14×14" in explorer_readout(explorer)
