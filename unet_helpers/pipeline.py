"""The input pipeline: numpy arrays -> a batched ``tf.data.Dataset`` for ``model.fit``.

Steps, in order: cache the decoded arrays, shuffle, augment (optional), batch, prefetch.
Augmentation applies *the same* random flips and rotation to an image and its mask, by
stacking them along the channel axis before the random operation and splitting them after.
"""

import tensorflow as tf

from .training import BATCH_SIZE

__all__ = ["augment_pair", "make_dataset"]


def augment_pair(image, mask, seed):
    """Randomly flip and rotate an image and its mask together.

    ``image (H, W, C)``, ``mask (H, W, 1)``, ``seed`` a ``(2,)`` int tensor ->
    the same shapes. Flips left-right and up-down, and rotates by a multiple of 90 degrees
    (square images) or 180 degrees (others). A mask keeps its exact label values.
    """
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


def make_dataset(images, masks, batch_size=BATCH_SIZE, *, shuffle=True, augment=False, seed=0,
                 cache=True):
    """A ``tf.data.Dataset`` of ``(images, masks)`` batches.

    ``images (N, H, W, C)``, ``masks (N, H, W, 1)`` -> batches ``(B, H, W, C)``, ``(B, H, W, 1)``.
    With ``shuffle`` the order changes every epoch; with ``augment`` each image and its mask get
    the same random flips and rotation, different every epoch. ``seed`` makes it repeatable.
    """
    if len(images) != len(masks):
        raise ValueError(f"{len(images)} images but {len(masks)} masks: they must pair up.")
    if tuple(images.shape[1:3]) != tuple(masks.shape[1:3]):
        raise ValueError(f"Images are {tuple(images.shape[1:3])} but masks are "
                         f"{tuple(masks.shape[1:3])} (height, width): they must match.")
    dataset = tf.data.Dataset.from_tensor_slices((images, masks))
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    if augment:
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        dataset = tf.data.Dataset.zip((dataset, seeds)).map(
            lambda pair, s: augment_pair(pair[0], pair[1], s), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
