"""The shape explorer: move a control, watch the U, its parameters and its memory change.

It comes in layers, so tests, static cells and the widget call the same code:

- ``shape_report``: the numbers for one setting (a dict; tests call it), with
  ``nearest_sizes`` for a size that does not work;
- ``format_shape_report`` and ``shape_figure``: the readout line and the figure for a report;
- ``show_shape_report``: prints the line and the shape table and shows the figure, for a
  static notebook cell;
- ``shape_explorer``: the same, live, under core ipywidgets controls that work on ipywidgets
  7.7 (Colab) and 8 (``explorer_layout.make_explorer``).

Everything comes from the formulas (``formulas``, ``unpadded``,
``memory.unet_training_memory_bytes``): no model is built, so any size redraws at once.
ipywidgets and matplotlib are imported only when a widget or a figure is made.
"""

from .checks import (check_padding, check_positive_int, check_unet_arguments,
                     check_whole_number, nearby_valid_sizes)
from .formulas import formula_trace
from .memory import format_bytes, unet_training_memory_bytes
from .trace import format_trace
from .unpadded import nearby_unpadded_sizes

__all__ = ["BATCH_SIZES", "nearest_sizes", "shape_report", "format_shape_report",
           "shape_figure", "show_shape_report", "shape_explorer"]

BATCH_SIZES = (1, 2, 4, 8, 16)   # the batch-size slider's stops; the series trains with 8


def nearest_sizes(size, depth, padding="same"):
    """The input sizes closest to ``size`` (below, above) that ``build_unet`` takes.

    ``padding="same"``: multiples of ``2**depth``; ``"valid"``: the unpadded network's sizes
    (``unpadded.nearby_unpadded_sizes``). One size when only one side has any, ``(size,)`` when
    ``size`` works.

    >>> nearest_sizes(100, 4), nearest_sizes(100, 4, "valid")
    ((96, 112), (188,))
    """
    check_whole_number(size, "size", 1, "e.g. 128")
    check_positive_int(depth, "depth", "the reference uses 4")
    check_padding(padding)
    if padding == "valid":
        below, above = nearby_unpadded_sizes(size, depth)
    else:
        below, above = nearby_valid_sizes(size, depth)
    return tuple(sorted({s for s in (below, above) if s is not None}))


def shape_report(size=128, depth=4, base_filters=64, channels=3, num_classes=1, *,
                 padding="same", batch_size=8):
    """Everything the shape explorer shows for one setting, as data (formulas, no model).

    The input is ``(size, size, channels)``; ``padding="valid"`` is the paper's unpadded
    network (BatchNorm kept, as ``build_unet(padding="valid")`` builds it). Returns a dict
    with the setting's arguments and: ``ok`` (does ``build_unet`` take this size?),
    ``message`` (its error text when not), ``nearest`` (``nearest_sizes``, ``()`` when ok),
    ``rows`` (the formula trace), ``table`` (plain text), ``parameters`` (the total),
    ``output_shape`` (``(H, W, num_classes)``) and ``memory`` (``unet_training_memory_bytes``
    at ``batch_size`` in float32). The last five are empty, 0 or None when the size fails.
    """
    check_whole_number(size, "size", 1, "e.g. 128")
    check_positive_int(depth, "depth", "the reference uses 4")
    check_positive_int(base_filters, "base_filters", "the reference starts at 64")
    check_positive_int(channels, "channels", "1 for grayscale, 3 for RGB")
    check_positive_int(num_classes, "num_classes", "1 for a binary mask")
    check_positive_int(batch_size, "batch_size", "the series trains with 8")
    check_padding(padding)
    report = {"size": size, "depth": depth, "base_filters": base_filters, "channels": channels,
              "num_classes": num_classes, "padding": padding, "batch_size": batch_size,
              "ok": True, "message": "", "nearest": (), "rows": [], "table": "",
              "parameters": 0, "output_shape": None, "memory": None}
    input_shape = (size, size, channels)
    try:
        check_unet_arguments(input_shape, depth, base_filters, padding)
    except ValueError as error:
        report.update(ok=False, message=str(error), nearest=nearest_sizes(size, depth, padding))
        return report
    options = {"base_filters": base_filters, "depth": depth, "num_classes": num_classes,
               "padding": padding}
    rows = formula_trace(input_shape, **options)
    report.update(rows=rows, table=format_trace(rows), output_shape=rows[-1][1],
                  parameters=sum(params for _, _, params in rows),
                  memory=unet_training_memory_bytes(input_shape, batch_size, **options))
    return report


def format_shape_report(report):
    """The explorer's readout line for a ``shape_report``, e.g.

    ``'1,946,705 parameters; 128×128×1 → 128×128×1; training at batch 8: about 262 MiB
    (float32)'`` or ``'size 100 does not work with depth 4 and same padding; nearest sizes
    that work: 96 and 112'``.
    """
    if not report["ok"]:
        sizes = report["nearest"]
        nearest = (f"nearest sizes that work: {sizes[0]} and {sizes[1]}" if len(sizes) == 2
                   else f"nearest size that works: {sizes[0]}")
        return (f"size {report['size']} does not work with depth {report['depth']} and "
                f"{report['padding']} padding; {nearest}")
    size, channels = report["size"], report["channels"]
    height, width, classes = report["output_shape"]
    return (f"{report['parameters']:,} parameters; {size}×{size}×{channels} → "
            f"{height}×{width}×{classes}; training at batch {report['batch_size']}: about "
            f"{format_bytes(report['memory']['total'])} (float32)")


def shape_figure(report):
    """The U (``network_plots.draw_unet``) beside the training memory for each batch size.

    A matplotlib ``Figure`` (not pyplot). For a size that does not work, both are drawn for
    the closest size that does (the lower one on a tie), and the title says so.
    """
    from .explorer_layout import new_figure
    from .network_plots import draw_unet

    drawn = report
    if not report["ok"]:
        settings = {key: report[key] for key in ("depth", "base_filters", "channels",
                                                 "num_classes", "padding", "batch_size")}
        closest = min(report["nearest"], key=lambda size: abs(size - report["size"]))
        drawn = shape_report(closest, **settings)
    size, channels, depth = drawn["size"], drawn["channels"], drawn["depth"]
    figure = new_figure(10.0, 1.3 + 0.9 * (depth + 1))
    u_axes, memory_axes = figure.subplots(1, 2, width_ratios=(3, 1))
    draw_unet((size, size, channels), base_filters=drawn["base_filters"], depth=depth,
              num_classes=drawn["num_classes"], padding=drawn["padding"], ax=u_axes)
    title = (f"U-Net, depth {depth}, base filters {drawn['base_filters']}, "
             f"{drawn['padding']} padding, input {size}×{size}×{channels}")
    if not report["ok"]:
        title = (f"{report['size']} does not work with {report['padding']} padding: drawn for "
                 f"{size}, the closest size that does")
    u_axes.set_title(title, fontsize=10)
    _draw_memory(memory_axes, drawn)
    return figure


def _draw_memory(ax, report):
    """Stacked bars: training memory per batch size, the chosen one outlined and labelled."""
    import numpy as np
    from matplotlib import colormaps

    batches = sorted(set(BATCH_SIZES) | {report["batch_size"]})
    options = {key: report[key] for key in ("base_filters", "depth", "num_classes", "padding")}
    shape = (report["size"], report["size"], report["channels"])
    memory = [unet_training_memory_bytes(shape, batch, **options) for batch in batches]
    activations = np.array([m["activations"] for m in memory], dtype=float)
    fixed = np.array([m["weights"] + m["optimizer_and_gradients"] for m in memory], dtype=float)
    unit, scale = ("GiB", 2**30) if max(m["total"] for m in memory) >= 2**30 else ("MiB", 2**20)
    rows = np.arange(len(batches))
    chosen = batches.index(report["batch_size"])
    edges = ["black" if row == chosen else "none" for row in rows]
    ax.barh(rows, fixed / scale, color=colormaps["viridis"](0.8), edgecolor=edges,
            label="weights, gradients, Adam")
    ax.barh(rows, activations / scale, left=fixed / scale, color=colormaps["viridis"](0.15),
            edgecolor=edges, label="activations")
    ax.text((fixed + activations)[chosen] / scale, chosen,
            " " + format_bytes(memory[chosen]["total"]), va="center", fontsize=8)
    ax.set_yticks(rows, [str(batch) for batch in batches])
    ax.invert_yaxis()
    ax.set_xlim(0, (fixed + activations).max() / scale * 1.5)
    ax.set_ylabel("batch size")
    ax.set_xlabel(f"{unit} (float32)")
    ax.set_title("training memory", fontsize=10)
    ax.figure.legend(loc="outside lower right", ncols=2, fontsize=8, frameon=False)


def show_shape_report(size=128, depth=4, base_filters=64, channels=3, num_classes=1, *,
                      padding="same", batch_size=8):
    """Print the readout line and the shape table (or why the size does not work) and show
    the figure, for one setting: the explorer's view, as a static cell. Returns the report."""
    from .explorer_layout import show_figure

    report = shape_report(size, depth, base_filters, channels, num_classes,
                          padding=padding, batch_size=batch_size)
    print(format_shape_report(report) + "\n")
    print(report["table"] if report["ok"] else report["message"])
    show_figure(shape_figure(report))
    return report


def shape_explorer(size=128, depth=4, base_filters=64, channels=3, padding="same",
                   batch_size=8):
    """Controls for size, depth, base filters, channels, padding and batch size; the readout
    (parameters, output shape, training memory, or the nearest sizes that work) and the
    figure (``shape_figure``) follow them."""
    import ipywidgets as widgets

    from .explorer_layout import make_explorer

    shape_report(size, depth, base_filters, channels, padding=padding, batch_size=batch_size)
    if batch_size not in BATCH_SIZES:
        raise ValueError(f"batch_size must be one of the slider's stops {BATCH_SIZES}, got "
                         f"{batch_size!r}.")
    controls = {
        "size": widgets.IntSlider(value=size, min=16, max=1024, step=4, description="size",
                                  continuous_update=False),
        "depth": widgets.IntSlider(value=depth, min=1, max=6, description="depth",
                                   continuous_update=False),
        "base_filters": widgets.Dropdown(options=[8, 16, 32, 64, 128], value=base_filters,
                                         description="filters"),
        "channels": widgets.Dropdown(options=[1, 3], value=channels, description="channels"),
        "padding": widgets.ToggleButtons(options=["same", "valid"], value=padding,
                                         description="padding"),
        "batch_size": widgets.SelectionSlider(options=list(BATCH_SIZES), value=batch_size,
                                              description="batch", continuous_update=False),
    }

    def draw(**values):
        report = shape_report(**values)
        return format_shape_report(report), shape_figure(report)

    explorer = make_explorer(draw, controls)
    explorer.children[0].layout.flex_flow = "row wrap"   # six controls: wrap on narrow screens
    return explorer
