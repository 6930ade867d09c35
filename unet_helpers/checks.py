"""Input checks for U-Net: catch a mistake early and say how to fix it.

Without these checks, a bad input shape only fails deep inside TensorFlow (for example a
``Concatenate`` that complains about 89 vs 88 rows). Each check raises a ``ValueError`` whose
message names the fix.
"""

__all__ = [
    "OUTPUT_ACTIVATIONS",
    "nearby_valid_sizes",
    "unpadded_output_size",
    "nearby_unpadded_sizes",
    "check_input_shape",
    "check_depth_and_filters",
    "check_output_activation",
]

OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear")


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


def check_input_shape(input_shape, depth, padding="same"):
    """Check ``(H, W, C)``: three numbers, positive, and H and W divisible by ``2**depth``.

    Each encoder halves H and W (``depth`` times) and each decoder doubles them again; the
    decoder's concatenation only lines up when no halving had to round down.
    ``None`` for H or W (any size) is accepted but cannot be checked here.
    With ``padding="valid"`` the rule is the unpadded network's (``unpadded_output_size``).
    """
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
    height, width, channels = shape
    if channels is None or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"The number of channels must be a positive integer, got {channels!r}.")
    step = 2**depth
    for axis_name, size in (("height", height), ("width", width)):
        if size is None:
            continue
        if not isinstance(size, int) or size < 1:
            raise ValueError(f"The input {axis_name} must be a positive integer, got {size!r}.")
        if padding == "valid":
            if unpadded_output_size(size, depth) is None:
                below, above = nearby_unpadded_sizes(size, depth)
                options = f"{below} or {above}" if below else f"{above}"
                raise ValueError(
                    f"The unpadded (padding='valid') U-Net cannot take an input {axis_name} of "
                    f"{size} with depth={depth}: every 3x3 convolution loses 2 pixels and every "
                    f"pooling needs an even size. Sizes that work nearby: {options} "
                    f"(e.g. 572 -> 388 for depth 4).")
            continue
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
    return shape


def check_depth_and_filters(depth, base_filters):
    """Check that ``depth`` >= 1 and ``base_filters`` >= 1 are integers."""
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
        raise ValueError(f"depth must be a positive integer (the reference uses 4), got {depth!r}.")
    if not isinstance(base_filters, int) or isinstance(base_filters, bool) or base_filters < 1:
        raise ValueError(
            f"filters must be a positive integer (the reference starts at 64), got {base_filters!r}."
        )


def check_output_activation(output_activation, num_classes):
    """Return the head's activation as one of 'sigmoid', 'softmax', 'linear'.

    ``None`` means 'linear' (the head outputs logits or regression values).
    """
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(
            f"num_classes must be a positive integer (1 for a binary mask), got {num_classes!r}."
        )
    activation = "linear" if output_activation is None else output_activation
    if activation not in OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"Unknown output_activation {output_activation!r}. Use 'sigmoid' for a binary mask "
            f"(num_classes=1), 'softmax' for several classes, or None / 'linear' for logits "
            f"and regression."
        )
    if activation == "softmax" and num_classes == 1:
        raise ValueError(
            "softmax over a single channel always outputs 1.0. For a binary mask use "
            "output_activation='sigmoid' with num_classes=1, or softmax with num_classes=2."
        )
    return activation
