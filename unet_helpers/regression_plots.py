"""Pictures of a dense regression: truth, prediction and the absolute error, with colour bars."""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["show_error_maps"]


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
