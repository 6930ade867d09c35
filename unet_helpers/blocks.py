"""The three building blocks of U-Net, written with the Keras functional API.

- ``conv_block``:    2 x [Conv2D 3x3 -> BatchNormalization -> ReLU]
- ``encoder_block``: conv block, then 2x2 max-pooling; returns ``(skip, pooled)``
- ``decoder_block``: 2x2 transposed conv (stride 2) -> concatenate the skip -> conv block

``padding="same"`` (the series' default) keeps H and W in every convolution. ``padding="valid"``
is the original paper's choice: each 3x3 convolution loses a 1-pixel border, so the decoder
centre-crops the skip (``Cropping2D``) to the size of the upsampled tensor before concatenating.

Each function takes a Keras tensor and returns a Keras tensor, so blocks can be chained like
ordinary function calls. ``name`` (optional) prefixes every layer's name, which keeps layer
names stable when a notebook cell is run twice. ``batch_norm_momentum`` is BatchNormalization's
momentum: the default 0.99 matches Keras and the reference; short training runs (a few dozen
steps) want 0.9 so the inference statistics catch up.
"""

from keras import layers

from .checks import check_padding
from .unpadded import centre_crop_sizes

__all__ = ["conv_block", "encoder_block", "decoder_block"]


def _layer_name(name, suffix):
    return None if name is None else f"{name}_{suffix}"


def conv_block(inputs, filters, *, batch_norm=True, padding="same", batch_norm_momentum=0.99,
               name=None):
    """Two 3x3 convolutions, each followed by BatchNormalization (optional) and ReLU.

    ``(batch, H, W, C) -> (batch, H, W, filters)`` with ``padding="same"``,
    ``(batch, H - 4, W - 4, filters)`` with ``padding="valid"``.
    """
    check_padding(padding)
    x = inputs
    for i in (1, 2):
        x = layers.Conv2D(filters, 3, padding=padding, name=_layer_name(name, f"conv{i}"))(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=batch_norm_momentum,
                                          name=_layer_name(name, f"bn{i}"))(x)
        x = layers.Activation("relu", name=_layer_name(name, f"relu{i}"))(x)
    return x


def encoder_block(inputs, filters, *, batch_norm=True, padding="same", batch_norm_momentum=0.99,
                  name=None):
    """A conv block, then 2x2 max-pooling. Returns ``(skip, pooled)``.

    ``(batch, H, W, C) -> skip (batch, H, W, filters), pooled (batch, H/2, W/2, filters)``

    ``skip`` keeps the full resolution for the decoder at the same level; ``pooled`` goes
    down to the next level.
    """
    skip = conv_block(inputs, filters, batch_norm=batch_norm, padding=padding,
                      batch_norm_momentum=batch_norm_momentum, name=name)
    pooled = layers.MaxPool2D((2, 2), name=_layer_name(name, "pool"))(skip)  # H, W halve
    return skip, pooled


def decoder_block(inputs, skip, filters, *, batch_norm=True, padding="same",
                  batch_norm_momentum=0.99, name=None):
    """Upsample by 2 with a transposed conv, concatenate the skip, then a conv block.

    ``(batch, H, W, C), skip (batch, 2H, 2W, S) -> (batch, 2H, 2W, filters)`` ("same");
    with "valid" the skip is centre-cropped to 2H x 2W and the output is
    ``(batch, 2H - 4, 2W - 4, filters)``.

    The transposed convolution has a 2x2 kernel and stride 2, so each input pixel becomes a
    2x2 patch: ``(batch, H, W, C) -> (batch, 2H, 2W, filters)``. The concatenation then stacks
    ``filters + S`` channels before the conv block. ``skip=None`` leaves the concatenation out:
    a decoder without a skip connection, for the experiment of notebook 06.
    """
    check_padding(padding)
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding=padding,
                               name=_layer_name(name, "up"))(inputs)  # H, W double
    if skip is None:
        return conv_block(x, filters, batch_norm=batch_norm, padding=padding,
                          batch_norm_momentum=batch_norm_momentum, name=name)
    up_size, skip_size = tuple(x.shape[1:3]), tuple(skip.shape[1:3])
    if padding == "valid" and up_size != skip_size and None not in up_size + skip_size:
        crops = tuple(centre_crop_sizes(s, u) for s, u in zip(skip_size, up_size))
        skip = layers.Cropping2D(crops, name=_layer_name(name, "crop"))(skip)  # centre of the skip
    if tuple(x.shape[1:3]) != tuple(skip.shape[1:3]):
        raise ValueError(
            f"The upsampled tensor {tuple(x.shape[1:])} and the skip {tuple(skip.shape[1:])} "
            f"differ in height or width, so they cannot be concatenated. This happens when an "
            f"input size is not divisible by 2**depth: a pooling rounded down."
        )
    x = layers.Concatenate(name=_layer_name(name, "concat"))([x, skip])  # channels add up
    return conv_block(x, filters, batch_norm=batch_norm, padding=padding,
                      batch_norm_momentum=batch_norm_momentum, name=name)
