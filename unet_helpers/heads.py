"""Does the loss fit the output head? Catch a ``from_logits`` mismatch before training.

A mismatch does not crash: training runs, just badly (a double sigmoid or softmax squashes the
gradients, a loss that expects probabilities gets raw scores). ``check_head_and_loss`` names the
problem and the fix.
"""

import keras

from .checks import check_output_activation

__all__ = ["check_head_and_loss"]

_CROSS_ENTROPIES = ("BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
                    "SparseCategoricalCrossentropy", "CategoricalFocalCrossentropy")
_REGRESSION = ("MeanSquaredError", "MeanAbsoluteError", "Huber", "LogCosh")


def check_head_and_loss(output_activation, loss, num_classes=1):
    """Raise a ValueError when ``loss`` does not fit a head with ``output_activation``.

    ``output_activation``: 'sigmoid', 'softmax' or 'linear' / None; ``loss``: a Keras loss object
    such as ``keras.losses.BinaryCrossentropy(from_logits=True)``. Returns a one-line
    description of the pairing when it fits.
    """
    activation = check_output_activation(output_activation, num_classes)
    if not isinstance(loss, keras.losses.Loss):
        raise ValueError(f"Pass a Keras loss object, e.g. keras.losses.BinaryCrossentropy(), "
                         f"not {loss!r}.")
    kind = type(loss).__name__
    from_logits = loss.get_config().get("from_logits", False)
    probability_head = activation in ("sigmoid", "softmax")

    if kind in _CROSS_ENTROPIES:
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
        target = ("a 0/1 mask" if kind.startswith("Binary") else
                  "class ids" if kind.startswith("Sparse") else "one-hot masks")
        given = "logits" if from_logits else "probabilities"
        return f"{activation} head + {kind}(from_logits={from_logits}): {given} vs {target}"
    if kind == "Dice":
        if not probability_head:
            raise ValueError("Dice measures overlap of probabilities in [0, 1]; a linear head "
                             "outputs logits. Use a sigmoid (or softmax) head with Dice.")
        return f"{activation} head + Dice: probabilities vs a 0/1 (or one-hot) mask"
    if kind in _REGRESSION:
        if probability_head:
            return (f"{activation} head + {kind}: only for targets inside [0, 1]; for "
                    "unbounded targets use a linear head")
        return f"linear head + {kind}: regression of real values"
    return f"{activation} head + {kind}: not a pairing this check knows; check it by hand"
