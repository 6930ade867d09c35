"""The output head: a 1x1 convolution, its activation, and the losses that fit it.

``output_head`` turns the last decoder's features into one value per class and pixel. Which
activation it ends with (sigmoid, softmax, or none: linear) decides what the loss must expect,
and a mismatch does not crash: training runs, just badly (a double sigmoid or softmax squashes
the gradients, a loss that expects probabilities gets raw scores). ``check_head_and_loss``
names the problem and the fix; ``head_activation`` reads the activation off a built model.
"""

import keras
from keras import layers

from .checks import check_positive_int

__all__ = ["HEAD_ACTIVATIONS", "CROSS_ENTROPIES", "REGRESSION_LOSSES", "activation_name",
           "check_output_activation", "output_head", "head_activation", "check_head_and_loss",
           "describe_head_and_loss"]

HEAD_ACTIVATIONS = ("sigmoid", "softmax", "linear")
CROSS_ENTROPIES = ("BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
                   "SparseCategoricalCrossentropy", "CategoricalFocalCrossentropy")
REGRESSION_LOSSES = ("MeanSquaredError", "MeanAbsoluteError", "Huber", "LogCosh")


def activation_name(activation):
    """The head's activation as a name: ``None`` (no activation) is 'linear'."""
    return "linear" if activation is None else activation


def check_output_activation(activation, num_classes=1):
    """Raise unless ``activation`` is 'sigmoid', 'softmax' or 'linear' / None and fits
    ``num_classes`` (a softmax over one channel is always 1.0)."""
    check_positive_int(num_classes, "num_classes", "1 for a binary mask")
    if activation_name(activation) not in HEAD_ACTIVATIONS:
        raise ValueError(
            f"Unknown output_activation {activation!r}. Use 'sigmoid' for a binary mask "
            f"(num_classes=1), 'softmax' for several classes, or None / 'linear' for logits "
            f"and regression.")
    if activation == "softmax" and num_classes == 1:
        raise ValueError(
            "softmax over a single channel always outputs 1.0. For a binary mask use "
            "output_activation='sigmoid' with num_classes=1, or softmax with num_classes=2.")


def output_head(inputs, num_classes=1, activation="sigmoid", name="head"):
    """A 1x1 convolution that turns features into one value per class and pixel.

    ``(batch, H, W, C) -> (batch, H, W, num_classes)``

    ``activation``: 'sigmoid' (binary mask, probabilities), 'softmax' (classes, probabilities
    that sum to 1 over the last axis) or 'linear' / None (logits, or regression values).

    The head always computes in float32 (``dtype="float32"``): under a mixed-precision policy
    (notebook 13) the rest of the network runs in float16 or bfloat16, but probabilities near
    0 and 1, and the loss, need float32. Under the default float32 policy this changes nothing.
    """
    check_output_activation(activation, num_classes)
    return layers.Conv2D(num_classes, 1, padding="same", activation=activation_name(activation),
                         dtype="float32", name=name)(inputs)


def head_activation(model):
    """The activation of a model's last layer: 'sigmoid', 'softmax' or 'linear'."""
    last = model.layers[-1]
    name = getattr(getattr(last, "activation", None), "__name__", None)
    if name not in HEAD_ACTIVATIONS:
        raise ValueError(f"Cannot tell the head's activation from the last layer {last.name!r} "
                         f"(found {name!r}). End the model with output_head(...) or a Conv2D "
                         "with activation='sigmoid', 'softmax' or None.")
    return name


def _target_of(kind):
    return ("a 0/1 mask" if kind.startswith("Binary") else
            "class ids" if kind.startswith("Sparse") else "one-hot masks")


def _check_cross_entropy(activation, kind, from_logits, num_classes):
    probability_head = activation in ("sigmoid", "softmax")
    if probability_head and from_logits:
        raise ValueError(
            f"The {activation} head already outputs probabilities, but {kind} has "
            f"from_logits=True and will apply a {activation} again. Use from_logits=False "
            f"(the default), or make the head linear (output_activation=None).")
    if not probability_head and not from_logits:
        raise ValueError(
            f"A linear head outputs logits (any real number), but {kind} has "
            f"from_logits=False and expects probabilities. Pass from_logits=True.")
    if kind.startswith("Binary") and activation == "softmax":
        raise ValueError(f"{kind} is for one sigmoid channel. With a softmax head use "
                         "SparseCategoricalCrossentropy (class ids) or "
                         "CategoricalCrossentropy (one-hot masks).")
    if not kind.startswith("Binary") and num_classes == 1:
        raise ValueError(f"{kind} needs one channel per class (num_classes >= 2). For a "
                         "binary mask with one channel use BinaryCrossentropy.")
    if not kind.startswith("Binary") and activation == "sigmoid":
        raise ValueError(f"{kind} expects the classes to compete: use a softmax head, or a "
                         "linear head with from_logits=True.")


def check_head_and_loss(output_activation, loss, num_classes=1):
    """Raise a ValueError when ``loss`` does not fit a head with ``output_activation``.

    ``output_activation``: 'sigmoid', 'softmax' or 'linear' / None; ``loss``: a Keras loss object
    such as ``keras.losses.BinaryCrossentropy(from_logits=True)``.
    """
    check_output_activation(output_activation, num_classes)
    activation = activation_name(output_activation)
    if not isinstance(loss, keras.losses.Loss):
        raise ValueError(f"Pass a Keras loss object, e.g. keras.losses.BinaryCrossentropy(), "
                         f"not {loss!r}.")
    kind = type(loss).__name__
    if kind in CROSS_ENTROPIES:
        _check_cross_entropy(activation, kind, loss.get_config().get("from_logits", False),
                             num_classes)
    elif kind == "Dice" and activation == "linear":
        raise ValueError("Dice measures overlap of probabilities in [0, 1]; a linear head "
                         "outputs logits. Use a sigmoid (or softmax) head with Dice.")


def describe_head_and_loss(output_activation, loss, num_classes=1):
    """One line that says what a head and its loss compare, after ``check_head_and_loss``.

    >>> describe_head_and_loss("sigmoid", keras.losses.BinaryCrossentropy())
    'sigmoid head + BinaryCrossentropy(from_logits=False): probabilities vs a 0/1 mask'
    """
    check_head_and_loss(output_activation, loss, num_classes)
    activation, kind = activation_name(output_activation), type(loss).__name__
    if kind in CROSS_ENTROPIES:
        from_logits = loss.get_config().get("from_logits", False)
        given = "logits" if from_logits else "probabilities"
        return f"{activation} head + {kind}(from_logits={from_logits}): {given} vs {_target_of(kind)}"
    if kind == "Dice":
        return f"{activation} head + Dice: probabilities vs a 0/1 (or one-hot) mask"
    if kind in REGRESSION_LOSSES:
        if activation != "linear":
            return (f"{activation} head + {kind}: only for targets inside [0, 1]; for "
                    "unbounded targets use a linear head")
        return f"linear head + {kind}: regression of real values"
    return f"{activation} head + {kind}: not a pairing this check knows; check it by hand"
