"""The threshold explorer: counts and scores against a hand computation and Keras' BinaryIoU,
the best threshold, and the widget's readout after a learner moves a slider."""

import numpy as np
import pytest

from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.scores import dice_coefficient
from unet_helpers.threshold_explorer import (THRESHOLDS, best_threshold, threshold_explorer,
                                             threshold_readout, threshold_report)

# One 2×3 image: truth and probabilities, pixel by pixel.
MASK = np.array([[1, 1, 0], [0, 1, 0]], "float32")[None, ..., None]
PROBS = np.array([[0.9, 0.4, 0.6], [0.2, 0.7, 0.55]], "float32")[None, ..., None]


def _random_set(seed=0, count=6, size=16):
    rng = np.random.default_rng(seed)
    masks = (rng.uniform(size=(count, size, size, 1)) < 0.3).astype("float32")
    noise = rng.uniform(-0.45, 0.45, masks.shape)
    probabilities = np.clip(masks * 0.7 + 0.15 + noise, 0.001, 0.999).astype("float32")
    return probabilities, masks


def test_report_counts_and_scores_by_hand():
    report = threshold_report(PROBS, MASK, 0.5)
    # > 0.5: 0.9 found, 0.4 missed, 0.6 and 0.55 false alarms, 0.7 found, 0.2 background
    assert (report["found"], report["false_alarms"], report["missed"]) == (2, 2, 1)
    assert report["dice"] == pytest.approx(2 * 2 / (3 + 4), abs=1e-6)
    assert report["iou"] == pytest.approx(2 / 5)
    assert report["images"] == 1 and report["threshold"] == 0.5
    higher = threshold_report(PROBS, MASK, 0.65)  # 0.9 and 0.7 left: both found
    assert (higher["found"], higher["false_alarms"], higher["missed"]) == (2, 0, 1)
    assert higher["dice"] == pytest.approx(4 / 5, abs=1e-6) and higher["iou"] == pytest.approx(2 / 3)


@pytest.mark.parametrize("threshold", [0.25, 0.5, 0.7])
def test_iou_agrees_with_keras_binary_iou(threshold):
    import keras

    probabilities, masks = _random_set()
    metric = keras.metrics.BinaryIoU(target_class_ids=[1], threshold=threshold)
    metric.update_state(masks, probabilities)
    report = threshold_report(probabilities, masks, threshold)
    assert report["iou"] == pytest.approx(float(metric.result()), abs=1e-5)
    assert report["iou"] == pytest.approx(report["dice"] / (2 - report["dice"]), abs=1e-6)
    assert report["found"] + report["missed"] == int(masks.sum())


def test_best_threshold_is_the_argmax_of_dice():
    probabilities, masks = _random_set(1)
    best, dice = best_threshold(probabilities, masks, THRESHOLDS)
    assert dice.shape == (19,) and THRESHOLDS[0] == 0.05 and THRESHOLDS[-1] == 0.95
    by_hand = [dice_coefficient(masks, probabilities > t) for t in THRESHOLDS]
    np.testing.assert_allclose(dice, by_hand)
    assert best == THRESHOLDS[int(np.argmax(by_hand))]
    assert 0.3 < best < 0.7  # probabilities sit at 0.15 ± 0.45 and 0.85 ± 0.45
    # equal Dice: the first threshold wins
    assert best_threshold(PROBS, MASK, [0.7, 0.75, 0.8])[0] == 0.7


def test_bad_arguments_name_the_fix():
    with pytest.raises(ValueError, match="between 0 and 1"):
        threshold_report(PROBS, MASK, 1.0)
    with pytest.raises(ValueError, match="one shape"):
        threshold_report(PROBS[:, :, :2], MASK, 0.5)
    with pytest.raises(ValueError, match="divide them by 255"):
        threshold_report(PROBS, MASK * 255, 0.5)
    with pytest.raises(ValueError, match="list of numbers"):
        best_threshold(PROBS, MASK, [])
    with pytest.raises(ValueError, match="index from 0 to 0"):
        threshold_readout(PROBS, MASK, 0.5, image=1)


def test_readout_line():
    line = threshold_readout(PROBS, MASK, 0.5, thresholds=[0.5, 0.65])
    assert line == ("threshold 0.50: Dice 0.571, IoU 0.400 on the 1 validation images (best: "
                    "0.65 -> 0.800); image 0: Dice 0.571, 2 false-alarm and 1 missed pixels")


def test_explorer_follows_its_sliders():
    probabilities, masks = _random_set(2)
    explorer = threshold_explorer(probabilities, masks)
    assert explorer_readout(explorer) == threshold_readout(probabilities, masks, 0.5)
    picture = explorer.children[2].value
    assert picture[:4] == b"\x89PNG"
    set_control(explorer, "threshold", 0.55)  # one step right on the slider
    assert explorer_readout(explorer) == threshold_readout(probabilities, masks, 0.55)
    assert explorer_readout(explorer).startswith("threshold 0.55: ")
    assert explorer.children[2].value != picture
    set_control(explorer, "image", 3)
    assert explorer_readout(explorer) == threshold_readout(probabilities, masks, 0.55, image=3)
    with pytest.raises(ValueError, match="not one of the slider's thresholds"):
        threshold_explorer(probabilities, masks, threshold=0.52)
