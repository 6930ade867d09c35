"""Write the series' sample data set as PNG files: synthetic cells and their 0/255 masks.

    python -m unet_helpers.sample_data                 # writes data/cells (refuses to overwrite)
    python -m unet_helpers.sample_data --force         # regenerate over existing files
    python -m unet_helpers.sample_data --out my_folder --count 10

The same arguments give the same pixels every time (the data are made by ``synthetic_cells``
with a fixed seed), so the shipped ``data/cells`` can be regenerated bit for bit.
Layout: ``OUT/images/cell_000.png`` (8-bit grayscale) and ``OUT/masks/cell_000.png`` (0 or 255).
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from .synthetic import synthetic_cells

__all__ = ["SAMPLE_COUNT", "SAMPLE_SEED", "SAMPLE_SIZE", "sample_file_names", "write_sample_data"]

SAMPLE_COUNT, SAMPLE_SIZE, SAMPLE_SEED = 48, 128, 2026


def sample_file_names(count=SAMPLE_COUNT):
    return [f"cell_{i:03d}.png" for i in range(count)]


def write_sample_data(out, *, count=SAMPLE_COUNT, size=SAMPLE_SIZE, seed=SAMPLE_SEED, force=False):
    """Write ``count`` image/mask pairs under ``out``; returns the list of files written.

    Refuses (FileExistsError, nothing written) when any of those files exists already, unless
    ``force=True``.
    """
    out = Path(out)
    names = sample_file_names(count)
    targets = [out / folder / name for folder in ("images", "masks") for name in names]
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise FileExistsError(
            f"{len(existing)} file(s) already exist under {str(out)!r} (e.g. {existing[0]}). "
            "Nothing was written. Use --force (force=True) to overwrite them, or choose "
            "another folder with --out.")
    images, masks = synthetic_cells(count, size, seed=seed)
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)
    for name, image, mask in zip(names, images, masks):
        pixels = np.round(image[:, :, 0] * 255).astype(np.uint8)
        Image.fromarray(pixels).save(out / "images" / name)
        Image.fromarray((mask[:, :, 0] * 255).astype(np.uint8)).save(out / "masks" / name)
    return targets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="data/cells", help="folder to write (default data/cells)")
    parser.add_argument("--count", type=int, default=SAMPLE_COUNT)
    parser.add_argument("--size", type=int, default=SAMPLE_SIZE)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args(argv)
    try:
        written = write_sample_data(args.out, count=args.count, size=args.size, seed=args.seed,
                                    force=args.force)
    except FileExistsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
