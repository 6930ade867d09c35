"""What the notebook series is made of: its repository address and its notebooks, in order.

Used by tools/sync_notebooks.py (which writes badges, the setup cell, navigation and the
indexes) and by the tests (which check that all of them are right).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# The one place the repository address is configured: badges and install URLs derive from it.
REPOSITORY = "unet-block-by-block/unet-block-by-block"
BRANCH = "main"

NAME = re.compile(r"^(\d\d)_([a-z0-9_]+)\.ipynb$")

# The whole planned series; notebooks not written yet are listed as "coming".
PLAN = [
    ("00", "Start here", "what U-Net is for, the map of the series, running locally and on Colab"),
    ("01", "The conv block", "3×3 convolution, same padding, BatchNorm, ReLU; the parameter formula"),
    ("02", "The encoder block", "skip vs pooled, max-pooling, the receptive field"),
    ("03", "The decoder block", "Conv2DTranspose (kernel, stride), concatenating the skip"),
    ("04", "The bridge", "the bottom of the U; where the parameters live"),
    ("05", "The output head", "1×1 conv; sigmoid, softmax, linear; logits and from_logits"),
    ("06", "Assemble the U-Net", "build_unet, the full shape trace, 31,055,297 parameters"),
    ("07", "Data", "synthetic cells, your own folder, mask traps, tf.data, augmentation"),
    ("08", "Training", "compile, losses, Dice/IoU, curves, overlays, saving"),
    ("09", "Multi-class segmentation", "softmax, sparse vs one-hot, from_logits, per-class IoU"),
    ("10", "Dense regression", "linear head, MSE/MAE"),
    ("11", "The original U-Net", "valid padding, cropped skips, 572 → 388, overlap-tile"),
    ("12", "Upsampling", "transposed-conv overlaps, checkerboards, UpSampling2D"),
    ("13", "Scaling up", "memory at 512², mixed precision, streaming data, tf.distribute"),
]


def notebook_paths():
    """The series' notebooks, sorted by number."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if NAME.match(p.name))


def colab_url(path):
    """The Colab address of a notebook, built from its own path in the repository."""
    rel = Path(path).resolve().relative_to(ROOT).as_posix()
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{rel}"


def github_url(path):
    rel = Path(path).resolve().relative_to(ROOT).as_posix()
    return f"https://github.com/{REPOSITORY}/blob/{BRANCH}/{rel}"


def install_url():
    """What pip installs on Colab: the helpers straight from the repository."""
    return f"git+https://github.com/{REPOSITORY}.git@{BRANCH}"


def read_notebook(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def notebook_text(notebook):
    """A notebook as JSON text, exactly as Jupyter (nbformat) saves it."""
    import nbformat

    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def cell_text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def title_of(path):
    """The notebook's title: its first '# ' heading, without the number prefix."""
    for cell in read_notebook(path)["cells"]:
        for line in cell_text(cell).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    raise ValueError(f"{path} has no '# ' title")
