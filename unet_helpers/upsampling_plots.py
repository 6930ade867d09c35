"""Pictures of overlapping kernel taps: how many land on each output pixel of an upsampler."""

import matplotlib.pyplot as plt
import numpy as np

from .transposed_conv import overlap_counts, taps_per_phase

__all__ = ["show_overlap_map", "show_overlap"]


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


def show_overlap(kernel_size=3, strides=2, input_size=4):
    """Draw the overlap map of one ``Conv2DTranspose`` (padding 'same') and print the taps per
    phase; what the overlap explorer shows. Returns the counts ``(s*n, s*n)``."""
    counts = overlap_counts(kernel_size, strides, input_size)
    per_axis = taps_per_phase(kernel_size, strides)
    show_overlap_map(counts, title=f"kernel {kernel_size}, stride {strides}")
    plt.show()
    verdict = "holes (0 taps)" if min(per_axis) == 0 else (
        "even overlap" if len(set(per_axis)) == 1 else "uneven overlap")
    print(f"taps per phase along one axis: {per_axis} -> {verdict}")
    return counts
