"""Synthetic data sets, the tf.data pipeline and the losses/metrics."""

import keras
import numpy as np
import pytest

from unet_helpers.losses import bce_dice_loss, binary_segmentation_metrics
from unet_helpers.pipeline import augment_pair, make_dataset
from unet_helpers.scores import dice_coefficient, iou_score
from unet_helpers.synthetic import (SHAPE_CLASSES, synthetic_cells, synthetic_distance,
                                    synthetic_shapes)


def test_synthetic_shapes_hold_every_class_id_and_no_other():
    images, masks = synthetic_shapes(16, 64, seed=3)
    assert images.shape == masks.shape == (16, 64, 64, 1)
    assert set(np.unique(masks).tolist()) == set(map(float, range(len(SHAPE_CLASSES))))
    again, _ = synthetic_shapes(16, 64, seed=3)
    np.testing.assert_array_equal(images, again)


def test_each_shape_class_id_draws_the_shape_it_is_named_after():
    # One shape per image, so none overlaps another: the share of its bounding box a shape
    # fills tells its form (a disk pi/4 = 0.785, an axis-aligned square 1, a triangle about 0.5).
    _, masks = synthetic_shapes(24, 64, seed=0, shapes=(1, 1))
    fills = {}
    for mask in masks[..., 0]:
        (class_id,) = set(np.unique(mask).tolist()) - {0.0}
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        box = (rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1)
        fills.setdefault(SHAPE_CLASSES[int(class_id)], []).append((mask > 0).sum() / box)
    assert sorted(fills) == ["circle", "square", "triangle"]
    assert all(0.7 < fill < 0.85 for fill in fills["circle"])
    assert all(fill == 1.0 for fill in fills["square"])
    assert all(0.4 < fill < 0.6 for fill in fills["triangle"])


def test_synthetic_distance_is_signed():
    images, targets = synthetic_distance(4, 64, seed=0)
    _, masks = synthetic_cells(4, 64, seed=0)
    np.testing.assert_array_equal(targets > 0, masks > 0.5)
    assert targets.min() < -5 and targets.max() > 2


def test_make_dataset_batches_and_keeps_labels():
    images, masks = synthetic_cells(20, 32, seed=0)
    batches = list(make_dataset(images, masks, 8, augment=True, seed=1))
    assert [tuple(x.shape) for x, _ in batches] == [(8, 32, 32, 1), (8, 32, 32, 1), (4, 32, 32, 1)]
    for x, y in batches:
        assert set(np.unique(y.numpy()).tolist()) <= {0.0, 1.0}


def test_augmentation_moves_image_and_mask_together():
    images, masks = synthetic_cells(6, 32, seed=0)
    # Make the mask a copy of a thresholded image, so any mismatch would show.
    masks = (images > 0.5).astype("float32")
    for x, y in make_dataset(images, masks, 6, shuffle=False, augment=True, seed=5):
        np.testing.assert_array_equal((x.numpy() > 0.5).astype("float32"), y.numpy())
        assert not np.array_equal(x.numpy(), images)  # something was flipped or rotated


def test_augment_pair_non_square_keeps_shape():
    import tensorflow as tf

    image = tf.random.uniform((16, 24, 3))
    mask = tf.cast(tf.random.uniform((16, 24, 1)) > 0.5, tf.float32)
    out_image, out_mask = augment_pair(image, mask, tf.constant([1, 2]))
    assert out_image.shape == (16, 24, 3) and out_mask.shape == (16, 24, 1)


def test_make_dataset_refuses_mismatched_inputs():
    images, masks = synthetic_cells(4, 32)
    with pytest.raises(ValueError, match="4 images but 3 masks"):
        make_dataset(images, masks[:3])
    with pytest.raises(ValueError, match="must match"):
        make_dataset(images, masks[:, :16, :16])


def test_dice_coefficient_matches_keras_dice_loss():
    rng = np.random.default_rng(0)
    y_true = (rng.uniform(size=(2, 16, 16, 1)) > 0.6).astype("float32")
    y_pred = rng.uniform(size=(2, 16, 16, 1)).astype("float32")
    keras_dice = 1.0 - float(keras.losses.Dice()(y_true, y_pred))
    assert dice_coefficient(y_true, y_pred) == pytest.approx(keras_dice, abs=1e-5)
    assert dice_coefficient(y_true, y_true) == pytest.approx(1.0)
    assert dice_coefficient(y_true, 1 - y_true) == pytest.approx(0.0)


def test_iou_score_matches_keras_binary_iou():
    rng = np.random.default_rng(1)
    y_true = (rng.uniform(size=(2, 16, 16, 1)) > 0.5).astype("float32")
    y_pred = rng.uniform(size=(2, 16, 16, 1)).astype("float32")
    metric = keras.metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    metric.update_state(y_true, y_pred)
    assert iou_score(y_true, y_pred > 0.5) == pytest.approx(float(metric.result()), abs=1e-6)
    assert iou_score(np.zeros(4), np.zeros(4)) == 1.0


def test_bce_dice_loss_is_the_sum_of_its_parts():
    y_true = np.array([[[[1.0], [0.0]], [[1.0], [0.0]]]], "float32")
    y_pred = np.array([[[[0.9], [0.2]], [[0.6], [0.1]]]], "float32")
    bce = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))
    dice = float(keras.losses.Dice()(y_true, y_pred))
    assert float(bce_dice_loss(y_true, y_pred)) == pytest.approx(bce + dice, rel=1e-5)


def test_binary_segmentation_metrics_names():
    assert [m.name for m in binary_segmentation_metrics()] == ["iou", "accuracy"]


# --- every bad call names the problem and the fix; no dataset is built, nothing trains ---
IMAGES, MASKS = synthetic_cells(4, 32, seed=0)            # (4, 32, 32, 1): 0/1 masks
SHAPE_IMAGES, SHAPE_IDS = synthetic_shapes(4, 32, seed=0)  # class ids 0..3
_, DISTANCES = synthetic_distance(4, 32, seed=0)          # signed distances in pixels
VOID_IDS = SHAPE_IDS.copy()
VOID_IDS[:, :2] = 255                                     # PASCAL VOC's 'void' on top rows
VOID_MASKS = MASKS.copy()
VOID_MASKS[:, :2] = 255
NAN_TARGETS = DISTANCES.copy()
NAN_TARGETS[0, 0, 0, 0] = np.nan

BAD_DATASETS = [  # (images, masks, keyword arguments, words the message must hold)
    (IMAGES * 255, MASKS, {}, "divide by 255"),
    (IMAGES, MASKS * 255, {}, "The masks hold 0 and 255: divide them by 255"),
    (SHAPE_IMAGES, SHAPE_IDS, {}, "pass task='classes', num_classes=4"),
    (IMAGES, MASKS * 0.5, {}, "Resize masks with nearest-neighbour"),
    (IMAGES, VOID_MASKS, {}, "set them to a class first (e.g. masks[masks == 255] = 0)"),
    (IMAGES, np.zeros_like(MASKS), {}, "Every mask is all 0"),
    (IMAGES, MASKS[..., 0], {}, "Add the channel axis: masks[..., None]"),
    (IMAGES, MASKS[:3], {}, "4 images but 3 masks"),
    (list(IMAGES), MASKS, {}, "Use np.asarray(...) or np.stack([...]) first"),
    (SHAPE_IMAGES, SHAPE_IDS, {"task": "classes"}, "task='classes' needs num_classes"),
    (SHAPE_IMAGES, SHAPE_IDS, {"task": "classes", "num_classes": 3}, "Use num_classes=4"),
    (SHAPE_IMAGES, VOID_IDS, {"task": "classes", "num_classes": 4},
     "the PASCAL VOC convention, where 255 marks 'void' pixels"),
    (SHAPE_IMAGES, np.eye(4, dtype="float32")[SHAPE_IDS[..., 0].astype(int)],
     {"task": "classes", "num_classes": 4}, "np.argmax(masks, axis=-1)[..., None]"),
    (SHAPE_IMAGES, SHAPE_IDS, {"task": "classes", "num_classes": 1}, "num_classes must be an "
                                                                      "integer >= 2"),
    (IMAGES, np.full_like(DISTANCES, 3.0), {"task": "regression"}, "nothing to regress"),
    (IMAGES, NAN_TARGETS, {"task": "regression"}, "NaN or infinite"),
    (IMAGES, MASKS, {"task": "segmentation"}, "task must be 'binary'"),
    (IMAGES, MASKS, {"num_classes": 2}, "num_classes is for task='classes' only"),
    (IMAGES, MASKS, {"batch_size": 0}, "batch_size must be a positive integer"),
    (IMAGES, MASKS, {"batch_size": 8.0}, "batch_size must be a positive integer"),
    (IMAGES, MASKS, {"shuffle": "yes"}, "shuffle must be True or False"),
    (IMAGES, MASKS, {"augment": 1}, "augment must be True or False"),
    (IMAGES, MASKS, {"cache": None}, "cache must be True or False"),
    (IMAGES, MASKS, {"seed": -1}, "seed must be a whole number >= 0"),
    (IMAGES, MASKS, {"seed": 1.5}, "seed must be a whole number >= 0"),
]


@pytest.mark.parametrize("images, masks, options, words", BAD_DATASETS,
                         ids=[words[:40] for *_, words in BAD_DATASETS])
def test_make_dataset_refuses_data_it_cannot_train_on(images, masks, options, words):
    with pytest.raises(ValueError) as error:
        make_dataset(images, masks, **options)
    assert words in str(error.value)


def test_make_dataset_for_each_task_keeps_the_targets():
    (_, ids), = make_dataset(SHAPE_IMAGES, SHAPE_IDS, 4, task="classes", num_classes=4,
                             shuffle=False)
    np.testing.assert_array_equal(ids.numpy(), SHAPE_IDS)
    (_, targets), = make_dataset(IMAGES, DISTANCES, 4, task="regression", shuffle=False)
    np.testing.assert_array_equal(targets.numpy(), DISTANCES)
    assert len(list(make_dataset(IMAGES, MASKS, 2, seed=None))) == 2  # None: a new order each run


def test_augment_pair_refuses_a_batch():
    with pytest.raises(ValueError, match=r"For batches use make_dataset\(..., augment=True\)"):
        augment_pair(IMAGES, MASKS, np.array([1, 2]))


BAD_SCORES = [  # (score, arguments, words the message must hold)
    (dice_coefficient, (MASKS, np.concatenate([MASKS, MASKS], -1)), "differ in shape: numpy "
                                                                    "would broadcast them"),
    (iou_score, (MASKS, MASKS[..., 0]), "add a lost channel axis with [..., None]"),
    (dice_coefficient, (MASKS * 255, MASKS), "divide 0/255 masks by 255"),
    (iou_score, (MASKS, MASKS * 6 - 3), "turn a linear head's logits into probabilities"),
    (dice_coefficient, (np.array([]), np.array([])), "y_true are empty"),
    (dice_coefficient, (np.array([0.0, np.nan]), np.array([0.0, 1.0])), "NaN or infinite"),
    (iou_score, (np.array(["0", "1"]), np.array([0.0, 1.0])), "not numbers"),
    (dice_coefficient, (MASKS, MASKS, 0.0), "epsilon must be a small positive number"),
    (dice_coefficient, (MASKS, MASKS, 1.0), "epsilon must be a small positive number"),
]


@pytest.mark.parametrize("score, arguments, words", BAD_SCORES,
                         ids=[f"{f.__name__}-{w[:30]}" for f, _, w in BAD_SCORES])
def test_scores_refuse_arrays_they_cannot_be_right_about(score, arguments, words):
    with pytest.raises(ValueError) as error:
        score(*arguments)
    assert words in str(error.value)


@pytest.mark.parametrize("arguments, words", [
    ({"threshold": 0.0}, "threshold must be a number between 0 and 1"),
    ({"threshold": 1.0}, "threshold must be a number between 0 and 1"),
    ({"threshold": "0.5"}, "threshold must be a number between 0 and 1"),
    ({"threshold": True}, "threshold must be a number between 0 and 1"),
    ({"from_logits": "yes"}, "from_logits must be True (a linear head) or False"),
])
def test_binary_segmentation_metrics_bad_arguments(arguments, words):
    with pytest.raises(ValueError) as error:
        binary_segmentation_metrics(**arguments)
    assert words in str(error.value)


def test_binary_segmentation_metrics_cut_logits_where_probabilities_are_cut():
    assert [m.threshold for m in binary_segmentation_metrics(from_logits=True)] == [0.0, 0.0]
    cut = binary_segmentation_metrics(0.8, from_logits=True)[0].threshold
    assert cut == pytest.approx(np.log(4.0))                     # sigmoid(log 4) = 0.8


def test_bce_dice_loss_refuses_channels_that_would_broadcast():
    with pytest.raises(ValueError, match="the channels differ, and broadcasting would give"):
        bce_dice_loss(np.ones((1, 4, 4, 1), "float32"), np.full((1, 4, 4, 2), 0.5, "float32"))


@pytest.mark.parametrize("make, keywords, words", [
    (synthetic_cells, dict(n=0), "n (the number of images) must be a whole number >= 1"),
    (synthetic_cells, dict(n=2.0), "got 2.0: write it without the decimal point, 2"),
    (synthetic_cells, dict(n=True), "n (the number of images) must be a whole number >= 1"),
    (synthetic_cells, dict(size=4), "Need size >= 8, a whole number"),
    (synthetic_cells, dict(size="64"), "(e.g. size=32); got '64'"),
    (synthetic_cells, dict(seed=-1), "seed must be a whole number >= 0"),
    (synthetic_cells, dict(seed=0.5), "seed must be a whole number >= 0"),
    (synthetic_cells, dict(cells=(9, 3)), "cells must be a (fewest, most) pair"),
    (synthetic_cells, dict(cells=5), "e.g. cells=(3, 9); got 5"),
    (synthetic_cells, dict(cells=(0, 0)), "most >= 1"),
    (synthetic_cells, dict(cells=(1.0, 3)), "cells must be a (fewest, most) pair"),
    (synthetic_cells, dict(noise=-0.1), "noise is the standard deviation"),
    (synthetic_cells, dict(noise=float("nan")), "a number >= 0 (0 for none, e.g. 0.08)"),
    (synthetic_cells, dict(noise="low"), "a number >= 0 (0 for none, e.g. 0.08)"),
    (synthetic_shapes, dict(size=8), "Need size >= 16, a whole number"),
    (synthetic_shapes, dict(n=-2), "n (the number of images) must be a whole number >= 1"),
    (synthetic_shapes, dict(shapes=(3,)), "shapes must be a (fewest, most) pair"),
    (synthetic_shapes, dict(shapes=(-1, 2)), "0 <= fewest <= most"),
    (synthetic_shapes, dict(noise=-1), "noise is the standard deviation"),
    (synthetic_distance, dict(n=0), "n (the number of images) must be a whole number >= 1"),
    (synthetic_distance, dict(size=7.5), "Need size >= 8, a whole number"),
    (synthetic_distance, dict(seed="0"), "seed must be a whole number >= 0"),
])
def test_synthetic_data_refuses_bad_arguments(make, keywords, words):
    with pytest.raises(ValueError) as error:
        make(**{"n": 2, "size": 32, **keywords})
    assert words in str(error.value)


def test_synthetic_data_takes_numpy_integers_a_seed_of_none_and_no_noise():
    images, masks = synthetic_cells(np.int64(2), np.int32(16), seed=np.int64(1), noise=0)
    assert images.shape == masks.shape == (2, 16, 16, 1)
    assert synthetic_shapes(1, 16, seed=None, shapes=(0, 1))[0].shape == (1, 16, 16, 1)
