"""Size arithmetic of the paper's unpadded U-Net (``padding="valid"``), in plain Python.

Every 3x3 convolution without padding loses a 1-pixel border, so a conv block loses 4 pixels;
a decoder's skip is larger than its upsampled tensor and is centre-cropped to fit. These functions
answer "which sizes work?" and "how much to crop?" without building anything.
"""

__all__ = ["unpadded_output_size", "smallest_unpadded_size", "nearby_unpadded_sizes",
           "centre_crop_sizes"]


def _check(example="e.g. size=572, depth=4", **named):
    from .checks import check_whole_number   # here, not at the top: checks imports this module

    for name, value in named.items():
        check_whole_number(value, name, 1, example)


def unpadded_output_size(size, depth):
    """Output size of the unpadded ("valid") U-Net for an input ``size``, or None if it fails.

    Going down, each conv block loses 4 pixels and each pooling halves (the size must be even
    there); the bridge loses 4; going up, each level doubles and then loses 4. ``size`` and
    ``depth`` must be whole numbers >= 1 (a ValueError says so otherwise).

    >>> unpadded_output_size(572, 4)
    388
    """
    _check(size=size, depth=depth)
    return _output_size(size, depth)


def _output_size(size, depth):
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
        if size <= 0:
            return None
    return size


def smallest_unpadded_size(depth):
    """The smallest input the unpadded U-Net of this ``depth`` accepts.

    Every size that works is this one plus a multiple of ``2**depth``: going down, ``size + 4``
    must divide by ``2**depth``, and the bridge must keep enough pixels for the way up.

    >>> smallest_unpadded_size(4)
    188
    """
    _check(depth=depth)
    step = 2**depth
    multiple = 1
    while _output_size(multiple * step - 4, depth) is None:   # at most a dozen tries
        multiple += 1
    return multiple * step - 4


def nearby_unpadded_sizes(size, depth):
    """The closest input sizes below and above ``size`` that the unpadded U-Net accepts.

    ``below`` is None when no smaller size works (``size`` is at or under the smallest).

    >>> nearby_unpadded_sizes(570, 4)
    (556, 572)
    >>> nearby_unpadded_sizes(100, 4)
    (None, 188)
    """
    _check(size=size, depth=depth)
    if _output_size(size, depth) is not None:
        return size, size
    smallest, step = smallest_unpadded_size(depth), 2**depth
    if size < smallest:
        return None, smallest
    below = smallest + (size - smallest) // step * step   # sizes that work: smallest + k*step
    return below, below + step


def centre_crop_sizes(skip_size, target_size):
    """How many pixels to cut from each side of a skip to centre it on the target size.

    >>> centre_crop_sizes(64, 56)
    (4, 4)
    >>> centre_crop_sizes(65, 56)
    (4, 5)
    """
    _check("e.g. centre_crop_sizes(64, 56)", skip_size=skip_size, target_size=target_size)
    extra = skip_size - target_size
    if extra < 0:
        raise ValueError(f"The skip ({skip_size}) is smaller than the upsampled tensor "
                         f"({target_size}); it cannot be cropped to fit.")
    return extra // 2, extra - extra // 2
