"""Assemble the full U-Net from the blocks: encoders, bridge, decoders and the output head."""

import keras
from keras import layers

from .blocks import conv_block, decoder_block, encoder_block
from .checks import check_depth_and_filters, check_input_shape, check_output_activation
from .formulas import level_filters

__all__ = ["build_unet", "output_head"]


def output_head(inputs, num_classes=1, activation="sigmoid", name="head"):
    """A 1x1 convolution that turns features into one value per class and pixel.

    ``(batch, H, W, C) -> (batch, H, W, num_classes)``

    ``activation``: 'sigmoid' (binary mask, probabilities), 'softmax' (classes, probabilities
    that sum to 1 over the last axis) or 'linear' / None (logits, or regression values).
    """
    activation = check_output_activation(activation, num_classes)
    return layers.Conv2D(num_classes, 1, padding="same", activation=activation, name=name)(inputs)


def build_unet(input_shape, *, base_filters=64, depth=4, num_classes=1,
               output_activation="sigmoid", batch_norm=True, padding="same",
               batch_norm_momentum=0.99, name="U-Net"):
    """Build a U-Net as a Keras ``Model``.

    ``(batch, H, W, C) -> (batch, H, W, num_classes)``; H and W must divide by ``2**depth``.

    With the defaults, ``build_unet((512, 512, 3))`` is the reference model: encoders with
    64, 128, 256, 512 filters, a 1024-filter bridge, mirrored decoders and a 1x1 sigmoid head,
    31,055,297 parameters. Layer names are ``enc1_conv1``, ..., ``bridge_...``, ``dec4_up``, ...,
    ``head``; decoder k sits at the same level (and uses the skip of) encoder k.

    ``padding="valid"`` builds the paper's unpadded network: every 3x3 convolution loses a
    1-pixel border and each decoder centre-crops its skip. With ``batch_norm=False``,
    ``num_classes=2`` and ``output_activation="softmax"``, ``build_unet((572, 572, 1), ...)``
    is the paper's model: 572 -> 388, 31,030,658 parameters.
    """
    check_depth_and_filters(depth, base_filters)
    if padding not in ("same", "valid"):
        raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}.")
    input_shape = check_input_shape(input_shape, depth, padding)
    if padding == "valid" and None in input_shape[:2]:
        raise ValueError("The unpadded (padding='valid') U-Net needs a fixed height and width to "
                         "know how much to crop each skip, e.g. (572, 572, 1). For images of any "
                         "size, use padding='same' or predict in tiles (unet_helpers.tiling).")
    activation = check_output_activation(output_activation, num_classes)
    filters = level_filters(base_filters, depth)
    options = dict(batch_norm=batch_norm, padding=padding, momentum=batch_norm_momentum)

    inputs = keras.Input(input_shape, name="input")
    skips = []
    x = inputs
    for level in range(1, depth + 1):                     # going down: H, W halve each level
        skip, x = encoder_block(x, filters[level - 1], name=f"enc{level}", **options)
        skips.append(skip)
    x = conv_block(x, filters[depth], name="bridge", **options)  # the bottom of the U
    for level in range(depth, 0, -1):                     # going up: H, W double each level
        x = decoder_block(x, skips[level - 1], filters[level - 1], name=f"dec{level}", **options)
    outputs = output_head(x, num_classes, activation)
    return keras.Model(inputs, outputs, name=name)
