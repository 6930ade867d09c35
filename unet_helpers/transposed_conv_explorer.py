"""The transposed-convolution explorer: kernel, stride and padding -> output size, overlap, spread.

Move the kernel size, the stride, the padding or the input pixel of one ``Conv2DTranspose`` and
see three things change together: the output size, how many kernel taps land on each output
pixel (even or uneven: the checkerboard risk), and where a single input pixel spreads.

- ``transposed_conv_report``: the numbers for one setting (a dict; tests call it);
- ``format_transposed_conv``: that report as one readout line;
- ``draw_transposed_conv``: the figure (input, one-pixel spread, overlap map);
- ``show_transposed_conv``: prints the line and shows the figure, for a static notebook cell;
- ``transposed_conv_explorer``: the same, live, under sliders (``explorer_layout``).

The maps come from real ``Conv2DTranspose`` layers (``transposed_conv``), cached per setting.
"""

import functools

import numpy as np

from .checks import check_padding, check_whole_number
from .transposed_conv import (overlap_counts, overlap_kind, spread_one_pixel, taps_per_phase,
                              transposed_output_size)

__all__ = ["transposed_conv_report", "format_transposed_conv", "draw_transposed_conv",
           "show_transposed_conv", "transposed_conv_explorer"]

KERNELS = (1, 6)   # the sliders' ranges
STRIDES = (1, 4)


def _check(kernel_size, strides, input_size, padding, row, col):
    check_whole_number(kernel_size, "kernel_size", 1, "e.g. 3")
    check_whole_number(strides, "strides", 1, "e.g. 2")
    check_whole_number(input_size, "input_size", 1, "e.g. 4")
    check_padding(padding)
    for name, value in (("row", row), ("col", col)):
        check_whole_number(value, name, 0, f"0 to {input_size - 1}")
        if value >= input_size:
            raise ValueError(f"{name} must be an input pixel, 0 to {input_size - 1} for a "
                             f"{input_size}×{input_size} input; got {value}.")


@functools.lru_cache(maxsize=512)
def _maps(kernel_size, strides, input_size, padding, row, col):
    """(overlap counts, one-pixel input, its spread, kernel) from real layers, read-only."""
    counts = overlap_counts(kernel_size, strides, input_size, padding)
    inputs, spread, kernel = spread_one_pixel(kernel_size, strides, input_size, (row, col),
                                              padding)
    for array in (counts, inputs, spread, kernel):
        array.flags.writeable = False
    return counts, inputs, spread, kernel


def _span(mask, axis):
    """(first, last) index along ``axis`` where a 2-D boolean mask has a True. A pixel always
    reaches some output pixel: 'same' padding crops k - s rows and columns in all (none when
    k <= s), never a whole k-tap copy."""
    hits = np.flatnonzero(mask.any(axis=axis))
    return int(hits[0]), int(hits[-1])


def transposed_conv_report(kernel_size=3, strides=2, input_size=4, padding="same", row=1, col=2):
    """Everything the explorer shows for one ``Conv2DTranspose(1, kernel_size, strides,
    padding)`` on an ``input_size`` × ``input_size`` input, as data.

    Returns a dict with the arguments and
    ``output_size`` (the formula, ``transposed_output_size``), ``counts`` ``(out, out)``
    (kernel taps per output pixel, all inputs and weights 1), ``taps_min``/``taps_max``,
    ``phases`` (taps per phase along one axis, ``taps_per_phase``) and ``overlap``
    ('even', 'uneven' or 'holes'), ``inputs`` ``(n, n)`` (a single 1 at ``(row, col)``),
    ``spread`` ``(out, out)`` (that pixel's output: the kernel's taps numbered 1..k², 0 where
    it does not reach), ``reached`` (how many output pixels it reaches) and ``rows``/``cols``
    (their first and last index).
    """
    _check(kernel_size, strides, input_size, padding, row, col)
    counts, inputs, spread, kernel = _maps(kernel_size, strides, input_size, padding, row, col)
    phases = taps_per_phase(kernel_size, strides)
    overlap = overlap_kind(kernel_size, strides)
    reached = spread > 0
    return {"kernel_size": kernel_size, "strides": strides, "input_size": input_size,
            "padding": padding, "pixel": (row, col),
            "output_size": transposed_output_size(input_size, kernel_size, strides, padding),
            "counts": counts, "taps_min": int(counts.min()), "taps_max": int(counts.max()),
            "phases": phases, "overlap": overlap, "inputs": inputs, "spread": spread,
            "kernel": kernel, "reached": int(reached.sum()),
            "rows": _span(reached, 1), "cols": _span(reached, 0)}


_VERDICTS = {"even": "even: no checkerboard from overlap",
             "uneven": "uneven: checkerboard risk",
             "holes": "holes: some pixels get no tap"}


def format_transposed_conv(report):
    """One readout line, e.g. ``kernel 3, stride 2, same: 4×4 -> 8×8; taps per output pixel
    1 to 4 (phases [2, 1], uneven: checkerboard risk); pixel (1, 2) reaches 3×3 output pixels
    (rows 2–4, cols 4–6)``."""
    n, out = report["input_size"], report["output_size"]
    line = (f"kernel {report['kernel_size']}, stride {report['strides']}, {report['padding']}: "
            f"{n}×{n} -> {out}×{out}; taps per output pixel {report['taps_min']} to "
            f"{report['taps_max']} (phases {report['phases']}, {_VERDICTS[report['overlap']]}); "
            f"pixel {report['pixel']} ")
    (top, bottom), (left, right) = report["rows"], report["cols"]
    return line + (f"reaches {bottom - top + 1}×{right - left + 1} output pixels "
                   f"(rows {top}–{bottom}, cols {left}–{right})")


def _write_values(ax, values, vmax, skip_zeros=False, limit=12):
    """Write each value into its pixel (maps up to ``limit`` pixels a side)."""
    if max(values.shape) > limit:
        return
    size = 7 if max(values.shape) <= 10 else 6
    for (r, c), value in np.ndenumerate(values):
        if value == 0 and skip_zeros:
            continue
        ax.text(c, r, str(value), ha="center", va="center", fontsize=size,
                color="white" if value < 0.6 * vmax else "black", in_layout=False)


def _grid_axes(ax, title, what, size):
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(f"{what} column", fontsize=8)
    ax.set_ylabel(f"{what} row", fontsize=8)
    ticks = range(0, size, max(1, size // 4))
    ax.set_xticks(list(ticks))
    ax.set_yticks(list(ticks))
    ax.tick_params(labelsize=7)


def draw_transposed_conv(report):
    """The explorer's figure for one report: the input with its one lit pixel, where that pixel
    spreads (magma: the kernel's taps 1..k²), and the overlap map (viridis: taps per output
    pixel) with the spread outlined. A ``Figure`` (``new_figure``), not drawn by pyplot."""
    from matplotlib import patheffects
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import MaxNLocator

    from .explorer_layout import new_figure

    n, out = report["input_size"], report["output_size"]
    k2 = report["kernel_size"] ** 2
    figure = new_figure(10.5, 4.0)
    ax_in, ax_spread, ax_counts = figure.subplots(1, 3, width_ratios=[0.8, 1.2, 1.2])

    ax_in.imshow(report["inputs"], cmap="gray", vmin=0, vmax=1)
    _grid_axes(ax_in, f"input {n}×{n}: pixel {report['pixel']} is 1", "input", n)

    image = ax_spread.imshow(report["spread"], cmap="magma", vmin=0, vmax=k2)
    _write_values(ax_spread, report["spread"], k2, skip_zeros=True)
    _grid_axes(ax_spread, f"its spread: {report['reached']} output pixels", "output", out)
    figure.colorbar(image, ax=ax_spread, shrink=0.85, label="kernel tap (0 = not reached)",
                    ticks=MaxNLocator(integer=True))

    counts = report["counts"]
    vmax = max(report["taps_max"], 1)
    image = ax_counts.imshow(counts, cmap="viridis", vmin=0, vmax=vmax)
    _write_values(ax_counts, counts, vmax)
    _grid_axes(ax_counts, f"overlap ({report['overlap']}): taps per pixel", "output", out)
    figure.colorbar(image, ax=ax_counts, shrink=0.85, label="kernel taps on this pixel",
                    ticks=MaxNLocator(integer=True))
    (top, bottom), (left, right) = report["rows"], report["cols"]
    outline = Rectangle((left - 0.5, top - 0.5), right - left + 1, bottom - top + 1,
                        fill=False, edgecolor="white", linewidth=1.8, linestyle="--")
    outline.set_path_effects([patheffects.withStroke(linewidth=3.2, foreground="black")])
    ax_counts.add_patch(outline)
    figure.suptitle(f"Conv2DTranspose: kernel {report['kernel_size']}, stride "
                    f"{report['strides']}, padding '{report['padding']}' (dashed: the spread)",
                    fontsize=10)
    return figure


def show_transposed_conv(kernel_size=3, strides=2, input_size=4, padding="same", row=1, col=2):
    """Print the readout line and show the figure for one setting (a static notebook cell).
    Returns the report."""
    from .explorer_layout import show_figure

    report = transposed_conv_report(kernel_size, strides, input_size, padding, row, col)
    print(format_transposed_conv(report))
    show_figure(draw_transposed_conv(report))
    return report


def transposed_conv_explorer(kernel_size=3, strides=2, padding="same", row=1, col=2,
                             input_size=4):
    """Sliders for kernel size (1–6), stride (1–4), the input pixel's row and column, and a
    padding dropdown; the readout and the figure follow. Returns the explorer's box."""
    import ipywidgets as widgets

    from .explorer_layout import make_explorer

    _check(kernel_size, strides, input_size, padding, row, col)
    style = {"description_width": "initial"}

    def slider(value, low, high, description):
        return widgets.IntSlider(value=value, min=low, max=high, description=description,
                                 continuous_update=False, style=style,
                                 layout=widgets.Layout(width="190px"))

    controls = {
        "kernel_size": slider(kernel_size, *KERNELS, "kernel"),
        "strides": slider(strides, *STRIDES, "stride"),
        "padding": widgets.Dropdown(options=["same", "valid"], value=padding,
                                    description="padding", style=style,
                                    layout=widgets.Layout(width="150px")),
        "row": slider(row, 0, input_size - 1, "row"),
        "col": slider(col, 0, input_size - 1, "col"),
    }

    def draw(kernel_size, strides, padding, row, col):
        report = transposed_conv_report(kernel_size, strides, input_size, padding, row, col)
        return format_transposed_conv(report), draw_transposed_conv(report)

    box = make_explorer(draw, controls)
    box.children[0].layout.flex_flow = "row wrap"  # narrow screens: the controls wrap
    return box
