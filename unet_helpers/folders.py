"""Load your own images and masks from two folders, with errors that say what to fix.

``load_folder("my_data/images", "my_data/masks")`` pairs files by name (``cell_01.png`` with
``cell_01.png`` or ``cell_01.tif``), and returns

- images: ``(N, H, W, C)`` float32 in [0, 1], C = 1 (grayscale) or 3 (RGB);
- masks:  ``(N, H, W, 1)`` float32: 0/1 for binary masks (stored as 0/1 or as 0/255), or the
  class ids themselves (0, 1, 2, ...) for multi-class masks.

Masks are only ever resized with nearest-neighbour interpolation, so no fractional labels appear.
"""

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from skimage.util import img_as_float32

__all__ = ["IMAGE_SUFFIXES", "load_folder", "pair_files", "read_image", "read_mask"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_CLASS_ID = 63  # mask values 0..63 are read as class ids; larger ones must be 0/255
_GRAY_MODES = ("1", "L", "I", "I;16", "F")


def _image_files(folder, role):
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"The {role} folder {str(folder)!r} does not exist.")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise ValueError(f"The {role} folder {str(folder)!r} has no images "
                         f"(looked for {', '.join(IMAGE_SUFFIXES)}).")
    stems = {}
    for path in files:
        if path.stem in stems:
            raise ValueError(f"Two {role} files share the name {path.stem!r}: "
                             f"{stems[path.stem].name} and {path.name}. Keep one.")
        stems[path.stem] = path
    return stems


def pair_files(images_dir, masks_dir):
    """``[(image_path, mask_path), ...]`` paired by file name without extension, sorted.

    Raises a ValueError listing every image without a mask and every mask without an image.
    """
    images = _image_files(images_dir, "images")
    masks = _image_files(masks_dir, "masks")
    lonely_images = sorted(set(images) - set(masks))
    lonely_masks = sorted(set(masks) - set(images))
    if lonely_images or lonely_masks:
        lines = ["Some files have no partner (images and masks are paired by file name):"]
        if lonely_images:
            lines.append("  images without a mask: " + ", ".join(images[s].name for s in lonely_images))
        if lonely_masks:
            lines.append("  masks without an image: " + ", ".join(masks[s].name for s in lonely_masks))
        lines.append("Rename them so each image and its mask share a name, or move the extras out.")
        raise ValueError("\n".join(lines))
    return [(images[stem], masks[stem]) for stem in sorted(images)]


def _open(path):
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"Cannot read {str(path)!r} as an image ({error}). "
                         "Is the file complete, and really a PNG, JPEG or TIFF?") from None


def _resized(image, size, resample):
    return image if size is None else image.resize((size[1], size[0]), resample)


def _image_array(image, size, path):
    """A PIL image -> ``(H, W, C)`` float32 in [0, 1] (scaled by ``img_as_float32``)."""
    if image.mode not in _GRAY_MODES + ("RGB",):
        image = image.convert("L" if image.mode == "LA" else "RGB")  # drop alpha and palettes
    array = np.asarray(_resized(image, size, Image.BILINEAR))
    if array.dtype == np.int32 and array.min() >= 0 and array.max() <= 65535:
        array = array.astype(np.uint16)                # a 16-bit PNG that Pillow opened as "I"
    if array.dtype.kind == "f" and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"{str(path)!r} holds floating-point values from {array.min():.4g} to "
                         f"{array.max():.4g}, but images must lie in [0, 1]. Rescale it (for "
                         "example divide by its maximum) or save it as an 8- or 16-bit image.")
    array = img_as_float32(array)
    return array[:, :, None] if array.ndim == 2 else array


def _mask_array(image, size, path):
    """A PIL image -> ``(H, W)`` integers exactly as stored (palette masks keep their indices)."""
    if image.mode == "P" and not image.getpalette():
        image = image.convert("L")
    array = np.asarray(_resized(image, size, Image.NEAREST))
    if array.ndim == 3:
        array = array[:, :, :3]                           # drop an alpha channel
        if not all(np.array_equal(array[:, :, 0], array[:, :, c]) for c in range(3)):
            raise ValueError(f"The mask {str(path)!r} is in colour with channels that differ. "
                             "Save masks as single-channel (grayscale) images holding 0/1, 0/255 "
                             "or class ids 0, 1, 2, ...")
        array = array[:, :, 0]
    return array.astype(np.uint8) if array.dtype == bool else array


def read_image(path, size=None):
    """One image as ``(H, W, C)`` float32 in [0, 1]; C is 1 for grayscale, 3 for colour.

    ``size=(height, width)`` resizes with bilinear interpolation (fine for images, never masks).
    """
    return _image_array(_open(path), _parse_size(size), path)


def read_mask(path, size=None):
    """One mask as ``(H, W)`` integers, exactly as stored (no scaling).

    ``size=(height, width)`` resizes with nearest-neighbour interpolation, so every value stays
    one of the stored labels.
    """
    return _mask_array(_open(path), _parse_size(size), path)


def _mask_kind(values):
    """'binary01', 'binary255' or 'classes' for the set of values found in all masks."""
    if values <= {0, 1}:
        return "binary01"
    if values <= {0, 255}:
        return "binary255"
    if all(float(v).is_integer() and 0 <= v <= MAX_CLASS_ID for v in values):
        return "classes"
    shown = ", ".join(str(v) for v in sorted(values)[:12]) + (" ..." if len(values) > 12 else "")
    raise ValueError(
        f"The masks hold values that are neither binary (0/1 or 0/255) nor small class ids "
        f"(0..{MAX_CLASS_ID}): {shown}. Masks saved as JPEG get such in-between values from "
        "compression, and so do masks resized with bilinear interpolation: save masks as PNG, "
        "resize them with nearest-neighbour, or threshold them (mask > 127).")


def _parse_size(size):
    if size is None:
        return None
    if isinstance(size, int):
        return (size, size)
    height, width = size
    return (int(height), int(width))


def load_folder(images_dir, masks_dir, size=None):
    """Load paired images and masks. Returns ``(images, masks)`` as numpy arrays.

    ``images``: ``(N, H, W, C)`` float32 in [0, 1]. Grayscale and colour images may be mixed:
    then all become RGB (C = 3).
    ``masks``: ``(N, H, W, 1)`` float32. Binary masks stored as 0/255 or 0/1 both become 0/1;
    class-id masks (values 0..63) are kept as ids.
    ``size``: an int or ``(height, width)`` to resize to (images bilinear, masks nearest).
    Without it, all images must already share one size.
    """
    pairs = pair_files(images_dir, masks_dir)
    target = _parse_size(size)
    images, masks = [], []
    for image_path, mask_path in pairs:
        image, mask = _open(image_path), _open(mask_path)          # each file is read once
        if image.size != mask.size:
            raise ValueError(
                f"{image_path.name} is {image.height}x{image.width} but its mask "
                f"{mask_path.name} is {mask.height}x{mask.width} (height x width). "
                "An image and its mask must have the same size: is this the right mask?")
        images.append(_image_array(image, target, image_path))
        masks.append(_mask_array(mask, target, mask_path))
    sizes = sorted({image.shape[:2] for image in images})
    if len(sizes) > 1:
        raise ValueError(f"The images have different sizes {sizes}. Pass size=(height, width) "
                         "to resize them all (images bilinear, masks nearest-neighbour).")
    if len({image.shape[2] for image in images}) > 1:
        images = [np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image
                  for image in images]
    values = set(np.unique(np.concatenate([np.unique(m) for m in masks])).tolist())
    kind = _mask_kind(values)
    stacked = np.stack(masks).astype(np.float32)[..., None]
    if kind == "binary255":
        stacked = stacked / 255.0
    return np.stack(images).astype(np.float32), stacked
