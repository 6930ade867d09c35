"""Load your own images and masks from two folders, with errors that say what to fix.

``load_folder("my_data/images", "my_data/masks")`` pairs files by name (``cell_01.png`` with
``cell_01.png`` or ``cell_01.tif``), and returns

- images: ``(N, H, W, C)`` float32 in [0, 1], C = 1 (grayscale) or 3 (RGB);
- masks:  ``(N, H, W, 1)`` float32: 0/1 for binary masks (stored as 0/1 or as 0/255), or the
  class ids themselves (0, 1, 2, ...) for multi-class masks.

Masks are only ever resized with nearest-neighbour interpolation, so no fractional labels appear.
Each mask file's kind is decided on its own: binary files may differ (some 0/1, some 0/255), each
becomes 0/1. Refused, naming the files and the fix, as training on them would be wrong: a JPEG
mask unless it holds exactly 0 and 255 (compression changes labels: a 0/1 mask gains stray 2s or
silently loses its foreground; save masks as PNG); 255 next to class ids, or a palette PNG whose
colour 255 is VOC's (the PASCAL VOC "void" label: the series does not train with ignored
pixels, so set them to a class first); 0/255 files next to class-id files; values neither binary
nor class ids 0..63; and masks that are all 0, every one (nothing to learn).
"""

import numbers
import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from skimage.util import img_as_float32

from .data_checks import check_mask_conventions, mask_values_kind

__all__ = ["IMAGE_SUFFIXES", "load_folder", "pair_files", "read_image", "read_mask", "target_size"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_CLASS_ID = 63  # mask values 0..63 are read as class ids; larger ones must be 0/255
VOC_VOID_COLOUR = (224, 224, 192)  # the colour PASCAL VOC's palette gives label 255
_GRAY_MODES = ("1", "L", "I", "I;16", "F")


def _check_path(path, name):
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{name} must be a str or pathlib.Path, got {path!r}.")
    return Path(path)


def _image_files(folder, role):
    folder = _check_path(folder, f"{role}_dir")
    if not folder.is_dir():
        error, what = ((NotADirectoryError, "is a file") if folder.exists() else
                       (FileNotFoundError, "does not exist"))
        raise error(f"The {role} folder {str(folder)!r} {what}. Check the path (a relative "
                    f"path starts in {os.getcwd()!r}).")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        inside = sorted(p.name for p in folder.iterdir() if p.is_dir())
        hint = (f" It holds the folder{'s' * (len(inside) > 1)} {', '.join(inside[:4])}: pass "
                "the one with the files, e.g. images_dir='.../images', masks_dir='.../masks'."
                if inside else "")
        raise ValueError(f"The {role} folder {str(folder)!r} has no images "
                         f"(looked for {', '.join(IMAGE_SUFFIXES)}).{hint}")
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
    if Path(images_dir).resolve() == Path(masks_dir).resolve():
        raise ValueError(f"images_dir and masks_dir are the same folder {str(images_dir)!r}: "
                         "each image would be its own mask. Put the masks in their own folder.")
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
    path = _check_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"There is no file {str(path)!r}. Check the path (a relative "
                                f"path starts in {os.getcwd()!r}).")
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy(), image.format
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"Cannot read {str(path)!r} as an image ({error}). "
                         "Is the file complete, and really a PNG, JPEG or TIFF?") from None


def target_size(size):
    """``size`` as ``(height, width)``, or None to keep the stored size; raises when invalid:
    ``128 -> (128, 128)``, ``(96, 128) -> (96, 128)``."""
    def whole(value):
        return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1
    if size is None or whole(size):
        return None if size is None else (int(size), int(size))
    if isinstance(size, (tuple, list)) and len(size) == 2 and all(map(whole, size)):
        return (int(size[0]), int(size[1]))
    raise ValueError(f"size must be an int >= 1 (a square, e.g. size=128) or a (height, width) "
                     f"pair of ints >= 1 (e.g. size=(96, 128)), or None to keep the stored "
                     f"size; got {size!r}.")


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


def _mask_pixels(image, path):
    """A PIL image -> ``(H, W)`` integers exactly as stored (palette masks keep their indices)."""
    if image.mode == "P" and not image.getpalette():
        image = image.convert("L")
    array = np.asarray(image)
    if array.ndim == 3:
        array = array[:, :, :3] if array.shape[2] >= 3 else array[:, :, :1]  # drop alpha
        if not all(np.array_equal(array[:, :, 0], array[:, :, c]) for c in range(array.shape[2])):
            raise ValueError(f"The mask {str(path)!r} is in colour with channels that differ. "
                             "Save masks as single-channel (grayscale) images holding 0/1, 0/255 "
                             "or class ids 0, 1, 2, ...")
        array = array[:, :, 0]
    return array.astype(np.uint8) if array.dtype == bool else array


def _is_jpeg(path, file_format):
    return file_format == "JPEG" or Path(path).suffix.lower() in (".jpg", ".jpeg")


def _jpeg_problem(paths, values):
    """The message for masks stored as JPEG that hold more than exactly 0 and 255."""
    names = ", ".join(Path(path).name for path in paths[:4]) + " ..." * (len(paths) > 4)
    shown = ", ".join(str(v) for v in values[:8]) + " ..." * (len(values) > 8)
    detail, fix = (("a 0/255 mask comes back with in-between values along every edge", "; if "
                    "the originals are lost, threshold these (mask > 127) and save that as PNG")
                   if values.max() > 127 else
                   ("a 0/1 or class-id mask gains stray values such as 2, or silently loses some "
                    "or all of its foreground, all of it at quality 50 or below",
                    ", from the original labels: thresholding cannot recover these"))
    one = len(paths) == 1
    return (f"{len(paths)} mask file{'s' * (not one)} stored as JPEG ({names}) hold{'s' * one} "
            f"{shown}: JPEG compression changed the labels ({detail}). Save masks as PNG "
            f"(lossless){fix}.")


def _voc_palette(image):
    """True for a palette image whose colour 255 is PASCAL VOC's void colour."""
    palette = image.getpalette() if image.mode == "P" else None
    return bool(palette) and tuple(palette[765:768]) == VOC_VOID_COLOUR


def _mask_file(image, path, size):
    """``(mask, values)``: the mask resized (nearest) and the values stored in the file."""
    stored = _mask_pixels(image, path)
    values = np.unique(stored)
    resized = stored if size is None else _mask_pixels(_resized(image, size, Image.NEAREST), path)
    return resized, values


def read_image(path, size=None):
    """One image as ``(H, W, C)`` float32 in [0, 1]; C is 1 for grayscale, 3 for colour.
    ``size``: an int or ``(height, width)`` to resize to (bilinear: fine for images only)."""
    target = target_size(size)
    return _image_array(_open(path)[0], target, path)


def read_mask(path, size=None):
    """One mask as ``(H, W)`` integers, exactly as stored (no scaling, 255 stays 255).

    ``size``: an int or ``(height, width)``, nearest-neighbour, so values stay stored labels.
    A JPEG mask is refused unless it holds exactly 0 and 255: compression changed its labels.
    """
    target = target_size(size)
    image, file_format = _open(path)
    mask, values = _mask_file(image, path, target)
    if _is_jpeg(path, file_format) and set(values.tolist()) != {0, 255}:
        raise ValueError(_jpeg_problem([path], values))
    return mask


def load_folder(images_dir, masks_dir, size=None):
    """Load paired images and masks. Returns ``(images, masks)`` as numpy arrays.

    ``images``: ``(N, H, W, C)`` float32 in [0, 1]; mixed grayscale and colour all become RGB.
    ``masks``: ``(N, H, W, 1)`` float32. Binary masks stored as 0/255 or 0/1 (even mixed, file
    by file) become 0/1; class-id masks (values 0..63) stay ids. JPEG, void (255), mixed and
    all-empty masks are refused (see the module docstring).
    ``size``: an int or ``(height, width)`` to resize to (images bilinear, masks nearest).
    Without it, all images must already share one size.
    """
    target = target_size(size)
    pairs = pair_files(images_dir, masks_dir)
    images, masks, found, voc, jpeg = [], [], {}, [], []
    for image_path, mask_path in pairs:
        (image, _), (mask, mask_format) = _open(image_path), _open(mask_path)  # each read once
        if image.size != mask.size:
            raise ValueError(
                f"{image_path.name} is {image.height}x{image.width} but its mask "
                f"{mask_path.name} is {mask.height}x{mask.width} (height x width). "
                "An image and its mask must have the same size: is this the right mask?")
        images.append(_image_array(image, target, image_path))
        array, found[mask_path.name] = _mask_file(mask, mask_path, target)
        masks.append(array)
        voc += [mask_path.name] if _voc_palette(mask) else []
        if _is_jpeg(mask_path, mask_format) and set(found[mask_path.name].tolist()) != {0, 255}:
            jpeg.append(mask_path)
    sizes = sorted({image.shape[:2] for image in images})
    if len(sizes) > 1:
        raise ValueError(f"The images have different sizes {sizes}. Pass size=(height, width) "
                         "to resize them all (images bilinear, masks nearest-neighbour).")
    if jpeg:
        raise ValueError(_jpeg_problem(jpeg, np.unique(np.concatenate(
            [found[path.name] for path in jpeg]))))
    check_mask_conventions(found, void_names=voc, max_class_id=MAX_CLASS_ID)
    if len({image.shape[2] for image in images}) > 1:
        images = [np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image
                  for image in images]
    masks = [mask / 255.0 if mask_values_kind(values) == "binary255" else mask
             for mask, values in zip(masks, found.values())]      # each file on its own
    return np.stack(images).astype(np.float32), np.stack(masks).astype(np.float32)[..., None]
