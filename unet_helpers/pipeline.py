"""The input pipeline: numpy arrays -> a batched ``tf.data.Dataset`` for ``model.fit``.

Steps, in order: check the arrays, cache them, shuffle, augment (optional), batch, prefetch.
Augmentation applies *the same* random flips and rotation to an image and its mask, by
stacking them along the channel axis before the random operation and splitting them after.
The check depends on the ``task``: 0/1 masks ('binary'), class ids ('classes') or real-valued
targets ('regression'); data that would train badly is refused with a message naming the fix.
"""

import numbers

import numpy as np
import tensorflow as tf

from .checks import check_positive_int
from .class_masks import check_class_ids
from .data_checks import (check_array, check_binary_masks, check_images, check_pairs,
                          check_regression_targets, mask_values_kind)
from .training import BATCH_SIZE

__all__ = ["TASKS", "augment_pair", "make_dataset", "check_dataset_options",
           "check_num_classes", "augment_batch_prefetch"]

TASKS = ("binary", "classes", "regression")


def augment_pair(image, mask, seed):
    """Randomly flip and rotate an image and its mask together.

    ``image (H, W, C)``, ``mask (H, W, 1)``, ``seed`` a ``(2,)`` int tensor ->
    the same shapes. Flips left-right and up-down, and rotates by a multiple of 90 degrees
    (square images) or 180 degrees (others). A mask keeps its exact label values.
    """
    if len(image.shape) != 3 or len(mask.shape) != 3:
        raise ValueError(f"augment_pair takes one example, image (H, W, C) and mask (H, W, 1), "
                         f"got {tuple(image.shape)} and {tuple(mask.shape)}. For batches use "
                         "make_dataset(..., augment=True).")
    channels = image.shape[-1]
    both = tf.concat([image, tf.cast(mask, image.dtype)], axis=-1)  # (H, W, C + 1)
    both = tf.image.stateless_random_flip_left_right(both, seed)
    both = tf.image.stateless_random_flip_up_down(both, seed + 1)
    square = image.shape[0] is not None and image.shape[0] == image.shape[1]
    if square:
        quarter_turns = tf.random.stateless_uniform([], seed + 2, 0, 4, dtype=tf.int32)
    else:
        quarter_turns = 2 * tf.random.stateless_uniform([], seed + 2, 0, 2, dtype=tf.int32)
    both = tf.image.rot90(both, quarter_turns)
    return both[..., :channels], tf.cast(both[..., channels:], mask.dtype)


def check_num_classes(task, num_classes, example):
    """Raise unless ``num_classes`` is given exactly when ``task='classes'``; ``example`` is a
    call that shows how (the message ends with it)."""
    if task == "classes" and num_classes is None:
        raise ValueError("task='classes' needs num_classes (background counts as a class), "
                         f"e.g. {example}.")
    if task != "classes" and num_classes is not None:
        raise ValueError(f"num_classes is for task='classes' only, got num_classes="
                         f"{num_classes!r} with task={task!r}: pass task='classes' too, or "
                         "leave num_classes out.")


def augment_batch_prefetch(dataset, batch_size, augment, seed):
    """The end of every input pipeline of the series: with ``augment`` the same random flips and
    rotation for each image and its mask (``augment_pair``, new every epoch), then batches of
    ``batch_size`` and prefetching."""
    if augment:
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        dataset = tf.data.Dataset.zip((dataset, seeds)).map(
            lambda pair, s: augment_pair(pair[0], pair[1], s), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _check_targets(masks, task, num_classes):
    if task not in TASKS:
        raise ValueError(f"task must be 'binary' (0/1 masks, a sigmoid head), 'classes' (class "
                         "ids, a softmax head) or 'regression' (real-valued targets), got "
                         f"{task!r}.")
    check_num_classes(task, num_classes,
                      "make_dataset(images, masks, task='classes', num_classes=4)")
    if task == "regression":
        check_regression_targets(masks)
        return
    check_array(masks, "masks", shape_hint="(N, H, W, 1)")
    masks = np.asarray(masks)
    if task == "binary":
        if masks.shape[-1] == 1 and mask_values_kind(masks) == "ids":
            raise ValueError(f"The masks hold class ids 0 to {masks.max():g}, but task='binary' "
                             "(the default) trains one 0/1 mask. For classes pass task='classes', "
                             f"num_classes={int(masks.max()) + 1} (and compile_multiclass); for "
                             "one mask make it binary first ((masks > 0).astype('float32')).")
        check_binary_masks(masks)
        return
    if masks.shape[-1] != 1:
        raise ValueError(f"Class-id masks hold one id per pixel, (N, H, W, 1); got "
                         f"{masks.shape}. Turn one-hot masks into ids with "
                         "np.argmax(masks, axis=-1)[..., None].")
    check_class_ids(masks, num_classes)


def check_dataset_options(batch_size, shuffle, augment, seed, cache=False):
    """Raise, naming the fix, unless the batch size, the switches and the seed are usable."""
    check_positive_int(batch_size, "batch_size", f"the series uses {BATCH_SIZE}")
    for name, value in (("shuffle", shuffle), ("augment", augment), ("cache", cache)):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {value!r}.")
    if seed is not None and (isinstance(seed, (bool, np.bool_))
                             or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed must be a whole number >= 0 (e.g. 0), or None for a different "
                         f"order every run; got {seed!r}.")


def make_dataset(images, masks, batch_size=BATCH_SIZE, *, task="binary", num_classes=None,
                 shuffle=True, augment=False, seed=0, cache=True):
    """A ``tf.data.Dataset`` of ``(images, masks)`` batches.

    ``images (N, H, W, C)`` floats in [0, 1], ``masks (N, H, W, 1)`` -> batches
    ``(B, H, W, C)``, ``(B, H, W, 1)``. ``task`` says what the masks hold and is checked before
    anything else: 'binary' (0 and 1, some 1s; a sigmoid head), 'classes' (ids 0 …
    ``num_classes`` − 1; a softmax head) or 'regression' (real values, any number of
    channels). With ``shuffle`` the order changes every epoch; with ``augment`` each image and
    its mask get the same random flips and rotation, different every epoch. ``seed`` makes it
    repeatable.
    """
    check_dataset_options(batch_size, shuffle, augment, seed, cache)
    check_images(images)
    _check_targets(masks, task, num_classes)
    check_pairs(images, masks)
    dataset = tf.data.Dataset.from_tensor_slices((images, masks))
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return augment_batch_prefetch(dataset, batch_size, augment, seed)
