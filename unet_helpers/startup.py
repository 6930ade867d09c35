"""What the setup cell of every notebook calls: import TensorFlow without its start-up noise.

At import, TensorFlow's C++ core writes lines such as "oneDNN custom operations are on" and
"Could not find cuda drivers" straight to the process's error stream, before Python or
``TF_CPP_MIN_LOG_LEVEL`` can filter them, and JupyterLab shows them in red under the first cell
that imports it: alarming in front of a class, and no use to a learner. ``quiet_tensorflow``
sets ``TF_CPP_MIN_LOG_LEVEL=3`` (which also hides the later "failed call to cuInit" line) and
sends the error stream to the null device for the import only. Python's own warnings and errors
still show.
"""

import importlib
import os
import sys

__all__ = ["quiet_tensorflow"]


def quiet_tensorflow():
    """Import TensorFlow with its C++ start-up lines hidden (returns nothing, so a notebook cell
    that ends with this call shows no output)."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            importlib.import_module("tensorflow")  # later imports find it loaded
    finally:
        os.dup2(saved, 2)
        os.close(saved)
