"""Overlap-tile prediction for the unpadded U-Net: images larger than one tile, no seams.

The unpadded network's output is smaller than its input (572 -> 388): it only predicts pixels
whose whole context it has seen. To segment a large image, cut it into overlapping input
tiles whose *outputs* sit side by side, and fill the missing context at the image border by
mirroring the image. Tiles start at multiples of ``2**depth`` so every tile pools on the same
grid: the stitched result is then exactly what one huge pass would give.
"""

import math

import numpy as np

from .checks import check_whole_number
from .data_checks import check_images

__all__ = ["tile_layout", "predict_tiled"]


def tile_layout(image_size, in_tile, out_tile, depth):
    """Where the tiles go along one axis.

    Returns ``(starts, step, margin, covered)``: tile start offsets (in the mirrored image,
    which is also where each tile's output lands), the step between tiles (a multiple of
    ``2**depth``), the margin ``(in_tile - out_tile) / 2`` mirrored on each side, and the
    output length the tiles cover (at least ``image_size``). All four arguments are whole
    numbers >= 1, and ``in_tile - out_tile`` is even (the model's input and output sizes).
    """
    for name, value in (("image_size", image_size), ("in_tile", in_tile),
                        ("out_tile", out_tile), ("depth", depth)):
        check_whole_number(value, name, 1, "e.g. tile_layout(1000, 572, 388, 4)")
    if out_tile > in_tile or (in_tile - out_tile) % 2:
        raise ValueError(f"in_tile={in_tile} and out_tile={out_tile} do not fit: the output tile "
                         "is the input tile less an even margin on each side (572 -> 388). Pass "
                         "the model's input and output sizes, in that order.")
    margin = (in_tile - out_tile) // 2
    step = (out_tile // 2**depth) * 2**depth
    if step == 0:
        raise ValueError(f"The output tile ({out_tile}) is smaller than 2**depth = {2**depth}: "
                         "tiles could not start on the pooling grid. Use a larger tile (e.g. "
                         "build_unet((572, 572, 1), padding='valid')) or the model's real depth.")
    count = 1 if image_size <= out_tile else 1 + math.ceil((image_size - out_tile) / step)
    starts = [i * step for i in range(count)]
    return starts, step, margin, starts[-1] + out_tile


def predict_tiled(model, image, depth=4, batch_size=4):
    """Predict a whole image ``(H, W, C)`` with an unpadded U-Net -> ``(H, W, classes)``.

    ``model`` must have a fixed square input (e.g. 572 x 572) and a smaller output (388 x 388);
    ``image`` floats in [0, 1]; ``depth`` the model's depth (its number of poolings);
    ``batch_size`` how many tiles go through the model at once.
    """
    if not all(hasattr(model, name) for name in ("input", "output", "predict", "layers")):
        raise ValueError(f"model must be a built Keras model (e.g. from build_unet(..., "
                         f"padding='valid')), got {type(model).__name__}.")
    check_whole_number(depth, "depth", 1, "the model's depth, e.g. 4")
    check_whole_number(batch_size, "batch_size", 1, "e.g. 4")
    in_shape, out_shape = tuple(model.input.shape), tuple(model.output.shape)
    in_tile, out_tile = in_shape[1], out_shape[1]
    if len(in_shape) != 4 or len(out_shape) != 4 or None in in_shape[1:3] + out_shape[1:3]:
        raise ValueError("predict_tiled needs a model built for a fixed tile size, "
                         "e.g. build_unet((572, 572, 1), padding='valid', ...).")
    if in_shape[1] != in_shape[2] or out_shape[1] != out_shape[2]:
        raise ValueError(f"predict_tiled needs square tiles, but the model maps {in_shape[1:3]} "
                         f"to {out_shape[1:3]}: build it for a square input, e.g. (572, 572, 1).")
    poolings = sum(type(layer).__name__ == "MaxPooling2D" for layer in model.layers)
    if poolings and poolings != depth:
        raise ValueError(f"The model pools {poolings} times but depth={depth}: tiles must start "
                         f"on the model's pooling grid. Pass depth={poolings}.")
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != in_shape[-1]:
        raise ValueError(f"Expected one image (H, W, {in_shape[-1]}), got shape {image.shape}. "
                         "Pass images one at a time, channels last (add them with image[..., "
                         "None] for grayscale).")
    check_images(image[None])
    image = image.astype("float32")
    height, width = image.shape[:2]
    rows, _, margin, covered_h = tile_layout(height, in_tile, out_tile, depth)
    cols, _, _, covered_w = tile_layout(width, in_tile, out_tile, depth)
    mirrored = np.pad(image, ((margin, margin + covered_h - height),
                              (margin, margin + covered_w - width), (0, 0)), mode="symmetric")
    tiles = [mirrored[y:y + in_tile, x:x + in_tile] for y in rows for x in cols]
    outputs = model.predict(np.stack(tiles), batch_size=batch_size, verbose=0)
    result = np.zeros((covered_h, covered_w, outputs.shape[-1]), "float32")
    for (y, x), out in zip([(y, x) for y in rows for x in cols], outputs):
        result[y:y + out_tile, x:x + out_tile] = out
    return result[:height, :width]
