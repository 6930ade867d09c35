"""Multi-class helpers: id checks, one-hot masks, confusion matrix and per-class IoU vs Keras."""

import keras
import numpy as np
import pytest

from unet_helpers.class_masks import as_class_ids, check_class_ids, class_shares, one_hot_masks
from unet_helpers.colours import class_cmap
from unet_helpers.evaluation import predict_class_ids
from unet_helpers.model import build_small_unet
from unet_helpers.scores import confusion_matrix, per_class_iou
from unet_helpers.segmentation_plots import colour_mask, plot_confusion, show_class_masks
from unet_helpers.synthetic import SHAPE_CLASSES, synthetic_shapes
from unet_helpers.training import PredictedShares, compile_multiclass

RNG_IDS = np.random.default_rng(4).integers(0, 5, (3, 6, 7, 1))  # (N, H, W, 1) ids of 5 classes

TRUTH = np.array([[0, 0, 1], [1, 2, 2]], np.float32)[None, ..., None]   # (1, 2, 3, 1)
GUESS = np.array([[0, 1, 1], [1, 2, 0]], np.int32)[None, ..., None]


def test_as_class_ids_accepts_whole_numbers_and_returns_int32():
    assert check_class_ids(TRUTH, 3) is None
    ids = as_class_ids(TRUTH, 3)
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
    with pytest.raises(ValueError, match=words):
        as_class_ids(masks, classes)


def test_the_void_label_is_named_with_its_fix():
    voc = np.array([0.0, 1.0, 3.0, 255.0])                # ids 0..3 and PASCAL VOC's 'void'
    with pytest.raises(ValueError) as error:
        check_class_ids(voc, 4)
    message = str(error.value)
    assert "ids 0 to 3 and 255: the PASCAL VOC convention" in message
    assert "set them to a class first, e.g. masks[masks == 255] = 0" in message
    assert "SparseCategoricalCrossentropy(ignore_class=255)" in message
    with pytest.raises(ValueError, match="then use num_classes=4"):
        check_class_ids(voc, 2)                            # and the ids themselves need 4
    with pytest.raises(ValueError, match="The masks hold 0 and 255: a binary image"):
        check_class_ids(np.array([0.0, 255.0]), 4)         # the binary message stays


@pytest.mark.parametrize("function", [check_class_ids, as_class_ids, class_shares,
                                      one_hot_masks])
@pytest.mark.parametrize("num_classes", [0, 1, 2.0, "4", True, None])
def test_every_class_helper_checks_num_classes(function, num_classes):
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2"):
        function(TRUTH, num_classes)


@pytest.mark.parametrize("function", [check_class_ids, class_shares, one_hot_masks])
def test_masks_that_are_not_numbers_are_refused(function):
    with pytest.raises(ValueError, match="not class ids: convert them with np.asarray"):
        function(np.array([["0", "1"]]), 2)


def test_one_hot_masks_equal_rows_of_the_identity():
    onehot = one_hot_masks(RNG_IDS.astype(np.float32), 5)
    assert onehot.shape == (3, 6, 7, 5) and onehot.dtype == np.float32
    np.testing.assert_array_equal(onehot, np.eye(5, dtype=np.float32)[RNG_IDS[..., 0]])
    assert one_hot_masks(TRUTH, 3)[0, 1, 2].tolist() == [0.0, 0.0, 1.0]  # class 2 at row 1, col 2
    with pytest.raises(ValueError, match="Use num_classes=5"):
        one_hot_masks(RNG_IDS, 4)


def test_class_shares_of_a_known_mask():
    assert class_shares(TRUTH, 4).tolist() == [2 / 6, 2 / 6, 2 / 6, 0.0]
    _, masks = synthetic_shapes(4, 32, seed=0)
    shares = class_shares(masks, len(SHAPE_CLASSES))
    assert shares.shape == (4,) and np.isclose(shares.sum(), 1.0) and shares[0] > 0.5


def test_confusion_matrix_counts_by_hand():
    cm = confusion_matrix(TRUTH, GUESS, 3)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert cm.sum() == TRUTH.size


def test_confusion_matrix_equals_a_numpy_bincount():
    guess = np.random.default_rng(5).integers(0, 5, RNG_IDS.shape)
    expected = np.bincount(5 * RNG_IDS.ravel() + guess.ravel(), minlength=25).reshape(5, 5)
    cm = confusion_matrix(RNG_IDS, guess, 5)
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(cm, expected)
    np.testing.assert_array_equal(confusion_matrix(guess, RNG_IDS, 5), expected.T)


@pytest.mark.usefixtures("fresh_keras_session")
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


@pytest.mark.usefixtures("fresh_keras_session")
def test_compile_multiclass_reads_from_logits_from_the_head():
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


def pixel_classifier():
    """A 1x1 softmax head whose class is known per pixel: 0 -> 0, 0.5 -> 1, 1 -> 2.

    Logits -20x, -5 and 20x - 20: at 0 they are (0, -5, -20), at 0.5 (-10, -5, -10), at 1
    (-20, -5, 0)."""
    inputs = keras.Input((4, 4, 1))
    head = keras.layers.Conv2D(3, 1, activation="softmax", name="head")
    model = keras.Model(inputs, head(inputs))
    head.set_weights([np.array([-20.0, 0.0, 20.0], "float32").reshape(1, 1, 1, 3),
                      np.array([0.0, -5.0, -20.0], "float32")])
    return model


@pytest.mark.usefixtures("fresh_keras_session")
def test_predicted_shares_records_what_the_model_predicts_after_each_epoch(capsys):
    images = np.full((2, 4, 4, 1), 0.5, "float32")
    images[0, :2] = 0.0                   # 8 pixels of class 0
    images[1, 3] = 1.0                    # 4 pixels of class 2; the other 20 are class 1
    model = pixel_classifier()
    tracker = PredictedShares(images, 3)
    tracker.set_model(model)
    tracker.on_epoch_end(0)
    model.get_layer("head").bias.assign([0.0, 50.0, 0.0])   # "training" changes the model:
    tracker.on_epoch_end(1)                                  # now every pixel is class 1
    assert [shares.tolist() for shares in tracker.shares] == [[8 / 32, 20 / 32, 4 / 32],
                                                              [0.0, 1.0, 0.0]]
    assert capsys.readouterr().out == ""


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.parametrize("images, classes, words", [
    (np.full((2, 4, 4, 1), 128.0, "float32"), 3, "divide by 255"),
    (np.zeros((2, 4, 4), "float32"), 3, "Add the channel axis"),
    (np.zeros((2, 4, 4, 1), "float32"), 1, "num_classes must be >= 2"),
    (np.zeros((2, 4, 4, 1), "float32"), 2.5, "num_classes must be a positive integer"),
])
def test_predicted_shares_bad_arguments(images, classes, words):
    with pytest.raises(ValueError, match=words):
        PredictedShares(images, classes)


@pytest.mark.usefixtures("fresh_keras_session")
def test_predicted_shares_checks_the_model_when_training_starts():
    tracker = PredictedShares(np.zeros((2, 4, 4, 1), "float32"), 4)
    with pytest.raises(ValueError, match="the model outputs 3 channels: pass num_classes=3"):
        tracker.set_model(pixel_classifier())
    tracker = PredictedShares(np.zeros((2, 8, 8, 1), "float32"), 3)
    with pytest.raises(ValueError, match="resize or crop the images to 4x4"):
        tracker.set_model(pixel_classifier())
