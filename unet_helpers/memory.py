"""How much memory training a model takes, estimated from its layers, against this machine's.

Training keeps, for the backward pass, every layer's output for every image of the batch; the
optimizer (Adam) keeps two numbers per trainable weight, and the gradients one more. For the
reference U-Net at 512×512 in float32 this gives about 2.3 GiB at batch 1, 7.7 GiB at batch 4
and 15 GiB at batch 8, in line with the 2–2.5, 5.5–8 and 10–15 GiB measured on a CPU
(TensorFlow's own workspace comes on top). No TensorFlow is imported here.

``training_memory_bytes(model, ...)`` reads the layers of a built model;
``unet_training_memory_bytes(input_shape, ...)`` gives the same numbers for ``build_unet``'s
network from the formulas alone, without building anything (for tables over many sizes).
"""

import os

import numpy as np

from .checks import check_positive_int, check_unet_arguments
from .formulas import (batchnorm_params, conv_params, head_params, level_filters,
                       transpose_params)

__all__ = ["training_memory_bytes", "unet_training_memory_bytes", "machine_memory_bytes",
           "format_bytes"]

_ADAM_SLOTS_AND_GRADIENT = 3  # two moment estimates + one gradient per trainable weight


def training_memory_bytes(model, batch_size, bytes_per_value=4):
    """Estimated bytes to train ``model`` on batches of ``batch_size`` (float32 by default).

    Returns a dict: ``activations`` (every layer's outputs for the batch), ``weights``,
    ``optimizer_and_gradients`` and ``total``.
    """
    check_positive_int(batch_size, "batch_size", "the series trains with 8")
    per_image = 0
    for layer in model.layers[1:]:
        outputs = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
        for output in outputs:
            shape = tuple(output.shape[1:])
            if None in shape:
                raise ValueError(f"Layer {layer.name!r} has an open size {shape}: build the model "
                                 "for a fixed input size, e.g. build_unet((512, 512, 3)), to "
                                 "estimate its memory.")
            per_image += int(np.prod(shape))
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return _memory(per_image, model.count_params(), trainable, batch_size, bytes_per_value)


def _memory(values_per_image, parameters, trainable, batch_size, bytes_per_value):
    memory = {"activations": values_per_image * batch_size * bytes_per_value,
              "weights": parameters * bytes_per_value,
              "optimizer_and_gradients": _ADAM_SLOTS_AND_GRADIENT * trainable * bytes_per_value}
    memory["total"] = sum(memory.values())
    return memory


def unet_training_memory_bytes(input_shape, batch_size, *, base_filters=64, depth=4,
                               num_classes=1, bytes_per_value=4, padding="same",
                               batch_norm=True, skips=True, activation_bytes=None):
    """``training_memory_bytes(build_unet(input_shape, ...), batch_size)``, without a model.

    ``input_shape`` is ``(H, W, C)``, fixed; the other options are ``build_unet``'s
    (``padding="valid"``: the paper's unpadded network). ``bytes_per_value``: 4 for float32,
    2 for float16 or bfloat16, 8 for float64. Returns the same dict: ``activations``,
    ``weights``, ``optimizer_and_gradients`` and ``total``, in bytes.

    Mixed precision (notebook 13): ``activation_bytes=2`` keeps the weights, gradients and
    Adam's slots at ``bytes_per_value`` (float32) and the layers' outputs in 16 bits, except
    what Keras computes in float32 and keeps for the backward pass: every BatchNorm layer's
    input (BatchNorm upcasts it), and the head's input and output (the head is float32).

    >>> format_bytes(unet_training_memory_bytes((512, 512, 3), 1)["total"])
    '2.3 GiB'
    """
    check_unet_arguments(input_shape, depth, base_filters, padding)
    if None in tuple(input_shape):
        raise ValueError(f"input_shape {tuple(input_shape)} has an open size: give a fixed "
                         "height and width, e.g. (512, 512, 3), to estimate the memory.")
    check_positive_int(batch_size, "batch_size", "the series trains with 8")
    check_positive_int(num_classes, "num_classes", "1 for a binary mask")
    check_positive_int(bytes_per_value, "bytes_per_value", "4 for float32, 2 for float16")
    for name, value in (("batch_norm", batch_norm), ("skips", skips)):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False (as in build_unet), got {value!r}.")
    if activation_bytes is not None:
        check_positive_int(activation_bytes, "activation_bytes", "2 for mixed precision")
    layers = _unet_layers(tuple(input_shape), base_filters, depth, num_classes, padding,
                          batch_norm, skips)
    values, parameters, frozen = (sum(column) for column in zip(*layers))
    memory = _memory(values, parameters, parameters - frozen, batch_size, bytes_per_value)
    if activation_bytes is not None and activation_bytes != bytes_per_value:
        batch_norm_inputs = sum(size for size, params, fixed in layers if fixed)  # BN rows
        head_input, head_output = layers[-2][0], layers[-1][0]
        kept_in_full = batch_norm_inputs + head_input + head_output
        per_image = values * activation_bytes + kept_in_full * bytes_per_value
        per_image -= head_output * activation_bytes  # the head's output is float32 only
        memory["activations"] = per_image * batch_size
        memory["total"] = sum(value for key, value in memory.items() if key != "total")
    return memory


def _unet_layers(input_shape, base_filters, depth, num_classes, padding, batch_norm, skips):
    """One row per layer of ``build_unet`` after its input, in order:
    ``(output values per image, parameters, non-trainable parameters)``."""
    lost = 2 if padding == "valid" else 0   # border pixels a 3x3 convolution loses
    layers = []

    def conv_block(height, width, in_channels, filters):   # (H, W, C) -> (H', W', filters)
        for channels in (in_channels, filters):
            height, width = height - lost, width - lost
            size = height * width * filters
            layers.append((size, conv_params(3, channels, filters), 0))            # Conv2D
            if batch_norm:  # gamma, beta trained; moving mean and variance not
                layers.append((size, batchnorm_params(filters), 2 * filters))
            layers.append((size, 0, 0))                                            # ReLU
        return height, width

    height, width, channels = input_shape
    filters = level_filters(base_filters, depth)
    saved = []
    for f in filters[:-1]:                                   # encoders
        height, width = conv_block(height, width, channels, f)
        saved.append((height, width, f))
        height, width, channels = height // 2, width // 2, f
        layers.append((height * width * f, 0, 0))                                  # MaxPool2D
    height, width = conv_block(height, width, channels, filters[-1])                # bridge
    channels = filters[-1]
    for (skip_height, skip_width, skip_channels), f in zip(saved[::-1], filters[-2::-1]):
        height, width = 2 * height, 2 * width                # Conv2DTranspose doubles H, W
        layers.append((height * width * f, transpose_params(channels, f), 0))
        channels = f
        if skips:
            if (skip_height, skip_width) != (height, width):
                layers.append((height * width * skip_channels, 0, 0))              # Cropping2D
            channels = f + skip_channels
            layers.append((height * width * channels, 0, 0))                       # Concatenate
        height, width = conv_block(height, width, channels, f)
        channels = f
    layers.append((height * width * num_classes, head_params(channels, num_classes), 0))
    return layers


def machine_memory_bytes():
    """This machine's physical memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def format_bytes(count):
    """``2_441_000_000 -> '2.3 GiB'``; MiB below 1 GiB."""
    if count >= 2**30:
        return f"{count / 2**30:.1f} GiB"
    return f"{count / 2**20:.0f} MiB"
