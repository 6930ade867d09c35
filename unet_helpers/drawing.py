"""Draw the U: one box per block, its shape written on it, arrows for pooling, upsampling and skips.

The drawing is computed from the formulas (``formula_trace``), so it works for any input size,
depth and base filters without building a model.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Rectangle

from .checks import check_depth_and_filters, check_input_shape
from .formulas import formula_trace

__all__ = ["draw_unet"]

_COLOURS = {"encoder": "#3b528b", "bridge": "#440154", "decoder": "#21918c",
            "input": "#777777", "head": "#5ec962"}


def _shape_label(shape):
    return f"{shape[0]}×{shape[1]}×{shape[2]}"


def draw_unet(input_shape=(512, 512, 3), *, base_filters=64, depth=4, num_classes=1,
              padding="same", ax=None):
    """Draw a U-Net's blocks as a U with each block's output shape. Returns the Axes.

    Left column going down: the encoders (their skip outputs). Bottom: the bridge.
    Right column going up: the decoders. Dashed arrows: skip connections.
    ``padding="valid"`` draws the paper's unpadded network (e.g. 572 -> 388).
    """
    check_depth_and_filters(depth, base_filters)
    check_input_shape(input_shape, depth, padding)
    rows = {name: shape for name, shape, _ in
            formula_trace(input_shape, base_filters=base_filters, depth=depth,
                          num_classes=num_classes, padding=padding)}
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 1.0 + 0.9 * (depth + 1)), dpi=100)
    box_w, box_h = 2.6, 0.6

    def box(x, y, text, kind):
        ax.add_patch(Rectangle((x - box_w / 2, y - box_h / 2), box_w, box_h,
                               facecolor=_COLOURS[kind], edgecolor="black", alpha=0.9))
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
