"""Assemble the full U-Net from the blocks: encoders, bridge, decoders and the output head."""

import keras

from .blocks import conv_block, decoder_block, encoder_block
from .checks import check_unet_arguments
from .formulas import level_filters
from .head import check_output_activation, output_head

__all__ = ["build_unet", "build_small_unet"]


def build_unet(input_shape, *, base_filters=64, depth=4, num_classes=1,
               output_activation="sigmoid", batch_norm=True, padding="same",
               batch_norm_momentum=0.99, skips=True, name="U-Net"):
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

    ``skips=False`` builds the same network without its skip connections (each decoder only
    upsamples and convolves): what notebook 06 trains to show what the skips buy.
    """
    check_unet_arguments(input_shape, depth, base_filters, padding)
    if not isinstance(skips, bool):
        raise ValueError(f"skips must be True (a U-Net) or False (the same network without its "
                         f"skip connections), got {skips!r}.")
    input_shape = tuple(input_shape)
    if padding == "valid" and None in input_shape[:2]:
        raise ValueError("The unpadded (padding='valid') U-Net needs a fixed height and width to "
                         "know how much to crop each skip, e.g. (572, 572, 1). For images of any "
                         "size, use padding='same' or predict in tiles (unet_helpers.tiling).")
    check_output_activation(output_activation, num_classes)
    filters = level_filters(base_filters, depth)
    options = dict(batch_norm=batch_norm, padding=padding, batch_norm_momentum=batch_norm_momentum)

    inputs = keras.Input(input_shape, name="input")
    skip_outputs = []
    x = inputs
    for level in range(1, depth + 1):                     # going down: H, W halve each level
        skip, x = encoder_block(x, filters[level - 1], name=f"enc{level}", **options)
        skip_outputs.append(skip)
    x = conv_block(x, filters[depth], name="bridge", **options)  # the bottom of the U
    for level in range(depth, 0, -1):                     # going up: H, W double each level
        skip = skip_outputs[level - 1] if skips else None
        x = decoder_block(x, skip, filters[level - 1], name=f"dec{level}", **options)
    outputs = output_head(x, num_classes, output_activation)
    return keras.Model(inputs, outputs, name=name)


def build_small_unet(size=64, channels=1, *, base_filters=16, depth=4, batch_norm_momentum=0.9,
                     **options):
    """The series' CPU-sized U-Net: the reference layout with fewer filters and smaller inputs.

    ``(batch, size, size, channels) -> (batch, size, size, 1)`` by default (sigmoid head).
    BatchNorm momentum 0.9, not Keras' 0.99: after a training run of a few dozen steps, 0.99
    leaves the statistics used for prediction stale (notebook 08 measures it).
    """
    return build_unet((size, size, channels), base_filters=base_filters, depth=depth,
                      batch_norm_momentum=batch_norm_momentum, name="small_unet", **options)
