"""Read the shape and parameter count of every block from a built Keras U-Net.

``keras_trace(model)`` gives the same rows as ``formula_trace(...)`` so the two can be printed
side by side (``format_trace``) and compared in tests. ``block_parameters`` groups the
parameters per block for a bar chart.
"""

__all__ = [
    "keras_trace",
    "format_trace",
    "compare_traces",
    "block_parameters",
]


def _block_of(layer_name):
    """'enc2_conv1' -> 'encoder 2', 'bridge_bn1' -> 'bridge', 'dec3_up' -> 'decoder 3'."""
    prefix = layer_name.split("_")[0]
    if prefix.startswith("enc") and prefix[3:].isdigit():
        return f"encoder {prefix[3:]}"
    if prefix.startswith("dec") and prefix[3:].isdigit():
        return f"decoder {prefix[3:]}"
    if prefix in ("bridge", "head", "input"):
        return prefix
    return None


def block_parameters(model):
    """Parameters per block, in data-flow order: ``{'encoder 1': 39232, ..., 'head': 65}``.

    Works on models from ``build_unet`` (it groups layers by their name prefix).
    """
    totals = {}
    for layer in model.layers:
        block = _block_of(layer.name)
        if block is None:
            raise ValueError(f"Layer {layer.name!r} does not belong to a U-Net block; "
                             "block_parameters expects a model from build_unet.")
        if block == "input":
            continue
        totals[block] = totals.get(block, 0) + layer.count_params()
    return totals


def keras_trace(model):
    """Rows ``(block, output_shape, params)`` read from a model built by ``build_unet``.

    ``output_shape`` leaves out the batch axis. Encoders give two rows (skip, pooled) and their
    parameters sit on the skip row; the decoder rows include their transposed convolution.
    """
    params = block_parameters(model)
    by_name = {layer.name: layer for layer in model.layers}
    rows = [("input", tuple(model.input.shape[1:]), 0)]
    level = 1
    while f"enc{level}_pool" in by_name:
        skip = by_name[f"enc{level}_pool"].input
        pooled = by_name[f"enc{level}_pool"].output
        rows.append((f"encoder {level} skip", tuple(skip.shape[1:]), params[f"encoder {level}"]))
        rows.append((f"encoder {level} pooled", tuple(pooled.shape[1:]), 0))
        level += 1
    depth = level - 1
    rows.append(("bridge", tuple(by_name["bridge_relu2"].output.shape[1:]), params["bridge"]))
    for level in range(depth, 0, -1):
        shape = tuple(by_name[f"dec{level}_relu2"].output.shape[1:])
        rows.append((f"decoder {level}", shape, params[f"decoder {level}"]))
    rows.append(("head", tuple(model.output.shape[1:]), params["head"]))
    return rows


def _shape_text(shape):
    return " x ".join("?" if n is None else str(n) for n in shape)


def format_trace(rows, title=None):
    """A plain-text table of ``(block, output_shape, params)`` rows, with a total line."""
    lines = [] if title is None else [title]
    lines.append(f"{'block':<18}{'output (H x W x C)':>22}{'parameters':>14}")
    lines.append("-" * 54)
    for block, shape, params in rows:
        lines.append(f"{block:<18}{_shape_text(shape):>22}{params:>14,}")
    lines.append("-" * 54)
    lines.append(f"{'total':<18}{'':>22}{sum(r[2] for r in rows):>14,}")
    return "\n".join(lines)


def compare_traces(formula_rows, keras_rows):
    """Print-ready table: the formula's shape and parameters beside Keras', and whether they match.

    Returns ``(text, all_match)``.
    """
    lines = [f"{'block':<18}{'shape (formula)':>18}{'shape (Keras)':>18}{'params (formula)':>18}"
             f"{'params (Keras)':>16}  match"]
    lines.append("-" * 95)
    all_match = len(formula_rows) == len(keras_rows)
    for (name_f, shape_f, params_f), (name_k, shape_k, params_k) in zip(formula_rows, keras_rows):
        match = name_f == name_k and tuple(shape_f) == tuple(shape_k) and params_f == params_k
        all_match = all_match and match
        lines.append(f"{name_f:<18}{_shape_text(shape_f):>18}{_shape_text(shape_k):>18}"
                     f"{params_f:>18,}{params_k:>16,}  {'yes' if match else 'NO'}")
    return "\n".join(lines), all_match
