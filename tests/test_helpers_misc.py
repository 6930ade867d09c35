"""The drawing, the shape explorer and the synthetic cells."""

import numpy as np
import pytest

from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.explorers import shape_explorer, shape_report
from unet_helpers.model import build_unet
from unet_helpers.network_plots import draw_unet
from unet_helpers.synthetic import synthetic_cells

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


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


def test_shape_report_valid():
    result = shape_report(128, depth=4, base_filters=16, channels=1)
    assert result["ok"]
    assert result["parameters"] == build_unet((128, 128, 1), base_filters=16).count_params()
    assert "8 x 8 x 256" in result["table"]


def test_shape_report_invalid_gives_the_build_unet_message():
    result = shape_report(100, depth=4)
    assert not result["ok"]
    with pytest.raises(ValueError) as error:
        build_unet((100, 100, 3))
    assert result["message"] == str(error.value)


def test_shape_explorer_controls_drive_the_function():
    widget = shape_explorer(size=64, depth=2, base_filters=8)
    descriptions = [control.description for control in widget.controls.values()]
    assert descriptions == ["size", "depth", "filters", "channels", "padding", "batch"]
    set_control(widget, "size", 100)  # with depth 2 this works: 100 / 4 = 25
    assert "parameters" in explorer_readout(widget)
    set_control(widget, "depth", 3)   # depth 3: 100 is not divisible by 8
    values = {name: control.value for name, control in widget.controls.items()}
    assert values == {"size": 100, "depth": 3, "base_filters": 8, "channels": 3,
                      "padding": "same", "batch_size": 8}
    assert "nearest sizes that work: 96 and 104" in explorer_readout(widget)


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
