"""How much memory training a model takes, estimated from its layers, against this machine's.

Training keeps, for the backward pass, every layer's output for every image of the batch; the
optimizer (Adam) keeps two numbers per trainable weight, and the gradients one more. For the
reference U-Net at 512×512 in float32 this gives about 2.3 GiB at batch 1, 7.7 GiB at batch 4
and 15 GiB at batch 8, in line with the 2–2.5, 5.5–8 and 10–15 GiB measured on a CPU
(TensorFlow's own workspace comes on top). No TensorFlow is imported here.
"""

import os

import numpy as np

from .checks import check_positive_int

__all__ = ["training_memory_bytes", "machine_memory_bytes", "format_bytes"]

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
    memory = {"activations": per_image * batch_size * bytes_per_value,
              "weights": model.count_params() * bytes_per_value,
              "optimizer_and_gradients": _ADAM_SLOTS_AND_GRADIENT * trainable * bytes_per_value}
    memory["total"] = sum(memory.values())
    return memory


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
