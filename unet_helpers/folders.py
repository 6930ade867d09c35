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

__all__ = ["IMAGE_SUFFIXES", "load_folder", "pair_files", "read_image", "read_mask"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_CLASS_ID = 63  # mask values 0..63 are read as class ids; larger ones must be 0/255


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


def _to_unit_range(array):
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    if array.dtype == bool:
        return array.astype(np.float32)
    array = array.astype(np.float32)
    if array.min() < 0 or array.max() > 1:
        array = (array - array.min()) / max(float(array.max() - array.min()), 1e-12)
    return array


def read_image(path, size=None):
    """One image as ``(H, W, C)`` float32 in [0, 1]; C is 1 for grayscale, 3 for colour.

    ``size=(height, width)`` resizes with bilinear interpolation (fine for images, never masks).
    """
    image = _open(path)
    if image.mode in ("RGBA", "LA", "P", "CMYK", "YCbCr", "HSV"):
        image = image.convert("RGB" if image.mode != "LA" else "L")
    if size is not None:
        image = image.resize((size[1], size[0]), Image.BILINEAR)
    array = _to_unit_range(np.asarray(image))
    if array.ndim == 2:
        array = array[:, :, None]
    return array


def read_mask(path, size=None):
    """One mask as ``(H, W)`` integers, exactly as stored (no scaling).

    ``size=(height, width)`` resizes with nearest-neighbour interpolation, so every value stays
    one of the stored labels.
    """
    image = _open(path)
    if image.mode == "P":
        image = image.convert("L") if not image.getpalette() else image
    if size is not None:
        image = image.resize((size[1], size[0]), Image.NEAREST)
    array = np.asarray(image)
    if array.ndim == 3:
        if array.shape[2] == 4:
            array = array[:, :, :3]
        if not all(np.array_equal(array[:, :, 0], array[:, :, c]) for c in range(array.shape[2])):
            raise ValueError(f"The mask {str(path)!r} is in colour with channels that differ. "
                             "Save masks as single-channel (grayscale) images holding 0/1, 0/255 "
                             "or class ids 0, 1, 2, ...")
        array = array[:, :, 0]
    if array.dtype == bool:
        array = array.astype(np.uint8)
    return array


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
        image = read_image(image_path)
        mask = read_mask(mask_path)
        if image.shape[:2] != mask.shape:
            raise ValueError(
                f"{image_path.name} is {image.shape[0]}x{image.shape[1]} but its mask "
                f"{mask_path.name} is {mask.shape[0]}x{mask.shape[1]} (height x width). "
                "An image and its mask must have the same size: is this the right mask?")
        if target is not None:
            image = read_image(image_path, target)
            mask = read_mask(mask_path, target)
        images.append(image)
        masks.append(mask)
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
