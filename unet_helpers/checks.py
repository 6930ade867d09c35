"""Argument checks for building a U-Net: catch a mistake early and say how to fix it.

Without these checks, a bad input shape only fails deep inside TensorFlow (for example a
``Concatenate`` that complains about 89 vs 88 rows). Every ``check_*`` function in the package
follows one contract: it returns nothing when all is well and raises a ``ValueError`` whose
message names the fix when it is not. No TensorFlow is needed here.
"""

import numbers

from .unpadded import nearby_unpadded_sizes, unpadded_output_size

__all__ = [
    "PADDINGS",
    "nearby_valid_sizes",
    "check_padding",
    "check_positive_int",
    "check_whole_number",
    "check_input_shape",
    "check_unet_arguments",
]

PADDINGS = ("same", "valid")


def nearby_valid_sizes(size, depth):
    """The closest sizes below and above ``size`` that divide by ``2**depth``.

    >>> nearby_valid_sizes(100, 4)
    (96, 112)
    """
    step = 2**depth
    below = (size // step) * step
    if below == size:
        return size, size
    return (below if below > 0 else step), below + step


def check_padding(padding):
    """Raise unless ``padding`` is 'same' (the series) or 'valid' (the paper)."""
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}: 'same' keeps "
                         "height and width, 'valid' is the paper's unpadded convolutions.")


def check_positive_int(value, name, example):
    """Raise unless ``value`` is a whole number >= 1: an int or a numpy integer, not a bool."""
    try:
        check_whole_number(value, name, 1, example)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer ({example}), got {value!r}.") from None


def check_whole_number(value, name, minimum=1, example=""):
    """Raise unless ``value`` is a whole number (int or numpy integer, not bool) ``>= minimum``.

    >>> check_whole_number(8, "size", minimum=8)
    """
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if whole and value >= minimum:
        return
    example = f" ({example})" if example else ""
    hint = ""
    if isinstance(value, float) and value.is_integer() and value >= minimum:
        hint = f": write it without the decimal point, {int(value)}"
    elif isinstance(value, str):
        hint = ": pass a number, not text"
    raise ValueError(f"{name} must be a whole number >= {minimum}{example}, got {value!r}{hint}.")


def _check_shape_tuple(input_shape):
    try:
        shape = tuple(input_shape)
    except TypeError:
        raise ValueError(
            f"input_shape must be a tuple (height, width, channels), got {input_shape!r}."
        ) from None
    if len(shape) != 3:
        hint = ""
        if len(shape) == 2:
            hint = f" Add the channel axis: {shape + (1,)} for grayscale, {shape + (3,)} for RGB."
        elif len(shape) == 4:
            hint = f" Leave out the batch axis: use {shape[1:]}."
        raise ValueError(
            f"input_shape must have 3 numbers (height, width, channels), got {shape} "
            f"with {len(shape)}.{hint}"
        )
    return shape


def _check_unpadded_size(axis_name, size, depth):
    if unpadded_output_size(size, depth) is None:
        below, above = nearby_unpadded_sizes(size, depth)
        if below is None:
            step = 2**depth
            fits = [d for d in range(depth - 1, 0, -1) if unpadded_output_size(size, d)]
            lower = (f"; or use depth={fits[0]}, which takes {size}" if fits else
                     "; or lower the depth" if depth > 1 else "")
            options = (f"{above}, the smallest for depth={depth}, then every {step} "
                       f"({above + step}, {above + 2 * step}, ...){lower}")
        else:
            options = f"{below} or {above}"
        raise ValueError(
            f"The unpadded (padding='valid') U-Net cannot take an input {axis_name} of "
            f"{size} with depth={depth}: every 3x3 convolution loses 2 pixels and every "
            f"pooling needs an even size. Sizes that work nearby: {options} "
            f"(e.g. 572 -> 388 for depth 4).")


def _check_padded_size(axis_name, size, depth):
    step = 2**depth
    if size < step:
        largest = max(d for d in range(0, 30) if 2**d <= size)
        raise ValueError(
            f"depth={depth} is too large for an input {axis_name} of {size}: {depth} "
            f"poolings need at least {step} pixels. Use depth <= {largest}, "
            f"or an input of at least {step}."
        )
    if size % step:
        below, above = nearby_valid_sizes(size, depth)
        raise ValueError(
            f"The input {axis_name} {size} is not divisible by 2**depth = {step} "
            f"(depth={depth}). Each encoder halves the size and the decoders must double it "
            f"back exactly to concatenate with the skips. Resize or pad to {below} or "
            f"{above}, or lower the depth."
        )


def check_input_shape(input_shape, depth, padding="same"):
    """Check ``(H, W, C)``: three numbers, positive, and H and W right for ``depth``.

    Each encoder halves H and W (``depth`` times) and each decoder doubles them again; the
    decoder's concatenation only lines up when no halving had to round down, so with
    ``padding="same"`` H and W must divide by ``2**depth``. With ``padding="valid"`` the rule is
    the unpadded network's (``unpadded.unpadded_output_size``). ``None`` for H or W (any size)
    is accepted but cannot be checked here.
    """
    check_padding(padding)
    height, width, channels = _check_shape_tuple(input_shape)
    if channels is None or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"The number of channels must be a positive integer, got {channels!r}.")
    for axis_name, size in (("height", height), ("width", width)):
        if size is None:
            continue
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError(f"The input {axis_name} must be a positive integer, got {size!r}.")
        if padding == "valid":
            _check_unpadded_size(axis_name, size, depth)
        else:
            _check_padded_size(axis_name, size, depth)


def check_unet_arguments(input_shape, depth, base_filters, padding="same"):
    """Everything ``build_unet``, ``draw_unet`` and the shape explorer need to be true at once:
    ``depth`` and ``base_filters`` positive integers and ``input_shape`` right for them."""
    check_positive_int(depth, "depth", "the reference uses 4")
    check_positive_int(base_filters, "base_filters", "the reference starts at 64")
    check_input_shape(input_shape, depth, padding)
