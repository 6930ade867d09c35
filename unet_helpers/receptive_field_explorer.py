"""The receptive-field explorer: point at a pixel, pick a depth, see which input pixels reach it.

Real encoder blocks (``blocks.encoder_block``, 4 filters, fixed random weights) run on 16 synthetic
cell images, 96×96. For the pixel of encoder ``depth``'s output over the chosen image pixel,
``receptive_field.input_gradients`` finds the input pixels with a non-zero gradient; the readout
sets that box beside the formula's square (``receptive_field_sizes``), which the image edge clips
near the border. ``receptive_field_report`` returns the numbers (tests call it),
``format_receptive_field`` the readout line, ``draw_receptive_field`` the figure,
``show_receptive_field`` both for a static cell, and ``receptive_field_explorer`` the sliders
(``explorer_layout``). Models are cached per image size and depth: a redraw costs one gradient.
"""

import functools

import numpy as np

from .checks import check_whole_number
from .receptive_field import input_gradients, nonzero_extent, receptive_field_sizes

__all__ = ["MAX_DEPTH", "receptive_field_box", "receptive_field_report", "format_receptive_field",
           "draw_receptive_field", "show_receptive_field", "receptive_field_explorer"]

MAX_DEPTH = 4          # encoder blocks; encoder 4's output comes after 3 poolings
SIZE, IMAGES, FILTERS = 96, 16, 4


def _check_depth(depth):
    check_whole_number(depth, "depth", 1, f"1 to {MAX_DEPTH}")
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be 1 to {MAX_DEPTH} (encoder blocks), got {depth}.")


def _check_pixel(row, col, side):
    for name, value in (("row", row), ("col", col)):
        check_whole_number(value, name, 0, f"an image pixel, 0 to {side - 1}")
        if value >= side:
            raise ValueError(f"{name} must be an image pixel, 0 to {side - 1}; got {value}.")


def receptive_field_box(depth, row, col):
    """The formula's receptive field of output pixel ``(row, col)`` of encoder ``depth``
    (after its conv block), in input pixels: ``(top, bottom, left, right)``, inclusive, and
    possibly outside the image. Each output pixel covers ``jump = 2**(depth - 1)`` input pixels
    a side, and its field of ``size`` pixels is centred on them:
    ``top = row * jump - (size - jump) / 2``."""
    _check_depth(depth)
    size, jump = receptive_field_sizes(depth)[f"encoder {depth}"], 2 ** (depth - 1)
    top, left = row * jump - (size - jump) // 2, col * jump - (size - jump) // 2
    return top, top + size - 1, left, left + size - 1


@functools.lru_cache(maxsize=1)
def _default_images():
    from .synthetic import synthetic_cells

    images = synthetic_cells(IMAGES, SIZE, seed=0)[0]   # (16, 96, 96, 1)
    images.flags.writeable = False
    return images


@functools.lru_cache(maxsize=8)
def _encoder_stack(size, channels, filters, seed):
    """(inputs, [skip of encoder 1, ..., encoder MAX_DEPTH]) of one stack, weights from ``seed``
    (He-normal kernels drawn with numpy, zero biases, fresh BatchNorm), no global seed touched."""
    import keras

    from .blocks import encoder_block

    inputs = keras.Input((size, size, channels))
    x, skips = inputs, []
    for level in range(1, MAX_DEPTH + 1):
        skip, x = encoder_block(x, filters, name=f"encoder{level}")  # x: H and W halve
        skips.append(skip)
    rng = np.random.default_rng(seed)
    for layer in keras.Model(inputs, skips).layers:
        if isinstance(layer, keras.layers.Conv2D):
            kernel, bias = layer.get_weights()
            fan_in = np.prod(kernel.shape[:3])
            layer.set_weights([rng.normal(0, np.sqrt(2 / fan_in), kernel.shape).astype("float32"),
                               np.zeros_like(bias)])
    return inputs, skips


@functools.lru_cache(maxsize=32)
def _encoder_model(depth, size, channels, filters, seed):
    """``(N, S, S, C) -> (N, S / 2**(depth-1), S / 2**(depth-1), filters)``: encoder ``depth``'s
    conv block output; deeper models share the shallower blocks (and their weights)."""
    from keras import Model

    inputs, skips = _encoder_stack(size, channels, filters, seed)
    return Model(inputs, skips[depth - 1], name=f"encoders_1_to_{depth}")


def _check_images(images):
    from .data_checks import check_images

    check_images(images)
    step = 2 ** (MAX_DEPTH - 1)
    if images.shape[1] != images.shape[2] or images.shape[1] % step:
        raise ValueError(f"images must be square with a side divisible by {step} (depth up to "
                         f"{MAX_DEPTH}), e.g. (16, 96, 96, 1); got {images.shape}.")


def receptive_field_report(depth=2, row=SIZE // 2, col=SIZE // 2, images=None, filters=FILTERS,
                           seed=0):
    """Measured and formula receptive field of the output pixel of encoder ``depth`` over image
    pixel ``(row, col)``. ``images``: ``(N, S, S, C)`` in [0, 1] (default: 16 synthetic cells,
    96×96); the map is the mean |gradient| over them (``input_gradients``). Returns a dict:
    ``depth``, ``pixel``, ``images`` (N), ``filters``, ``output_pixel`` of a ``grid`` × ``grid``
    output, ``gradient`` ``(S, S)``, ``image`` ``(S, S)`` (the first), ``feature`` ``(grid, grid)``
    (its output, mean over channels), ``measured`` (height, width; ``nonzero_extent``),
    ``rows``/``cols`` (first and last non-zero, or None), ``formula`` (the side), ``box``
    (``receptive_field_box``), ``clipped`` (that box cut by the image edge: height, width) and
    ``same_box`` (whether the measured box is the formula's box inside the image).
    """
    import keras

    _check_depth(depth)
    images = _default_images() if images is None else np.asarray(images, dtype="float32")
    _check_images(images)
    side, channels = images.shape[2:4]
    _check_pixel(row, col, side)
    check_whole_number(filters, "filters", 1, "e.g. 4")
    check_whole_number(seed, "seed", 0, "e.g. 0")

    model = _encoder_model(depth, side, channels, filters, seed)
    jump = 2 ** (depth - 1)
    out_row, out_col = row // jump, col // jump
    gradient = input_gradients(model, images, pixel=(row, col))["output"]   # (S, S)
    feature = keras.ops.convert_to_numpy(model(images[:1], training=False))[0].mean(axis=-1)
    spans = [np.flatnonzero((gradient > 0).any(axis=axis)) for axis in (1, 0)]
    rows, cols = [(int(hits[0]), int(hits[-1])) if hits.size else None for hits in spans]
    top, bottom, left, right = receptive_field_box(depth, out_row, out_col)
    inside = (max(top, 0), min(bottom, side - 1)), (max(left, 0), min(right, side - 1))
    return {"depth": depth, "pixel": (row, col), "images": len(images), "filters": filters,
            "output_pixel": (out_row, out_col), "grid": side // jump, "gradient": gradient,
            "image": images[0].mean(axis=-1), "feature": feature,
            "measured": nonzero_extent(gradient), "rows": rows, "cols": cols,
            "formula": bottom - top + 1, "box": (top, bottom, left, right),
            "clipped": tuple(last - first + 1 for first, last in inside),
            "same_box": (rows, cols) == inside}


def _span(first, last):
    return f"{first}–{last}" if first >= 0 else f"{first} to {last}"


def format_receptive_field(report):
    """One readout line, e.g. ``depth 2, output pixel (24, 24) of 48×48: gradients reach 14×14
    input pixels (rows 42–55, cols 42–55); formula: 14×14, the same box``."""
    grid, (height, width), side = report["grid"], report["measured"], report["formula"]
    line = (f"depth {report['depth']}, output pixel {report['output_pixel']} of {grid}×{grid}: "
            f"gradients reach {height}×{width} input pixels")
    if report["rows"] is not None:
        line += f" (rows {_span(*report['rows'])}, cols {_span(*report['cols'])})"
    top, bottom, left, right = report["box"]
    formula = f"; formula: {side}×{side}"
    if report["clipped"] != (side, side):
        formula += (f" (rows {_span(top, bottom)}, cols {_span(left, right)}), clipped by the "
                    f"image edge to {report['clipped'][0]}×{report['clipped'][1]}")
    return line + formula + (", the same box" if report["same_box"] else
                             ", not the measured box")


def _outline(ax, top, left, height, width, colour, style):
    from matplotlib import patheffects
    from matplotlib.patches import Rectangle

    box = Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=colour,
                    linewidth=1.8, linestyle=style)
    box.set_path_effects([patheffects.withStroke(linewidth=3.2, foreground="black")])
    ax.add_patch(box)


def draw_receptive_field(report):
    """The explorer's figure: encoder ``depth``'s output (mean over channels, viridis) with the
    chosen pixel outlined, and the first input image (gray) with the gradient magnitude
    overlaid (magma, log scale, transparent where exactly zero) and the formula's square
    dashed. A ``Figure`` (``new_figure``), not drawn by pyplot."""
    from .explorer_layout import new_figure

    grid, gradient, side = report["grid"], report["gradient"], report["formula"]
    size, (height, width) = gradient.shape[0], report["measured"]
    jump = size // grid
    (out_row, out_col), (top, _, left, _) = report["output_pixel"], report["box"]
    figure = new_figure(9.5, 4.4)
    ax_out, ax_in = figure.subplots(1, 2)
    ax_out.imshow(report["feature"], cmap="viridis")
    _outline(ax_out, out_row, out_col, 1, 1, "white", "-")
    shown = np.full(gradient.shape, np.nan)                 # NaN: exactly zero, transparent
    shown[gradient > 0] = np.log10(gradient[gradient > 0] / gradient.max())
    ax_in.imshow(report["image"], cmap="gray", vmin=0, vmax=1)
    overlay = ax_in.imshow(shown, cmap="magma", vmin=-4, vmax=0, alpha=0.85)
    _outline(ax_in, top, left, side, side, "#56B4E9", "--")
    _outline(ax_in, out_row * jump, out_col * jump, jump, jump, "white", "-")
    ax_in.set(xlim=(-0.5, size - 0.5), ylim=(size - 0.5, -0.5))
    figure.colorbar(overlay, ax=ax_in, shrink=0.8, label="log10(|gradient| / max)",
                    ticks=[-4, -3, -2, -1, 0])
    titles = (f"encoder {report['depth']} output, {grid}×{grid}: pixel {(out_row, out_col)} "
              "(white box)", f"input {size}×{size}: gradients reach {height}×{width} (dashed: "
              f"formula {side}×{side})")
    for ax, n, what, title in ((ax_out, grid, "output", titles[0]),
                               (ax_in, size, "input", titles[1])):
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"{what} column", fontsize=8)
        ax.set_ylabel(f"{what} row", fontsize=8)
        ax.set_xticks([0, n // 2, n - 1])   # few fixed ticks: drawing stays fast
        ax.set_yticks([0, n // 2, n - 1])
        ax.tick_params(labelsize=7)
    figure.suptitle(f"Which input pixels can change one encoder pixel? Mean |gradient| over "
                    f"{report['images']} images, drawn on the first", fontsize=10)
    return figure


def show_receptive_field(depth=2, row=SIZE // 2, col=SIZE // 2):
    """Print the readout line and show the figure for one setting (a static notebook cell).
    Returns the report."""
    from .explorer_layout import show_figure

    report = receptive_field_report(depth, row, col)
    print(format_receptive_field(report))
    show_figure(draw_receptive_field(report))
    return report


def receptive_field_explorer(depth=2, row=SIZE // 2, col=SIZE // 2):
    """Sliders for the depth (1–4 encoder blocks) and the image pixel (row, column) on the
    default 96×96 images; the readout and the figure follow. Returns the explorer's box."""
    import ipywidgets as widgets

    from .explorer_layout import make_explorer

    _check_depth(depth)
    _check_pixel(row, col, SIZE)
    settings = (("depth", depth, 1, MAX_DEPTH, "depth"), ("row", row, 0, SIZE - 1, "image row"),
                ("col", col, 0, SIZE - 1, "image col"))
    controls = {name: widgets.IntSlider(value=value, min=low, max=high, description=description,
                                        continuous_update=False,
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="260px"))
                for name, value, low, high, description in settings}

    def draw(depth, row, col):
        report = receptive_field_report(depth, row, col)
        return format_receptive_field(report), draw_receptive_field(report)

    box = make_explorer(draw, controls)
    box.children[0].layout.flex_flow = "row wrap"  # narrow screens: the controls wrap
    return box
