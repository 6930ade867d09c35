"""Small synthetic images for the series: "cells" (bright ellipses) and their binary masks.

Generated in memory, deterministic by seed, no download. Shapes: images ``(N, H, W, 1)``
float32 in [0, 1], masks ``(N, H, W, 1)`` float32 with values 0 or 1.
"""

import numpy as np
from scipy import ndimage
from skimage.draw import ellipse

__all__ = ["synthetic_cells"]


def synthetic_cells(n=8, size=128, *, seed=0, cells=(3, 9), noise=0.08):
    """``n`` grayscale images of ellipse "cells" with their masks.

    Cells vary in size, angle and brightness and may touch; the image also gets a smooth
    uneven illumination, a slight blur and Gaussian noise, so the mask is not just a threshold
    away. Returns ``(images, masks)``, each ``(n, size, size, 1)`` float32.
    """
    if n < 1 or size < 8:
        raise ValueError(f"Need n >= 1 and size >= 8, got n={n}, size={size}.")
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
