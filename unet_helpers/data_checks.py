"""Check images, masks and targets before they reach training or scoring.

A U-Net trains on whatever it is given: 0/255 masks, class ids fed to a sigmoid, images in
0..255, fractional labels from a bilinear resize. None of these crash; each just trains badly
or scores nonsense. Every ``check_*`` here raises a ``ValueError`` that names the problem and
the fix, and returns None when the data fit. ``mask_values_kind`` says in one word what a mask
array holds. No TensorFlow is needed.

- images: ``(N, H, W, C)``, floating point, finite, in [0, 1]
- binary masks: ``(N, H, W, 1)`` holding 0 and 1 only (not all 0)
- regression targets: ``(N, H, W, C)``, finite, not all equal
- class ids: ``class_masks.check_class_ids``
"""

import numpy as np

__all__ = ["VOID_LABEL", "mask_values_kind", "check_array", "check_images",
           "check_binary_masks", "check_regression_targets", "check_pairs", "check_finite",
           "check_mask_conventions"]

VOID_LABEL = 255  # PASCAL VOC's "void" label: object borders and pixels nobody could label


def mask_values_kind(values):
    """One word for the set of values a mask array holds.

    'binary01', 'binary255', 'ids' (whole numbers 0..254), 'ids+void' (ids and 255, the PASCAL
    VOC convention), 'fractional' (values between whole numbers), 'negative' or 'empty'.
    """
    values = np.unique(np.asarray(values, dtype=np.float64))
    if values.size == 0:
        return "empty"
    if values.min() < 0:
        return "negative"
    if not np.array_equal(values, np.round(values)):
        return "fractional"
    if set(values) <= {0, 1}:
        return "binary01"
    if set(values) <= {0, 255}:
        return "binary255"
    if values.max() == VOID_LABEL:
        return "ids+void"
    return "ids"


def check_array(array, name, ndim=4, shape_hint="(N, H, W, C)"):
    """Raise unless ``array`` is a non-empty numeric array with ``ndim`` axes, all finite."""
    if not hasattr(array, "shape") or not hasattr(array, "dtype"):
        raise ValueError(f"{name} must be a numpy array {shape_hint}, got {type(array).__name__}. "
                         f"Use np.asarray(...) or np.stack([...]) first.")
    array = np.asarray(array)
    if array.ndim != ndim and array.size:
        hint = ""
        if array.ndim == ndim - 1:
            hint = f" Add the channel axis: {name}[..., None]."
        raise ValueError(f"{name} must have {ndim} axes {shape_hint}, got shape "
                         f"{array.shape}.{hint}")
    check_finite(array, name)


def check_images(images):
    """Raise unless images are ``(N, H, W, C)`` floats in [0, 1], C between 1 and 4."""
    check_array(images, "images")
    images = np.asarray(images)
    if not 1 <= images.shape[-1] <= 4:
        raise ValueError(f"images have {images.shape[-1]} channels in the last axis (shape "
                         f"{images.shape}): channels go last, (N, H, W, C) with C = 1 or 3. "
                         "Move them with np.moveaxis(images, 1, -1).")
    low, high = float(images.min()), float(images.max())
    if not np.issubdtype(images.dtype, np.floating) or high > 1.0 or low < 0.0:
        fix = ("divide by 255" if high <= 255 and low >= 0 else
               "rescale them, e.g. (x - x.min()) / (x.max() - x.min())")
        raise ValueError(f"images range from {low:g} to {high:g} ({images.dtype}), but the series "
                         f"trains on floats in [0, 1]: {fix} and convert with "
                         ".astype('float32').")


def check_binary_masks(masks):
    """Raise unless masks are ``(N, H, W, 1)`` holding only 0 and 1, with some 1s."""
    check_array(masks, "masks", shape_hint="(N, H, W, 1)")
    masks = np.asarray(masks)
    if masks.shape[-1] != 1:
        raise ValueError(f"Binary masks have one channel, (N, H, W, 1); got {masks.shape}. For "
                         "several classes use class ids in one channel and a softmax head.")
    kind = mask_values_kind(masks)
    fixes = {
        "binary255": "The masks hold 0 and 255: divide them by 255 so they hold 0 and 1.",
        "ids": f"The masks hold class ids up to {masks.max():g}: a sigmoid head predicts one "
               "binary mask. Use a softmax head and compile_multiclass for several classes, or "
               "make the mask binary first (masks > 0).",
        "ids+void": f"The masks hold 255 next to other values ({_some_values(masks)}): the PASCAL "
                    "VOC convention, where 255 marks 'void' pixels. The series does not train "
                    "with ignored pixels: set them to a class first (e.g. masks[masks == 255] = 0).",
        "fractional": "The masks hold values between 0 and 1 (for example "
                      f"{_some_values(masks)}): bilinear resizing or JPEG compression made "
                      "them. Resize masks with nearest-neighbour, save them as PNG, or threshold "
                      "them (masks > 0.5).",
        "negative": "The masks hold negative values: binary masks hold 0 and 1.",
    }
    if kind in fixes:
        raise ValueError(fixes[kind])
    if not masks.any():
        raise ValueError("Every mask is all 0: there is no foreground to learn. Check the mask "
                         "files (0/1 masks look black in an image viewer but are fine; JPEG "
                         "compression can erase them: save masks as PNG).")


def check_regression_targets(targets):
    """Raise unless regression targets are ``(N, H, W, C)``, finite and not all equal."""
    check_array(targets, "targets")
    targets = np.asarray(targets)
    if float(targets.min()) == float(targets.max()):
        raise ValueError(f"Every target equals {float(targets.min()):g}: there is nothing to "
                         "regress. Did you pass a mask of one value, or the wrong array?")


def check_pairs(images, masks, name="masks"):
    """Raise unless ``images`` and ``masks`` hold as many examples of the same height and width."""
    images, masks = np.asarray(images), np.asarray(masks)
    if len(images) != len(masks):
        raise ValueError(f"{len(images)} images but {len(masks)} {name}: they must pair up.")
    if tuple(images.shape[1:3]) != tuple(masks.shape[1:3]):
        raise ValueError(f"Images are {tuple(images.shape[1:3])} but {name} are "
                         f"{tuple(masks.shape[1:3])} (height, width): they must match.")


def check_finite(values, name="values"):
    """Raise unless ``values`` (an array of any shape, a list or a number) holds numbers, at
    least one, all finite: the least any score or scaler needs."""
    try:
        array = np.asarray(values)
    except ValueError:  # a ragged list
        raise ValueError(f"{name} must be an array of numbers, got a ragged sequence: stack "
                         "arrays of one shape with np.stack([...]).") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == bool):
        raise ValueError(f"{name} hold {array.dtype} values, not numbers: convert them with "
                         f"np.asarray({name}, dtype='float32').")
    if array.size == 0:
        raise ValueError(f"{name} are empty (shape {array.shape}): pass at least one value.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} hold NaN or infinite values: find and fix them first "
                         f"(np.isfinite({name}).all() must be True).")


def check_mask_conventions(values_by_name, void_names=(), max_class_id=63):
    """Raise unless masks ``{name: values}`` (e.g. a file name and its pixels) can be trained on.

    Each mask's kind is decided on its own: binary masks may differ (some 0/1, some 0/255: each
    says background/foreground) and 0/1 masks may sit among class-id masks (ids 0..63).
    Refused, naming a few masks each: 255 next to class ids (PASCAL VOC's 'void'; also any 255
    in the masks of ``void_names``), values neither binary nor ids, 0/255 masks next to
    class-id masks, and masks that are all 0, every one.
    """
    if not isinstance(values_by_name, dict) or not values_by_name:
        raise ValueError("Pass the masks as a non-empty dict {name: mask values}, e.g. "
                         f"{{'a.png': mask_a}}; got {type(values_by_name).__name__}.")
    groups = {}
    for name, values in values_by_name.items():
        values = np.unique(np.asarray(values, dtype=np.float64))
        kind = mask_values_kind(values)
        if VOID_LABEL in values and (name in void_names or kind == "ids+void"
                                     and values[-2] <= max_class_id):
            kind = "void"
        elif kind in ("negative", "fractional", "empty", "ids+void") or (
                kind == "ids" and values.max() > max_class_id):
            kind = "other"
        groups.setdefault("zero" if kind == "binary01" and not values.any() else kind,
                          []).append((name, values))
    names = {kind: _some_names(entries) for kind, entries in groups.items()}
    shown = {kind: _some_values(np.concatenate([v for _, v in entries]), 8)
             for kind, entries in groups.items()}
    if "void" in groups:
        raise ValueError(
            f"{names['void']} {VOID_LABEL} next to class ids ({shown['void']}): the PASCAL "
            f"VOC convention, where {VOID_LABEL} marks 'void' pixels (object borders, unlabelled "
            "areas), not a class. The series does not train with ignored pixels: set the void "
            "pixels to a class first, e.g. mask[mask == 255] = 0 (background), and save the "
            "masks again (as PNG, in a new folder).")
    if "other" in groups:
        raise ValueError(
            f"{names['other']} values that are neither binary (0/1 or 0/255) nor small class "
            f"ids (0..{max_class_id}): {shown['other']}. Masks saved as JPEG get such in-between "
            "values from compression, and so do masks resized with bilinear interpolation: save "
            "masks as PNG, resize them with nearest-neighbour, or threshold them (mask > 127, or "
            "mask > 0.5 for values in [0, 1])."
            + (" Every mask looks like this: are the images and masks folders swapped?"
               if len(groups["other"]) == len(values_by_name) > 1 else ""))
    if "binary255" in groups and "ids" in groups:
        raise ValueError(
            f"The masks mix two conventions: {names['binary255']} 0/255 (binary), but "
            f"{names['ids']} class ids ({shown['ids']}). Convert them to one convention: "
            "class ids 0, 1, 2, ... in every mask (a 0/255 mask divided by 255 holds ids 0/1), "
            "or binary 0/1 or 0/255 in every mask.")
    if set(groups) == {"zero"}:
        raise ValueError(
            f"Every mask is empty (all {len(values_by_name)} hold only 0): there is no "
            "foreground to learn. Check the mask files: 0/1 masks look black in an image viewer "
            "but are fine; JPEG compression can erase 0/1 masks (save masks as PNG).")


def _some_names(entries, count=4):
    names = [str(name) for name, _ in entries]
    return (f"{len(names)} mask{'s' * (len(names) > 1)} ({', '.join(names[:count])}"
            f"{' ...' * (len(names) > count)}) hold{'s' * (len(names) == 1)}")


def _some_values(array, count=5):
    values = np.unique(np.asarray(array))
    shown = ", ".join(f"{v:g}" for v in values[:count])
    return shown + (" ..." if len(values) > count else "")
