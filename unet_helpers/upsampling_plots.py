"""Pictures of overlapping kernel taps: how many land on each output pixel of an upsampler."""

import matplotlib.pyplot as plt
import numpy as np


__all__ = ["show_overlap_map"]


def show_overlap_map(counts, ax=None, title="", vmax=None):
    """Draw an integer map as a heat map (viridis) with each value written in its pixel (for
    maps up to 16 x 16). Returns the axes."""
    counts = np.asarray(counts)
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3), dpi=100)
    vmax = vmax if vmax is not None else max(int(counts.max()), 1)
    ax.imshow(counts, cmap="viridis", vmin=0, vmax=vmax)
    if max(counts.shape) <= 16:
        for (row, col), value in np.ndenumerate(counts):
            ax.text(col, row, str(value), ha="center", va="center", fontsize=7,
                    color="white" if value < 0.6 * vmax else "black")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("output column", fontsize=8)
    ax.set_ylabel("output row", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
