"""Small synthetic data sets for the series, made in memory in a second, deterministic by seed.

- ``synthetic_cells``: "cells" (bright ellipses) and binary masks (segmentation)
- ``synthetic_shapes``: circles, squares, triangles and class-id masks (multi-class)
- ``synthetic_distance``: cells and the signed distance to their edges (dense regression)

No download. Shapes: images ``(N, H, W, 1)`` float32 in [0, 1]; masks and targets
``(N, H, W, 1)`` float32.
"""

import numbers

import numpy as np
from scipy import ndimage
from skimage.draw import disk, ellipse, polygon, rectangle

from .checks import check_whole_number

__all__ = ["SHAPE_CLASSES", "synthetic_cells", "synthetic_shapes", "synthetic_distance"]

SHAPE_CLASSES = ("background", "circle", "square", "triangle")


def _whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_arguments(n, size, seed, min_size, counts=None, noise=0.0):
    """Raise a ValueError naming the fix unless every argument is in range."""
    check_whole_number(n, "n (the number of images)", 1, "e.g. 8")
    if not _whole(size) or size < min_size:
        raise ValueError(f"Need size >= {min_size}, a whole number: the height and width in "
                         f"pixels (e.g. size={4 * min_size}); got {size!r}.")
    if seed is not None:
        check_whole_number(seed, "seed", 0, "e.g. seed=0, or None for a new draw each time")
    if counts is not None:
        name, value = counts
        whole = [_whole(v) for v in (value if isinstance(value, (tuple, list)) else ())]
        if len(whole) != 2 or not all(whole) or not 0 <= value[0] <= value[1] or value[1] < 1:
            raise ValueError(f"{name} must be a (fewest, most) pair of whole numbers with "
                             f"0 <= fewest <= most and most >= 1, e.g. {name}=(3, 9); "
                             f"got {value!r}.")
    if (not isinstance(noise, numbers.Real) or isinstance(noise, bool)
            or not np.isfinite(noise) or noise < 0):
        raise ValueError(f"noise is the standard deviation of the Gaussian noise: a number "
                         f">= 0 (0 for none, e.g. 0.08), got {noise!r}.")


def synthetic_cells(n=8, size=128, *, seed=0, cells=(3, 9), noise=0.08):
    """``n`` grayscale images of ellipse "cells" with their masks.

    Cells vary in size, angle and brightness and may touch; the image also gets a smooth
    uneven illumination, a slight blur and Gaussian noise, so the mask is not just a threshold
    away. Returns ``(images, masks)``, each ``(n, size, size, 1)`` float32.
    ``n >= 1``, ``size >= 8``, ``seed >= 0`` (or None), ``cells=(fewest, most)`` per image,
    ``noise >= 0`` (its standard deviation); anything else raises a ValueError naming the fix.
    """
    _check_arguments(n, size, seed, 8, ("cells", cells), noise)
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size, 1), np.float32)
    masks = np.zeros((n, size, size, 1), np.float32)
    yy, xx = np.mgrid[0:size, 0:size] / size
    for i in range(n):
        image = np.zeros((size, size), np.float32)
        mask = np.zeros((size, size), bool)
        for _ in range(rng.integers(cells[0], cells[1] + 1)):
            r_major = rng.uniform(0.05, 0.14) * size
            r_minor = r_major * rng.uniform(0.55, 1.0)
            rows, cols = ellipse(rng.uniform(0.1, 0.9) * size, rng.uniform(0.1, 0.9) * size,
                                 r_major, r_minor, shape=(size, size),
                                 rotation=rng.uniform(0, np.pi))
            image[rows, cols] = rng.uniform(0.45, 1.0)
            mask[rows, cols] = True
        tilt = rng.uniform(-0.25, 0.25)
        illumination = 1.0 + tilt * (xx - 0.5) + tilt * (yy - 0.5)  # uneven light
        image = ndimage.gaussian_filter(image, sigma=1.0) * illumination + 0.1
        image = image + rng.normal(0.0, noise, image.shape)
        images[i, :, :, 0] = np.clip(image, 0.0, 1.0)
        masks[i, :, :, 0] = mask
    return images, masks


def synthetic_shapes(n=8, size=64, *, seed=0, shapes=(2, 5), noise=0.06):
    """``n`` grayscale images of circles, squares and triangles, with class-id masks.

    Class ids follow ``SHAPE_CLASSES``: 0 background, 1 circle, 2 square, 3 triangle. All shapes
    have similar brightness, so the network must tell them apart by form, not by intensity.
    Returns ``(images, masks)``: ``(n, size, size, 1)`` float32 images in [0, 1] and
    ``(n, size, size, 1)`` float32 masks holding the class ids. ``n >= 1``, ``size >= 16``,
    ``seed >= 0`` (or None), ``shapes=(fewest, most)`` per image, ``noise >= 0``.
    """
    _check_arguments(n, size, seed, 16, ("shapes", shapes), noise)
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size, 1), np.float32)
    masks = np.zeros((n, size, size, 1), np.float32)
    for i in range(n):
        image = np.zeros((size, size), np.float32)
        mask = np.zeros((size, size), np.float32)
        for _ in range(rng.integers(shapes[0], shapes[1] + 1)):
            kind = int(rng.integers(1, 4))
            radius = rng.uniform(0.08, 0.16) * size
            cy, cx = rng.uniform(radius, size - radius, 2)
            if kind == 1:
                rows, cols = disk((cy, cx), radius, shape=(size, size))
            elif kind == 2:
                half = radius * 0.85
                rows, cols = rectangle((cy - half, cx - half), (cy + half, cx + half),
                                       shape=(size, size))
                rows, cols = rows.astype(int).ravel(), cols.astype(int).ravel()
            else:
                angles = rng.uniform(0, 2 * np.pi) + np.array([0, 2, 4]) * np.pi / 3
                rows, cols = polygon(cy + radius * 1.2 * np.sin(angles),
                                     cx + radius * 1.2 * np.cos(angles), shape=(size, size))
            image[rows, cols] = rng.uniform(0.6, 0.9)
            mask[rows, cols] = kind
        image = ndimage.gaussian_filter(image, sigma=0.7) + 0.1
        image = image + rng.normal(0.0, noise, image.shape)
        images[i, :, :, 0] = np.clip(image, 0.0, 1.0)
        masks[i, :, :, 0] = mask
    return images, masks


def synthetic_distance(n=8, size=64, *, seed=0):
    """Cell images with a dense regression target: the signed distance to the nearest cell edge.

    The target is in pixels, positive inside a cell and negative outside, so it is unbounded
    in both directions: a job for a linear head, not a sigmoid.
    Returns ``(images, targets)``, each ``(n, size, size, 1)`` float32. ``n >= 1``,
    ``size >= 8``, ``seed >= 0`` (or None).
    """
    _check_arguments(n, size, seed, 8)
    images, masks = synthetic_cells(n, size, seed=seed)
    targets = np.zeros_like(masks)
    for i in range(n):
        inside = masks[i, :, :, 0] > 0.5
        distance_inside = ndimage.distance_transform_edt(inside)
        distance_outside = ndimage.distance_transform_edt(~inside)
        targets[i, :, :, 0] = distance_inside - distance_outside
    return images, targets
