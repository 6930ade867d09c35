"""Dense regression with a U-Net: a linear head, scaled targets, and errors measured in pixels.

- ``TargetScaler``: standardise the targets for training (mean 0, spread 1) and undo it for
  predictions, so the network's outputs start on the right scale
- ``compile_regression``: Adam, a regression loss and MAE; refuses a sigmoid head for targets
  outside [0, 1]
- ``sigmoid_floor``: the smallest MSE and MAE that any output inside [0, 1] can reach
- ``error_by_target``: the mean absolute error in bins of the true value
- ``show_error_maps``: image, truth, prediction and absolute error, with colour bars
"""

import keras
import matplotlib.pyplot as plt
import numpy as np

from .checks import check_output_activation
from .heads import _REGRESSION, check_head_and_loss

__all__ = ["TargetScaler", "compile_regression", "sigmoid_floor", "error_by_target",
           "show_error_maps"]

_LOSSES = {"mse": keras.losses.MeanSquaredError, "mae": keras.losses.MeanAbsoluteError,
           "huber": keras.losses.Huber}


class TargetScaler:
    """Standardise regression targets: ``scale(y) = (y - mean) / std``; ``unscale`` undoes it.

    A freshly built network outputs values close to 0 (within about ±1). Targets in the tens
    (distances in pixels) would make the first steps spend themselves on moving that scale;
    scaled targets let training go straight to the shapes. Fit on the training targets only.
    Works on arrays of any shape, e.g. ``(N, H, W, 1) -> (N, H, W, 1)`` float32.
    """

    def __init__(self, mean, std):
        if not np.isfinite(mean) or not np.isfinite(std) or std <= 0:
            raise ValueError(f"TargetScaler needs a finite mean and a positive std, got "
                             f"mean={mean!r}, std={std!r}. Use TargetScaler.fit(train_targets).")
        self.mean = float(mean)
        self.std = float(std)

    @classmethod
    def fit(cls, targets):
        """The scaler whose ``scale`` gives ``targets`` mean 0 and standard deviation 1."""
        targets = np.asarray(targets, dtype=np.float64)
        if targets.size == 0 or not np.all(np.isfinite(targets)):
            raise ValueError("The targets are empty or hold NaN/inf: clean them before fitting "
                             "a TargetScaler.")
        std = float(np.std(targets))
        if std == 0:
            raise ValueError(f"All targets equal {float(targets.flat[0])}: there is nothing to "
                             "regress. Check that you passed the targets, not a mask of one "
                             "value.")
        return cls(float(np.mean(targets)), std)

    def scale(self, targets):
        """Targets in their own units -> scaled values for training (same shape, float32)."""
        return ((np.asarray(targets, dtype=np.float64) - self.mean) / self.std).astype("float32")

    def unscale(self, outputs):
        """Network outputs (scaled) -> values in the targets' own units (same shape, float32)."""
        return (np.asarray(outputs, dtype=np.float64) * self.std + self.mean).astype("float32")

    def __repr__(self):
        return f"TargetScaler(mean={self.mean:.4g}, std={self.std:.4g})"


def _head_activation(model):
    """The activation of the model's last layer: 'sigmoid', 'softmax' or 'linear'."""
    activation = getattr(model.layers[-1], "activation", None)
    name = getattr(activation, "__name__", None)
    if name not in ("sigmoid", "softmax", "linear"):
        raise ValueError(f"Cannot tell the head's activation from the last layer "
                         f"{model.layers[-1].name!r}. Pass output_activation='linear' (or "
                         "'sigmoid') to compile_regression.")
    return name


def compile_regression(model, loss="mse", learning_rate=2e-3, *, targets=None,
                       output_activation=None, steps_per_execution=1):
    """Compile a U-Net for dense regression: Adam, ``loss`` and a mean-absolute-error metric.

    ``loss``: 'mse', 'mae', 'huber' or a Keras regression loss object. The head is read from
    the model's last layer (or given as ``output_activation``). A linear head takes any
    targets; a sigmoid head outputs values in (0, 1), so it needs ``targets`` to check that
    they lie inside [0, 1], and is refused otherwise. ``steps_per_execution`` > 1 runs that
    many training steps per call into TensorFlow. Returns the model.
    """
    if isinstance(loss, str):
        if loss.lower() not in _LOSSES:
            raise ValueError(f"Unknown regression loss {loss!r}: use 'mse', 'mae' or 'huber' "
                             "(or a keras.losses object such as keras.losses.Huber(delta=2.0)).")
        loss = _LOSSES[loss.lower()]()
    if not isinstance(loss, keras.losses.Loss) or type(loss).__name__ not in _REGRESSION:
        raise ValueError(f"{type(loss).__name__} is not a regression loss. Use 'mse', 'mae' or "
                         "'huber'; for masks of classes, compile with a cross-entropy instead.")
    activation = (_head_activation(model) if output_activation is None
                  else check_output_activation(output_activation, 1))
    check_head_and_loss(activation, loss)
    if activation != "linear":
        if targets is None:
            raise ValueError(f"A {activation} head only outputs values in (0, 1). Pass "
                             "targets=... so their range can be checked, or build the model "
                             "with output_activation='linear' for unbounded targets.")
        low, high = float(np.min(targets)), float(np.max(targets))
        if low < 0.0 or high > 1.0:
            raise ValueError(f"A {activation} head only outputs values in (0, 1), but the "
                             f"targets range from {low:.4g} to {high:.4g}. Build the model with "
                             "output_activation='linear' (or None), or rescale the targets into "
                             "[0, 1] first.")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss,
                  metrics=[keras.metrics.MeanAbsoluteError(name="mae")],
                  steps_per_execution=steps_per_execution)
    return model


def sigmoid_floor(targets, low=0.0, high=1.0):
    """The best any output limited to ``[low, high]`` can do on ``targets``.

    The closest such output to each target is the target clipped into the interval, so the
    errors of that clipped copy are a floor no trained sigmoid head can go below. Returns a
    dict: ``mse``, ``mae`` and ``outside`` (the share of targets outside the interval).
    """
    if not low < high:
        raise ValueError(f"Need low < high, got low={low}, high={high}. A sigmoid head gives "
                         "low=0.0, high=1.0.")
    targets = np.asarray(targets, dtype=np.float64)
    gap = targets - np.clip(targets, low, high)
    return {"mse": float(np.mean(gap ** 2)), "mae": float(np.mean(np.abs(gap))),
            "outside": float(np.mean(gap != 0))}


def error_by_target(targets, predictions, edges):
    """Mean absolute error in bins of the true value: where do the errors live?

    ``targets`` and ``predictions``: arrays of one shape, e.g. ``(N, H, W, 1)``; ``edges``:
    increasing bin edges, bins are ``[edges[i], edges[i + 1])``; every target must fall in one
    (use ``-np.inf`` / ``np.inf`` as outer edges). Returns a dict of arrays with one value per
    bin: ``counts`` (pixels) and ``mae`` (NaN for an empty bin).
    """
    targets = np.asarray(targets, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    if targets.shape != predictions.shape:
        raise ValueError(f"targets {targets.shape} and predictions {predictions.shape} must have "
                         "the same shape: predict on the same images, unscaled.")
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must be at least two increasing numbers, got {edges.tolist()}.")
    if targets.min() < edges[0] or targets.max() >= edges[-1]:
        raise ValueError(f"Targets range from {targets.min():.4g} to {targets.max():.4g}, outside "
                         f"the edges [{edges[0]:.4g}, {edges[-1]:.4g}). Widen the edges, e.g. "
                         "with -np.inf and np.inf at the ends.")
    bins = np.digitize(targets.ravel(), edges) - 1                 # bin index of each pixel
    errors = np.abs(predictions - targets).ravel()
    counts = np.bincount(bins, minlength=len(edges) - 1)
    sums = np.bincount(bins, weights=errors, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return {"counts": counts, "mae": mae}


def show_error_maps(images, targets, predictions, n=2, edge_level=0.0, unit="px"):
    """One row per example: image, true target, prediction, absolute error, with colour bars.

    ``images``, ``targets``, ``predictions``: ``(N, H, W, 1)`` (targets and predictions in the
    same units). Truth and prediction share one colour scale; the white line marks where the
    true target equals ``edge_level`` (for a signed distance: the cell edges).
    """
    n = min(n, len(images))
    fig, axes = plt.subplots(n, 4, figsize=(12, 2.6 * n), dpi=100, squeeze=False)
    for row in range(n):
        truth = np.asarray(targets[row]).squeeze()
        guess = np.asarray(predictions[row]).squeeze()
        low, high = float(truth.min()), float(truth.max())
        panels = [(np.asarray(images[row]).squeeze(), "gray", 0.0, 1.0, "image"),
                  (truth, "viridis", low, high, f"true target ({unit})"),
                  (guess, "viridis", low, high, f"prediction ({unit})"),
                  (np.abs(guess - truth), "magma", 0.0, None, f"|error| ({unit})")]
        for ax, (data, cmap, vmin, vmax, title) in zip(axes[row], panels):
            shown = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax)
            if low < edge_level < high:                             # the line exists
                ax.contour(truth, levels=[edge_level], colors="white", linewidths=0.7)
            ax.set_axis_off()
            ax.set_title(title, fontsize=9)
            if cmap != "gray":
                fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03)
    fig.tight_layout()
    return fig
