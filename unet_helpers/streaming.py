"""Stream images and masks from two folders with ``tf.data``, for data that do not fit in memory.

``stream_folder("my_data/images", "my_data/masks")`` gives the batches that
``make_dataset(*load_folder(...))`` gives, ``(B, H, W, C)`` images and ``(B, H, W, 1)`` masks,
but reads each pair of files only when its batch is due (several files at once, a few batches
ahead) instead of holding every image in memory. Each pair is read by ``folders.read_image`` and
``folders.read_mask``, the code ``load_folder`` uses, so one epoch without shuffling or
augmentation holds exactly the arrays ``load_folder`` returns.

Where the checks run. ``load_folder`` has seen every file before it returns; a stream sees a
file only when its batch comes, and an error raised there reaches you wrapped by TensorFlow.
So ``stream_folder`` first makes one pass over the folders, ``scan_folder``: it decodes every
mask (one channel, usually small and well compressed) but reads only the header of each image
(its height, width and mode). It raises, before any batch and with ``load_folder``'s own
message: unpaired files; an image and mask of different sizes; images of different sizes
without ``size=``; a file whose header is unreadable; a floating-point image outside [0, 1]
(only those images are decoded); and every mask problem, those of one file (a JPEG mask, a
colour mask, values neither binary nor class ids, 255 next to ids or in a VOC palette mask)
and those that need the whole folder (0/255 masks next to class-id masks, every mask empty).
It also decides, file by file as ``load_folder`` does, which masks are 0/255 (those are
divided by 255), and the element shape ``(H, W, C)``: C is 3 when grayscale and colour images
are mixed, as in ``load_folder``.
Only an image whose pixel data are corrupt behind a readable header is found while streaming,
at the batch that holds it: ``tf.errors.InvalidArgumentError`` whose first line holds
``load_folder``'s message (TensorFlow wraps every error raised inside ``tf.numpy_function``).
"""

import os
from typing import NamedTuple

import numpy as np
import tensorflow as tf
from PIL import Image, UnidentifiedImageError

from .checks import check_whole_number
from .class_masks import check_class_ids
from .data_checks import check_mask_conventions, mask_values_kind
from .folders import (MAX_CLASS_ID, VOC_VOID_COLOUR, pair_files, read_image, read_mask,
                      target_size)
from .pipeline import augment_batch_prefetch, check_dataset_options, check_num_classes
from .training import BATCH_SIZE

__all__ = ["STREAM_TASKS", "FolderScan", "scan_folder", "stream_folder"]

STREAM_TASKS = ("binary", "classes")


class FolderScan(NamedTuple):
    """What ``scan_folder`` found, all a stream needs to know before reading its first file."""

    pairs: list          # [(image_path, mask_path), ...] paired by name, sorted (pair_files)
    shape: tuple         # (H, W, C) of every streamed image; its mask is (H, W, 1)
    divide: list         # one bool per pair: True for a 0/255 mask, divided by 255
    values: np.ndarray   # every value the streamed masks hold (after that division), sorted


def _header(path, read, palette=False):
    """``(height, width, mode, palette or None)`` from a file's header, pixels left unread
    (except a palette mask's, for its palette). A file Pillow cannot open is handed to ``read``
    (``read_image`` or ``read_mask``), which raises ``load_folder``'s message for it."""
    try:
        with Image.open(path) as image:
            colours = image.getpalette() if palette and image.mode == "P" else None
            return image.height, image.width, image.mode, colours
    except (UnidentifiedImageError, OSError):
        read(path)
        raise


def scan_folder(images_dir, masks_dir, size=None):
    """The pass over both folders that a stream needs before its first batch -> ``FolderScan``.

    Raises what ``load_folder(images_dir, masks_dir, size)`` raises, with the same message, for
    every problem but an image whose pixel data are corrupt (see the module docstring); where
    a folder has several problems, the first one named may differ. Cost: every mask decoded
    once as stored (a palette mask twice), every image's header read (floating-point images
    decoded), and one image decoded per image mode found (to learn its channels).
    ``size``: an int or ``(height, width)`` to resize to, or None (all images one size).
    """
    target = target_size(size)
    pairs = pair_files(images_dir, masks_dir)
    sizes, first_of_mode, found, voc = set(), {}, {}, []
    for image_path, mask_path in pairs:
        height, width, mode, _ = _header(image_path, read_image)
        mask_height, mask_width, _, palette = _header(mask_path, read_mask, palette=True)
        if (height, width) != (mask_height, mask_width):
            raise ValueError(
                f"{image_path.name} is {height}x{width} but its mask "
                f"{mask_path.name} is {mask_height}x{mask_width} (height x width). "
                "An image and its mask must have the same size: is this the right mask?")
        if mode == "F":                      # only floating-point images can leave [0, 1]
            read_image(image_path, target)
        sizes.add((height, width))
        first_of_mode.setdefault(mode, image_path)
        found[mask_path.name] = np.unique(read_mask(mask_path))    # JPEG and colour checks
        if palette and tuple(palette[765:768]) == VOC_VOID_COLOUR:
            voc.append(mask_path.name)
    if target is None and len(sizes) > 1:
        raise ValueError(f"The images have different sizes {sorted(sizes)}. Pass size=(height, "
                         "width) to resize them all (images bilinear, masks nearest-neighbour).")
    check_mask_conventions(found, void_names=voc, max_class_id=MAX_CLASS_ID)
    channels = max(read_image(path).shape[2] for path in first_of_mode.values())  # 1 or 3
    divide = [mask_values_kind(values) == "binary255" for values in found.values()]
    values = np.unique(np.concatenate([values / 255.0 if scaled else values.astype(np.float64)
                                       for values, scaled in zip(found.values(), divide)]))
    return FolderScan(pairs, (*(target or sizes.pop()), channels), divide, values)


def _check_options(batch_size, task, num_classes, shuffle, augment, seed):
    check_dataset_options(batch_size, shuffle, augment, seed)
    if task not in STREAM_TASKS:
        raise ValueError(f"task must be 'binary' (0/1 masks, a sigmoid head) or 'classes' (class "
                         f"ids, a softmax head), got {task!r}. Mask files hold labels; for "
                         "real-valued targets load arrays and use make_dataset(..., "
                         "task='regression').")
    check_num_classes(task, num_classes,
                      "stream_folder(images_dir, masks_dir, task='classes', num_classes=4)")
    if task == "classes":
        check_whole_number(num_classes, "num_classes", 2, "background counts as a class")


def _check_task(values, task, num_classes):
    """Refuse masks that do not fit the head, before the first batch (as make_dataset does)."""
    if task == "classes":
        check_class_ids(values, num_classes)
    elif values.max() > 1:
        raise ValueError(f"The masks hold class ids 0 to {values.max():g}, but task='binary' "
                         "(the default) trains one 0/1 mask. For classes pass task='classes', "
                         f"num_classes={int(values.max()) + 1} (and compile_multiclass); for "
                         "one mask save the masks as 0/1 or 0/255 (mask > 0).")


def stream_folder(images_dir, masks_dir, batch_size=BATCH_SIZE, *, size=None, task="binary",
                  num_classes=None, shuffle=True, augment=False, seed=0):
    """A ``tf.data.Dataset`` of ``(images, masks)`` batches, read from two folders as it goes.

    Batches ``(B, H, W, C)`` float32 images in [0, 1] and ``(B, H, W, 1)`` float32 masks (0/1,
    or class ids with ``task='classes'``), the element shapes fixed, so Keras sees
    ``(None, H, W, C)``. Without shuffling or augmentation an epoch holds exactly the arrays
    ``load_folder(images_dir, masks_dir, size)`` returns, in its order. ``scan_folder`` runs
    first and raises what ``load_folder`` would (see the module docstring); then ``task`` is
    checked as ``make_dataset`` checks it. Steps per epoch: the file list (shuffled every epoch
    with ``shuffle``), read in parallel (``read_image``, ``read_mask``; the order is kept, so
    ``seed`` makes it repeatable), the same random flips and rotation for an image and its
    mask with ``augment`` (``augment_pair``), batch, prefetch. Nothing is cached.
    """
    _check_options(batch_size, task, num_classes, shuffle, augment, seed)
    scan = scan_folder(images_dir, masks_dir, size)
    _check_task(scan.values, task, num_classes)
    height, width, channels = scan.shape

    def read_pair(image_path, mask_path, divide):      # bytes, bytes, bool -> two arrays
        image_path, mask_path = os.fsdecode(image_path), os.fsdecode(mask_path)
        image = read_image(image_path, size)            # (H, W, 1 or 3) in [0, 1]
        mask = read_mask(mask_path, size)               # (H, W), values as stored
        if image.shape[2] < channels:                   # grayscale among colour: RGB, as
            image = np.repeat(image, channels, axis=2)  # load_folder does
        if image.shape != scan.shape or mask.shape != (height, width):
            raise ValueError(f"{image_path!r} and its mask are now {image.shape} and "
                             f"{mask.shape}, not {scan.shape} and {(height, width)} as when the "
                             "stream was made: a file changed. Call stream_folder again.")
        mask = mask / 255.0 if divide else mask
        return image.astype(np.float32), mask.astype(np.float32)[..., None]   # (H, W, 1)

    def read(image_path, mask_path, divide):
        image, mask = tf.numpy_function(read_pair, [image_path, mask_path, divide],
                                        [tf.float32, tf.float32], name="read_pair")
        image.set_shape(scan.shape)
        mask.set_shape((height, width, 1))
        return image, mask

    files = tf.data.Dataset.from_tensor_slices(
        ([os.fsencode(path) for path, _ in scan.pairs],
         [os.fsencode(path) for _, path in scan.pairs], scan.divide))
    if shuffle:
        files = files.shuffle(len(scan.pairs), seed=seed, reshuffle_each_iteration=True)
    dataset = files.map(read, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return augment_batch_prefetch(dataset, batch_size, augment, seed)
