"""The shape explorer: input size, depth and base filters -> shape table, parameters, U drawing.

``explore_unet`` is a plain function (the tests call it); ``shape_explorer`` wraps it in core
ipywidgets sliders, which work on ipywidgets 7.7 (Colab) and 8.
"""

import matplotlib.pyplot as plt

from .checks import check_depth_and_filters, check_input_shape
from .drawing import draw_unet
from .formulas import formula_trace
from .trace import format_trace

__all__ = ["explore_unet", "show_exploration", "shape_explorer"]


def explore_unet(size=128, depth=4, base_filters=64, channels=3, num_classes=1):
    """Everything the explorer shows for one setting, as data.

    Returns a dict with ``ok`` (bool), ``message`` (the error text when the size is invalid,
    the same one ``build_unet`` raises), ``rows`` (the formula trace), ``table`` (plain text)
    and ``parameters`` (the total).
    """
    input_shape = (size, size, channels)
    try:
        check_depth_and_filters(depth, base_filters)
        check_input_shape(input_shape, depth)
    except ValueError as error:
        return {"ok": False, "message": str(error), "rows": [], "table": "", "parameters": 0}
    rows = formula_trace(input_shape, base_filters=base_filters, depth=depth,
                         num_classes=num_classes)
    return {"ok": True, "message": "", "rows": rows, "table": format_trace(rows),
            "parameters": sum(params for _, _, params in rows)}


def show_exploration(size=128, depth=4, base_filters=64, channels=3):
    """Print the explorer's table (or the error) and draw the U for one setting."""
    result = explore_unet(size, depth, base_filters, channels)
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
    import ipywidgets as widgets  # imported here so the helpers work without ipywidgets

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
        show_exploration(size, depth, base_filters, channels)  # returns nothing to display

    return widgets.interactive(update, **controls)
