"""Pictures of the network itself: the U with each block's shape, where the parameters live,
and what a block's feature maps look like.

``draw_unet`` is computed from the formulas (``formulas.formula_trace``), so it works for any
input size, depth and base filters without building a model.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from .checks import check_unet_arguments
from .colours import BLOCK_COLOURS, block_colour
from .formulas import formula_trace

__all__ = ["draw_unet", "plot_block_parameters", "show_feature_maps"]


def _shape_label(shape):
    return f"{shape[0]}×{shape[1]}×{shape[2]}"


def draw_unet(input_shape=(512, 512, 3), *, base_filters=64, depth=4, num_classes=1,
              padding="same", ax=None):
    """Draw a U-Net's blocks as a U with each block's output shape. Returns the Axes.

    Left column going down: the encoders (their skip outputs). Bottom: the bridge.
    Right column going up: the decoders. Dashed arrows: skip connections.
    ``padding="valid"`` draws the paper's unpadded network (e.g. 572 -> 388).
    """
    check_unet_arguments(input_shape, depth, base_filters, padding)
    rows = {name: shape for name, shape, _ in
            formula_trace(input_shape, base_filters=base_filters, depth=depth,
                          num_classes=num_classes, padding=padding)}
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 1.0 + 0.9 * (depth + 1)), dpi=100)
    box_w, box_h = 2.6, 0.6

    def box(x, y, text, kind):
        ax.add_patch(Rectangle((x - box_w / 2, y - box_h / 2), box_w, box_h,
                               facecolor=BLOCK_COLOURS[kind], edgecolor="black", alpha=0.9))
        ax.text(x, y, text, ha="center", va="center", color="white", fontsize=9)

    def arrow(start, end, label=None, style="-|>", dashed=False, colour="black"):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12,
                                     linestyle="--" if dashed else "-", color=colour))
        if label:
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            if start[1] == end[1]:  # horizontal arrow: label above the line
                ax.text(mid[0], mid[1] + 0.08, label, fontsize=8, ha="center", va="bottom",
                        color=colour)
            else:
                ax.text(mid[0] + 0.1, mid[1], label, fontsize=8, va="center", color=colour)

    left, right = 0.0, 7.0
    top = float(depth)
    box(left, top + 1, "input " + _shape_label(rows["input"]), "input")
    arrow((left, top + 1 - box_h / 2), (left, top + box_h / 2))
    for level in range(1, depth + 1):
        y = top - (level - 1)
        box(left, y, f"enc {level}: " + _shape_label(rows[f"encoder {level} skip"]), "encoder")
        box(right, y, f"dec {level}: " + _shape_label(rows[f"decoder {level}"]), "decoder")
        arrow((left + box_w / 2, y), (right - box_w / 2, y),
              "skip (crop, concatenate)" if padding == "valid" else "skip (concatenate)",
              dashed=True, colour="#555555")
        down_to = (left, y - 1 + box_h / 2) if level < depth else (right / 2 - box_w / 2, -0.5)
        arrow((left, y - box_h / 2), down_to, "max-pool ÷2")
        if level < depth:
            arrow((right, y - 1 + box_h / 2), (right, y - box_h / 2), "up-conv ×2")
    box(right / 2, -0.5, "bridge: " + _shape_label(rows["bridge"]), "bridge")
    arrow((right / 2 + box_w / 2, -0.5), (right, top - depth + 1 - box_h / 2), "up-conv ×2")
    box(right, top + 1, "head: " + _shape_label(rows["head"]), "head")
    arrow((right, top + box_h / 2), (right, top + 1 - box_h / 2), "1×1 conv")
    ax.set_xlim(left - box_w / 2 - 0.3, right + box_w / 2 + 1.2)
    ax.set_ylim(-1.1, top + 1.5)
    ax.set_axis_off()
    size = f"{input_shape[0]}×{input_shape[1]}×{input_shape[2]}"
    ax.set_title(f"U-Net, depth {depth}, base filters {base_filters}, input {size}")
    return ax


def plot_block_parameters(params, ax=None):
    """Horizontal bars of parameters per block (``{'encoder 1': 39232, ...}``), with shares."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), dpi=100)
    names = list(params)
    values = np.array([params[name] for name in names], dtype=float)
    total = values.sum()
    colours = [block_colour(name) for name in names]
    ax.barh(names, values / 1e6, color=colours)
    for y, value in enumerate(values):
        ax.text(value / 1e6, y, f" {100 * value / total:.1f} %", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("parameters (millions)")
    ax.set_title(f"Where the {int(total):,} parameters live")
    ax.set_xlim(0, values.max() / 1e6 * 1.2)
    return ax


def show_feature_maps(maps, n=8, title="feature maps", cmap="viridis"):
    """Show the first ``n`` channels of one feature map ``(H, W, C)`` (or ``(1, H, W, C)``)."""
    maps = np.asarray(maps)
    if maps.ndim == 4:
        maps = maps[0]
    n = min(n, maps.shape[-1])
    fig, axes = plt.subplots(1, n, figsize=(1.6 * n, 1.9), dpi=100, squeeze=False)
    for channel, ax in enumerate(axes[0]):
        ax.imshow(maps[:, :, channel], cmap=cmap)
        ax.set_title(f"ch {channel}", fontsize=8)
        ax.set_axis_off()
    fig.suptitle(f"{title}: {maps.shape[0]}×{maps.shape[1]}, first {n} of {maps.shape[-1]} "
                 "channels", fontsize=10)
    fig.tight_layout()
    return fig
