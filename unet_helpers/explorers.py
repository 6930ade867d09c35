"""Interactive explorers: move a control, watch a table or a picture change.

Each explorer comes in three layers, so tests and widgets call the same code:

- a pure function that returns data (``shape_report``; ``transposed_conv.overlap_counts``);
- a ``show_*`` function that prints and draws it for one setting (``show_shape_report``;
  ``upsampling_plots.show_overlap``);
- an ``*_explorer`` that wraps the ``show_*`` function in core ipywidgets sliders, which work
  on ipywidgets 7.7 (Colab) and 8 (``shape_explorer``, ``overlap_explorer``).

ipywidgets and pyplot are imported only when a widget or a figure is made.
"""

from .checks import check_unet_arguments
from .formulas import formula_trace
from .trace import format_trace

__all__ = ["shape_report", "show_shape_report", "shape_explorer", "overlap_explorer"]


def shape_report(size=128, depth=4, base_filters=64, channels=3, num_classes=1):
    """Everything the shape explorer shows for one setting, as data.

    Returns a dict with ``ok`` (bool), ``message`` (the error text when the size is invalid,
    the same one ``build_unet`` raises), ``rows`` (the formula trace), ``table`` (plain text)
    and ``parameters`` (the total).
    """
    input_shape = (size, size, channels)
    try:
        check_unet_arguments(input_shape, depth, base_filters)
    except ValueError as error:
        return {"ok": False, "message": str(error), "rows": [], "table": "", "parameters": 0}
    rows = formula_trace(input_shape, base_filters=base_filters, depth=depth,
                         num_classes=num_classes)
    return {"ok": True, "message": "", "rows": rows, "table": format_trace(rows),
            "parameters": sum(params for _, _, params in rows)}


def show_shape_report(size=128, depth=4, base_filters=64, channels=3):
    """Print the shape table (or the error) and draw the U for one setting."""
    import matplotlib.pyplot as plt

    from .network_plots import draw_unet

    result = shape_report(size, depth, base_filters, channels)
    if not result["ok"]:
        print("This input does not work:\n" + result["message"])
        return result
    print(f"{result['parameters']:,} parameters\n")
    print(result["table"])
    draw_unet((size, size, channels), base_filters=base_filters, depth=depth)
    plt.show()
    return result


def shape_explorer(size=128, depth=4, base_filters=64, channels=3):
    """Sliders for size, depth and base filters; the table and drawing follow them."""
    import ipywidgets as widgets

    controls = {
        "size": widgets.IntSlider(value=size, min=16, max=1024, step=4, description="size",
                                  continuous_update=False),
        "depth": widgets.IntSlider(value=depth, min=1, max=6, description="depth",
                                   continuous_update=False),
        "base_filters": widgets.Dropdown(options=[8, 16, 32, 64, 128], value=base_filters,
                                         description="filters"),
        "channels": widgets.Dropdown(options=[1, 3], value=channels, description="channels"),
    }

    def update(size, depth, base_filters, channels):
        show_shape_report(size, depth, base_filters, channels)  # returns nothing to display

    return widgets.interactive(update, **controls)


def overlap_explorer(kernel_size=3, strides=2, input_size=4):
    """Sliders for kernel size and stride; the overlap map of one ``Conv2DTranspose`` follows."""
    import ipywidgets as widgets

    from .upsampling_plots import show_overlap

    controls = {
        "kernel_size": widgets.IntSlider(value=kernel_size, min=1, max=6, description="kernel",
                                         continuous_update=False),
        "strides": widgets.IntSlider(value=strides, min=1, max=4, description="stride",
                                     continuous_update=False),
    }

    def update(kernel_size, strides):
        show_overlap(kernel_size, strides, input_size)  # returns nothing to display

    return widgets.interactive(update, **controls)
