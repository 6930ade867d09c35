"""The shell every explorer shares: controls, one readout line, a PNG picture, no cell output."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from unet_helpers.explorer_layout import (display_widget, explorer_readout, figure_png,
                                          make_explorer, new_figure, set_control, show_figure)


def _draw(size):
    if size > 5:
        raise ValueError(f"size {size} is too big: use 5 or less")
    figure = new_figure(2, 2)
    figure.add_subplot().plot(range(size))
    return f"size {size}: {size * size} pixels", figure


@pytest.fixture
def explorer():
    return make_explorer(_draw, {"size": widgets.IntSlider(value=2, min=1, max=9)})


def test_moving_a_control_redraws_the_readout_and_the_picture(explorer):
    assert explorer_readout(explorer) == "size 2: 4 pixels"
    before = explorer.children[2].value
    set_control(explorer, "size", 3)
    assert explorer_readout(explorer) == "size 3: 9 pixels"
    assert explorer.children[2].value != before
    assert bytes(explorer.children[2].value).startswith(b"\x89PNG")


def test_an_error_in_draw_is_shown_in_the_readout_not_raised(explorer):
    set_control(explorer, "size", 7)
    assert explorer_readout(explorer) == "✗ ValueError: size 7 is too big: use 5 or less"


def test_readout_text_is_escaped_html():
    box = make_explorer(lambda n: (f"a <b> & {n}", None), {"n": widgets.IntSlider(value=1)})
    assert box.children[1].value == "<code>a &lt;b&gt; &amp; 1</code>"
    assert explorer_readout(box) == "a <b> & 1"


def test_the_saved_text_is_one_sentence_on_every_ipywidgets_version(explorer):
    assert repr(explorer).startswith("Interactive explorer: run this notebook")
    assert isinstance(explorer, widgets.VBox)
    assert "unet-explorer" in explorer._dom_classes
    assert "unet-readout" in explorer.children[1]._dom_classes


def test_figures_never_reach_pyplot(explorer):
    set_control(explorer, "size", 4)
    assert plt.get_fignums() == []


def test_display_widget_and_show_figure_send_stable_bundles(monkeypatch, explorer):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects, **options: shown.append(
        (objects, options)))
    display_widget(explorer, "a live view")
    (bundle,), options = shown[0]
    assert options == {"raw": True}
    assert bundle["text/plain"] == "a live view"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.model_id
    figure = new_figure(1, 1)
    show_figure(figure)
    (image,), _ = shown[1]
    assert image.data == figure_png(figure)
