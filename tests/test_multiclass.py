"""Multi-class helpers: id checks, one-hot masks, confusion matrix and per-class IoU vs Keras."""

import keras
import matplotlib
import numpy as np
import pytest

from unet_helpers.data import SHAPE_CLASSES, synthetic_shapes
from unet_helpers.multiclass import (PredictedShares, check_class_ids, class_cmap,
                                     class_shares, colour_mask, compile_multiclass,
                                     confusion_matrix, one_hot_masks, per_class_iou,
                                     plot_confusion, predict_class_ids, show_class_masks)
from unet_helpers.training import build_small_unet

TRUTH = np.array([[0, 0, 1], [1, 2, 2]], np.float32)[None, ..., None]   # (1, 2, 3, 1)
GUESS = np.array([[0, 1, 1], [1, 2, 0]], np.int32)[None, ..., None]


def test_check_class_ids_accepts_whole_numbers_and_returns_int32():
    ids = check_class_ids(TRUTH, 3)
    assert ids.dtype == np.int32 and ids.shape == (1, 2, 3, 1)
    assert ids.ravel().tolist() == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize("masks, classes, words", [
    (np.array([0.0, 255.0, 255.0]), 4, "Divide by 255"),
    (np.array([0.0, 1.0, 5.0]), 4, "Use num_classes=6"),
    (np.array([0.0, 0.5, 1.0]), 4, "nearest-neighbour"),
    (np.array([0.0, 1 / 255, 2 / 255]), 4, "do not divide ids by 255"),
    (np.array([-1.0, 0.0]), 4, "negative"),
    (np.array([0.0, np.nan]), 4, "NaN"),
    (np.array([0.0, 1.0]), 1, "sigmoid head"),
    (np.array([]), 4, "empty"),
])
def test_bad_masks_name_the_fix(masks, classes, words):
    with pytest.raises(ValueError, match=words):
        check_class_ids(masks, classes)


def test_one_hot_matches_keras_to_categorical():
    onehot = one_hot_masks(TRUTH, 3)
    assert onehot.shape == (1, 2, 3, 3) and onehot.dtype == np.float32
    assert np.array_equal(onehot, keras.utils.to_categorical(TRUTH[..., 0], 3))
    assert np.array_equal(onehot.sum(axis=-1), np.ones((1, 2, 3)))
    assert onehot[0, 1, 2].tolist() == [0.0, 0.0, 1.0]


def test_class_shares_of_a_known_mask():
    assert class_shares(TRUTH, 4).tolist() == [2 / 6, 2 / 6, 2 / 6, 0.0]
    _, masks = synthetic_shapes(4, 32, seed=0)
    shares = class_shares(masks, len(SHAPE_CLASSES))
    assert shares.shape == (4,) and np.isclose(shares.sum(), 1.0) and shares[0] > 0.5


def test_confusion_matrix_counts_by_hand():
    cm = confusion_matrix(TRUTH, GUESS, 3)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert cm.sum() == TRUTH.size


def test_confusion_matrix_and_iou_match_keras_mean_iou():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, (3, 8, 8, 1))
    guess = np.where(rng.random((3, 8, 8, 1)) < 0.6, truth, rng.integers(0, 4, (3, 8, 8, 1)))
    metric = keras.metrics.MeanIoU(num_classes=4)
    metric.update_state(truth, guess)
    cm = confusion_matrix(truth, guess, 4)
    assert np.array_equal(cm, metric.total_cm.numpy().astype(int))
    assert np.isclose(np.nanmean(per_class_iou(cm)), float(metric.result()), atol=1e-6)
    for k in range(4):
        one = keras.metrics.IoU(num_classes=4, target_class_ids=[k])
        one.update_state(truth, guess)
        assert np.isclose(per_class_iou(cm)[k], float(one.result()), atol=1e-6)


def test_per_class_iou_by_hand_and_absent_class():
    iou = per_class_iou(confusion_matrix(TRUTH, GUESS, 4))
    assert np.allclose(iou[:3], [1 / 3, 2 / 3, 1 / 2])  # TP / (row + column - TP)
    assert np.isnan(iou[3])                               # never present, never predicted


def test_confusion_shape_mismatch_and_bad_matrix():
    with pytest.raises(ValueError, match="argmax over the last axis"):
        confusion_matrix(TRUTH, np.zeros((1, 2, 3, 3)), 3)
    with pytest.raises(ValueError, match="square"):
        per_class_iou(np.zeros((3, 4)))


def test_compile_multiclass_reads_from_logits_from_the_head():
    keras.backend.clear_session()
    soft = compile_multiclass(build_small_unet(32, 1, base_filters=4, depth=2, num_classes=4,
                                               output_activation="softmax"))
    assert soft.loss.get_config()["from_logits"] is False
    linear = compile_multiclass(build_small_unet(32, 1, base_filters=4, depth=2, num_classes=4,
                                                 output_activation=None))
    assert linear.loss.get_config()["from_logits"] is True
    sigmoid = build_small_unet(32, 1, base_filters=4, depth=2, num_classes=4,
                               output_activation="sigmoid")
    with pytest.raises(ValueError, match="softmax head"):
        compile_multiclass(sigmoid)
    images = np.zeros((2, 32, 32, 1), np.float32)
    probabilities, ids = predict_class_ids(soft, images)
    assert probabilities.shape == (2, 32, 32, 4) and ids.shape == (2, 32, 32, 1)
    assert np.allclose(probabilities.sum(axis=-1), 1.0, atol=1e-5)
    assert np.array_equal(ids[..., 0], probabilities.argmax(axis=-1))


def test_colours_and_figures():
    assert class_cmap(4).N == 4
    with pytest.raises(ValueError, match="ListedColormap"):
        class_cmap(20)
    rgb = colour_mask(TRUTH[0], 3)
    assert rgb.shape == (2, 3, 3) and rgb[0, 0].tolist() == [0.0, 0.0, 0.0]
    images, masks = synthetic_shapes(2, 32, seed=0)
    fig = show_class_masks(images, masks, SHAPE_CLASSES, predictions=masks, n=2)
    assert fig.axes[0].get_title() == "image" and len(fig.axes) == 8
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "0 background", "1 circle", "2 square", "3 triangle"]
    ax = plot_confusion(confusion_matrix(masks, masks, 4), SHAPE_CLASSES)
    assert ax.get_xlabel() == "predicted class"
    matplotlib.pyplot.close("all")


def test_predicted_shares_records_one_row_per_epoch():
    keras.backend.clear_session()
    model = compile_multiclass(build_small_unet(32, 1, base_filters=4, depth=2, num_classes=3,
                                                output_activation="softmax"))
    images, masks = synthetic_shapes(4, 32, seed=0)
    tracker = PredictedShares(images, 3)
    model.fit(images, np.minimum(masks, 2), epochs=2, batch_size=4, verbose=0,
              callbacks=[tracker])
    assert len(tracker.shares) == 2
    assert all(s.shape == (3,) and np.isclose(s.sum(), 1.0) for s in tracker.shares)
