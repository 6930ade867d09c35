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
