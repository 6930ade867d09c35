"""The receptive-field explorer: gradients of real encoder blocks against the formula (exactly,
for central pixels; clipped by the image edge near the border), the readout line, and the widget
driven like a learner would."""

import numpy as np
import pytest

from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.receptive_field import receptive_field_sizes
from unet_helpers.receptive_field_explorer import (draw_receptive_field, format_receptive_field,
                                                   receptive_field_box,
                                                   receptive_field_explorer,
                                                   receptive_field_report)

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def test_formula_box_by_hand():
    assert receptive_field_box(1, 10, 20) == (8, 12, 18, 22)          # 5 x 5 around the pixel
    # encoder 2: 14 pixels, each output pixel covers 2 input pixels: rows 2*24 - 6 ... + 13
    assert receptive_field_box(2, 24, 0) == (42, 55, -6, 7)
    assert receptive_field_box(3, 12, 12) == (34, 65, 34, 65)          # 32 = 4*12 - 14 ... + 31
    assert receptive_field_box(4, 6, 6) == (18, 85, 18, 85)            # 68 = 8*6 - 30 ... + 67
    for depth in (1, 2, 3, 4):
        top, bottom, left, right = receptive_field_box(depth, 5, 7)
        side = receptive_field_sizes(depth)[f"encoder {depth}"]
        assert bottom - top + 1 == right - left + 1 == side
        jump = 2 ** (depth - 1)             # the square is centred on the pixel's jump x jump patch
        assert top + bottom == 2 * 5 * jump + jump - 1


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_central_pixel_measured_equals_the_formula(depth):
    report = receptive_field_report(depth, 48, 48)
    side = receptive_field_sizes(depth)[f"encoder {depth}"]
    assert report["grid"] == 96 // 2 ** (depth - 1)
    assert report["output_pixel"] == (48 // 2 ** (depth - 1),) * 2
    assert report["formula"] == side
    assert report["measured"] == report["clipped"] == (side, side)
    top, bottom, left, right = report["box"]
    assert report["rows"] == (top, bottom) and report["cols"] == (left, right)
    assert report["same_box"]
    assert report["gradient"].shape == report["image"].shape == (96, 96)
    assert report["feature"].shape == (report["grid"],) * 2


@pytest.mark.parametrize("depth, row, col, clipped", [
    (2, 0, 0, (8, 8)),        # rows -6 to 7: 8 inside the image
    (3, 50, 3, (32, 18)),     # only the columns are cut: -14 to 17
    (4, 95, 95, (38, 38)),    # rows 58 to 125 of 96
])
def test_the_image_edge_clips_the_measured_box(depth, row, col, clipped):
    report = receptive_field_report(depth, row, col)
    side = receptive_field_sizes(depth)[f"encoder {depth}"]
    assert report["formula"] == side and report["clipped"] == clipped
    assert report["measured"] == clipped != (side, side)
    assert report["same_box"]


def test_other_images_and_filters():
    noise = np.random.default_rng(1).random((8, 32, 32, 1)).astype("float32")
    report = receptive_field_report(2, 16, 16, images=noise, filters=2, seed=3)
    assert report["grid"] == 16 and report["images"] == 8
    assert report["measured"] == (14, 14) and report["box"] == (10, 23, 10, 23)
    assert report["same_box"]


def test_readout_lines():
    assert format_receptive_field(receptive_field_report()) == (
        "depth 2, output pixel (24, 24) of 48×48: gradients reach 14×14 input pixels "
        "(rows 42–55, cols 42–55); formula: 14×14, the same box")
    assert format_receptive_field(receptive_field_report(2, 0, 1)) == (
        "depth 2, output pixel (0, 0) of 48×48: gradients reach 8×8 input pixels "
        "(rows 0–7, cols 0–7); formula: 14×14 (rows -6 to 7, cols -6 to 7), clipped by the "
        "image edge to 8×8, the same box")


@pytest.mark.parametrize("arguments, message", [
    ({"depth": 5}, "1 to 4"), ({"depth": 0}, "depth must be a whole number >= 1"),
    ({"row": 96}, "0 to 95"), ({"col": 1.5}, "col must be a whole number"),
    ({"images": np.zeros((2, 32, 40, 1), "float32")}, "square"),
    ({"images": np.full((2, 32, 32, 1), 255.0, "float32")}, "divide by 255"),
])
def test_bad_arguments_name_the_fix(arguments, message):
    with pytest.raises(ValueError, match=message):
        receptive_field_report(**arguments)


def test_figure_has_titles_labels_and_a_colorbar():
    figure = draw_receptive_field(receptive_field_report(3, 50, 3))
    output, image, colorbar = figure.axes
    assert output.get_title() == "encoder 3 output, 24×24: pixel (12, 0) (white box)"
    assert image.get_title() == "input 96×96: gradients reach 32×18 (dashed: formula 32×32)"
    assert (output.get_xlabel(), image.get_ylabel()) == ("output column", "input row")
    assert colorbar.get_ylabel() == "log10(|gradient| / max)"


def test_explorer_follows_its_controls():
    explorer = receptive_field_explorer()
    assert [c.description for c in explorer.controls.values()] == ["depth", "image row",
                                                                    "image col"]
    assert explorer_readout(explorer) == format_receptive_field(receptive_field_report())
    picture = explorer.children[2].value
    set_control(explorer, "depth", 3)           # one step right on the depth slider
    assert explorer_readout(explorer) == format_receptive_field(receptive_field_report(3))
    assert "formula: 32×32, the same box" in explorer_readout(explorer)
    assert explorer.children[2].value != picture
    set_control(explorer, "col", 3)
    assert explorer_readout(explorer) == format_receptive_field(receptive_field_report(3, 48, 3))
    assert "clipped by the image edge to 32×18" in explorer_readout(explorer)
