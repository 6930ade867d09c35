"""Overlap-tile prediction for the unpadded U-Net: images larger than one tile, no seams.

The unpadded network's output is smaller than its input (572 -> 388): it only predicts pixels
whose whole context it has seen. To segment a large image, cut it into overlapping input
tiles whose *outputs* sit side by side, and fill the missing context at the image border by
mirroring the image. Tiles start at multiples of ``2**depth`` so every tile pools on the same
grid: the stitched result is then exactly what one huge pass would give.
"""

import math

import numpy as np

__all__ = ["tile_layout", "predict_tiled"]


def tile_layout(image_size, in_tile, out_tile, depth):
    """Where the tiles go along one axis.

    Returns ``(starts, step, margin, covered)``: tile start offsets (in the mirrored image,
    which is also where each tile's output lands), the step between tiles (a multiple of
    ``2**depth``), the margin ``(in_tile - out_tile) / 2`` mirrored on each side, and the
    output length the tiles cover (at least ``image_size``).
    """
    margin = (in_tile - out_tile) // 2
    step = (out_tile // 2**depth) * 2**depth
    if step == 0:
        raise ValueError(f"The output tile ({out_tile}) is smaller than 2**depth = {2**depth}.")
    count = 1 if image_size <= out_tile else 1 + math.ceil((image_size - out_tile) / step)
    starts = [i * step for i in range(count)]
    return starts, step, margin, starts[-1] + out_tile


def predict_tiled(model, image, depth=4, batch_size=4):
    """Predict a whole image ``(H, W, C)`` with an unpadded U-Net -> ``(H, W, classes)``.

    ``model`` must have a fixed square input (e.g. 572 x 572) and a smaller output (388 x 388).
    """
    image = np.asarray(image, dtype="float32")
    in_tile = model.input.shape[1]
    out_tile = model.output.shape[1]
    if in_tile is None or out_tile is None:
        raise ValueError("predict_tiled needs a model built for a fixed tile size, "
                         "e.g. build_unet((572, 572, 1), padding='valid', ...).")
    if image.ndim != 3 or image.shape[-1] != model.input.shape[-1]:
        raise ValueError(f"Expected an image (H, W, {model.input.shape[-1]}), got {image.shape}.")
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
