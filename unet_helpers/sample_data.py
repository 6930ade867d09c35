"""Write the series' sample data set as PNG files: synthetic cells and their 0/255 masks.

    python -m unet_helpers.sample_data                 # writes data/cells (refuses to overwrite)
    python -m unet_helpers.sample_data --force         # regenerate over existing files
    python -m unet_helpers.sample_data --out my_folder --count 10

The same arguments give the same pixels every time (the data are made by ``synthetic_cells``
with a fixed seed), so the shipped ``data/cells`` can be regenerated bit for bit.
Layout: ``OUT/images/cell_000.png`` (8-bit grayscale) and ``OUT/masks/cell_000.png`` (0 or 255).
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from .checks import check_whole_number
from .synthetic import synthetic_cells

__all__ = ["SAMPLE_COUNT", "SAMPLE_SEED", "SAMPLE_SIZE", "sample_file_names", "write_sample_data"]

SAMPLE_COUNT, SAMPLE_SIZE, SAMPLE_SEED = 48, 128, 2026


def sample_file_names(count=SAMPLE_COUNT):
    """``["cell_000.png", ...]``: the ``count`` file names, the same in images/ and masks/."""
    check_whole_number(count, "count", 1, "e.g. --count 48")
    return [f"cell_{i:03d}.png" for i in range(count)]


def _check_writable(out):
    """Raise unless ``out/images`` and ``out/masks`` are (or can become) folders we may write
    in: checked before anything is written, so a refusal leaves the disk untouched."""
    for folder in (out / "images", out / "masks"):
        existing = next(p for p in (folder, *folder.absolute().parents) if p.exists())
        if not existing.is_dir():
            raise ValueError(f"{str(existing)!r} is a file, not a folder. Nothing was written: "
                             "choose a folder with --out (out=...), e.g. --out my_cells.")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise ValueError(f"Cannot write under {str(out)!r}: {str(existing)!r} is read-only. "
                             "Nothing was written: choose a folder you can write to with --out "
                             "(out=...), e.g. one in your home folder.")


def write_sample_data(out, *, count=SAMPLE_COUNT, size=SAMPLE_SIZE, seed=SAMPLE_SEED, force=False):
    """Write ``count`` image/mask pairs under ``out``; returns the list of files written.

    Refuses (FileExistsError, nothing written) when any of those files exists already, unless
    ``force=True``; and (ValueError, nothing written) a bad argument: ``count >= 1``,
    ``size >= 8``, ``seed >= 0``, ``out`` a folder (existing or not) you can write to.
    """
    if not isinstance(out, (str, os.PathLike)):
        raise ValueError(f"out must be a folder path (str or pathlib.Path), got {out!r}.")
    names = sample_file_names(count)
    check_whole_number(size, "size", 8, "e.g. --size 128")
    check_whole_number(seed, "seed", 0, "e.g. --seed 2026")
    if not isinstance(force, bool):
        raise ValueError(f"force must be True or False, got {force!r}.")
    out = Path(out)
    _check_writable(out)
    targets = [out / folder / name for folder in ("images", "masks") for name in names]
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise FileExistsError(
            f"{len(existing)} file(s) already exist under {str(out)!r} (e.g. {existing[0]}). "
            "Nothing was written. Use --force (force=True) to overwrite them, or choose "
            "another folder with --out.")
    images, masks = synthetic_cells(count, size, seed=seed)
    try:
        for folder in (out / "images", out / "masks"):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:      # e.g. a read-only file system that os.access did not see
        raise ValueError(f"Cannot create {str(folder)!r} ({error.strerror}). Nothing was written: "
                         "choose a folder you can write to with --out (out=...).") from None
    for name, image, mask in zip(names, images, masks):
        pixels = np.round(image[:, :, 0] * 255).astype(np.uint8)
        Image.fromarray(pixels).save(out / "images" / name)
        Image.fromarray((mask[:, :, 0] * 255).astype(np.uint8)).save(out / "masks" / name)
    return targets


class _Parser(argparse.ArgumentParser):
    def error(self, message):        # one line, as for every other bad argument (see main)
        raise ValueError(f"{message} (see python -m unet_helpers.sample_data --help)")


def main(argv=None):
    """The command line: returns 0 when written, 1 when files exist (no --force), 2 for a bad
    argument (one line ``error: ...`` on stderr, nothing written)."""
    parser = _Parser(prog="python -m unet_helpers.sample_data",
                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="data/cells", help="folder to write (default data/cells)")
    parser.add_argument("--count", type=int, default=SAMPLE_COUNT, help="pairs to write (>= 1)")
    parser.add_argument("--size", type=int, default=SAMPLE_SIZE, help="height = width (>= 8)")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="random seed (>= 0)")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:       # --help: printed, nothing else to do
        return stop.code
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        written = write_sample_data(args.out, count=args.count, size=args.size, seed=args.seed,
                                    force=args.force)
    except FileExistsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
