"""The live training view: a tiny fit with the callback, then its widget, its line, its picture,
what it printed, and that the numbers it showed are the history's."""

import re

import numpy as np
import pytest

from unet_helpers import live_training
from unet_helpers.live_training import LiveTraining, progress_figure, progress_line
from unet_helpers.model import build_small_unet
from unet_helpers.synthetic import synthetic_cells
from unet_helpers.training import compile_binary

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def test_a_tiny_fit_updates_the_widget_and_prints_stable_lines(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("unet_helpers.explorer_layout.display_widget",
                        lambda widget, text: shown.append((widget, text)))
    images, masks = synthetic_cells(4, 32, seed=0)
    model = compile_binary(build_small_unet(32, base_filters=4, depth=2))
    model.run_eagerly = True  # two steps: tracing them would take longer than running them
    live = LiveTraining(2, images[0], masks[0])
    history = model.fit(images, masks, batch_size=4, epochs=2, steps_per_epoch=1, verbose=0,
                        shuffle=False, callbacks=[live])
    assert capsys.readouterr().out == "epoch 1/2 done\nepoch 2/2 done\n"
    assert [text for _, text in shown] == [
        "live training view: loss, iou and a sample's prediction after each of 2 epochs"]
    assert shown[0][0] is live.widget
    line, progress, picture = live.widget.children
    assert progress.value == progress.max == 2
    assert picture.value[:4] == b"\x89PNG" and len(picture.value) > 1000
    numbers = re.fullmatch(r"<code>epoch 2/2 — loss (\d+\.\d{3}), iou (\d+\.\d{3})</code>",
                           line.value)
    assert numbers, line.value
    assert float(numbers[1]) == pytest.approx(history.history["loss"][-1], abs=5e-4)
    assert float(numbers[2]) == pytest.approx(history.history["iou"][-1], abs=5e-4)
    assert live.history == {name: history.history[name] for name in ("loss", "iou")}
    expected = model.predict(images[:1], verbose=0)[0]
    np.testing.assert_allclose(live.probabilities, expected, atol=1e-5)
    assert live.probabilities.shape == (32, 32, 1)


def test_line_and_figure_on_their_own():
    assert progress_line(3, 8, {"loss": 0.9234, "iou": 0.8186}) == \
        "epoch 3/8 — loss 0.923, iou 0.819"
    assert progress_line(1, 2, {"loss": 1.0, "accuracy": 0.5}, "accuracy") == \
        "epoch 1/2 — loss 1.000, accuracy 0.500"
    mask = np.zeros((8, 8, 1), "float32")
    mask[2:6, 2:6] = 1
    figure = progress_figure({"loss": [1.2, 0.9], "iou": [0.3, 0.6]}, 8, mask * 0.8, mask)
    loss_ax, iou_ax, sample_ax = figure.axes
    assert loss_ax.get_xlim() == (0.5, 8.5) and iou_ax.get_ylim() == (0.0, 1.0)
    assert list(loss_ax.lines[0].get_ydata()) == [1.2, 0.9]
    assert sample_ax.images[0].get_cmap().name == "magma"


def test_bad_arguments_name_the_fix():
    images, masks = synthetic_cells(1, 32, seed=0)
    with pytest.raises(ValueError, match="positive integer"):
        LiveTraining(0, images[0], masks[0])
    with pytest.raises(ValueError, match="divide them by 255"):
        LiveTraining(2, images[0], masks[0] * 255)
    with pytest.raises(ValueError, match="one of the model's metrics"):
        LiveTraining(2, images[0], masks[0], metric="loss")
    live = LiveTraining(2, images[0], masks[0], metric="dice")
    with pytest.raises(ValueError, match="reports no metric 'dice'"):
        live.on_epoch_end(0, {"loss": 1.0, "iou": 0.5})
    with pytest.raises(ValueError, match="resize"):
        live.set_model(build_small_unet(64, base_filters=4, depth=2))
    assert live_training.__all__ == ["LiveTraining", "progress_line", "progress_figure"]
