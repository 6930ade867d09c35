"""Size arithmetic of the paper's unpadded U-Net (``padding="valid"``), in plain Python.

Every 3x3 convolution without padding loses a 1-pixel border, so a conv block loses 4 pixels;
a decoder's skip is larger than its upsampled tensor and is centre-cropped to fit. These three
functions answer "which sizes work?" and "how much to crop?" without building anything.
"""

__all__ = ["unpadded_output_size", "nearby_unpadded_sizes", "centre_crop_sizes"]


def unpadded_output_size(size, depth):
    """Output size of the unpadded ("valid") U-Net for an input ``size``, or None if it fails.

    Going down, each conv block loses 4 pixels and each pooling halves (the size must be even
    there); the bridge loses 4; going up, each level doubles and then loses 4.

    >>> unpadded_output_size(572, 4)
    388
    """
    for _ in range(depth):
        size -= 4                      # two 3x3 valid convolutions
        if size <= 0 or size % 2:
            return None                # pooling needs an even size
        size //= 2
    size -= 4                          # the bridge
    if size <= 0:
        return None
    for _ in range(depth):
        size = 2 * size - 4            # up-convolution, then two valid convolutions
    return size if size > 0 else None


def nearby_unpadded_sizes(size, depth):
    """The closest input sizes below and above ``size`` that the unpadded U-Net accepts.

    >>> nearby_unpadded_sizes(570, 4)
    (556, 572)
    """
    if unpadded_output_size(size, depth) is not None:
        return size, size
    below = next((s for s in range(size - 1, 0, -1) if unpadded_output_size(s, depth)), None)
    above = next(s for s in range(size + 1, size + 2**(depth + 2))
                 if unpadded_output_size(s, depth))
    return below, above


def centre_crop_sizes(skip_size, target_size):
    """How many pixels to cut from each side of a skip to centre it on the target size.

    >>> centre_crop_sizes(64, 56)
    (4, 4)
    >>> centre_crop_sizes(65, 56)
    (4, 5)
    """
    extra = skip_size - target_size
    if extra < 0:
        raise ValueError(f"The skip ({skip_size}) is smaller than the upsampled tensor "
                         f"({target_size}); it cannot be cropped to fit.")
    return extra // 2, extra - extra // 2
