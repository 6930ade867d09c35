"""Targets of a dense regression: scale them for training, and know what a bounded head can reach.

- ``TargetScaler``: standardise the targets for training (mean 0, spread 1) and undo it for
  predictions, so the network's outputs start on the right scale
- ``sigmoid_floor``: the smallest MSE and MAE that any output inside [0, 1] can reach, the
  reason a regression head is linear
"""

import numbers

import numpy as np

from .data_checks import check_finite

__all__ = ["TargetScaler", "sigmoid_floor"]


def _is_number(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and bool(np.isfinite(value)))


class TargetScaler:
    """Standardise regression targets: ``scale(y) = (y - mean) / std``; ``unscale`` undoes it.

    A freshly built network outputs values close to 0 (within about ±1). Targets in the tens
    (distances in pixels) would make the first steps spend themselves on moving that scale;
    scaled targets let training go straight to the shapes. Fit on the training targets only.
    Works on arrays of any shape, e.g. ``(N, H, W, 1) -> (N, H, W, 1)`` float32.
    """

    def __init__(self, mean, std):
        if not _is_number(mean) or not _is_number(std) or std <= 0:
            raise ValueError(f"TargetScaler needs a finite mean and a positive std, got "
                             f"mean={mean!r}, std={std!r}. Use TargetScaler.fit(train_targets).")
        self.mean = float(mean)
        self.std = float(std)

    @classmethod
    def fit(cls, targets):
        """The scaler whose ``scale`` gives ``targets`` mean 0 and standard deviation 1."""
        check_finite(targets, "targets")
        targets = np.asarray(targets, dtype=np.float64)
        std = float(np.std(targets))
        if std == 0:
            raise ValueError(f"All targets equal {float(targets.flat[0])}: there is nothing to "
                             "regress. Check that you passed the targets, not a mask of one "
                             "value.")
        return cls(float(np.mean(targets)), std)

    def scale(self, targets):
        """Targets in their own units -> scaled values for training (same shape, float32)."""
        check_finite(targets, "targets")
        return ((np.asarray(targets, dtype=np.float64) - self.mean) / self.std).astype("float32")

    def unscale(self, outputs):
        """Network outputs (scaled) -> values in the targets' own units (same shape, float32)."""
        values = np.asarray(outputs)
        if np.issubdtype(values.dtype, np.floating) and not np.all(np.isfinite(values)):
            raise ValueError("The outputs hold NaN or infinite values: the training diverged. "
                             "Retrain with a lower learning rate, on scaled targets.")
        check_finite(outputs, "outputs")
        return (np.asarray(outputs, dtype=np.float64) * self.std + self.mean).astype("float32")

    def __repr__(self):
        return f"TargetScaler(mean={self.mean:.4g}, std={self.std:.4g})"


def sigmoid_floor(targets, low=0.0, high=1.0):
    """The best any output limited to ``[low, high]`` can do on ``targets``.

    The closest such output to each target is the target clipped into the interval, so the
    errors of that clipped copy are a floor no trained sigmoid head can go below. Returns a
    dict: ``mse``, ``mae`` and ``outside`` (the share of targets outside the interval).
    """
    if not (_is_number(low) and _is_number(high) and low < high):
        raise ValueError(f"low and high must be finite numbers with low < high, got "
                         f"low={low!r}, high={high!r}. A sigmoid head gives low=0.0, high=1.0.")
    check_finite(targets, "targets")
    targets = np.asarray(targets, dtype=np.float64)
    gap = targets - np.clip(targets, low, high)
    return {"mse": float(np.mean(gap ** 2)), "mae": float(np.mean(np.abs(gap))),
            "outside": float(np.mean(gap != 0))}
