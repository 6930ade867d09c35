"""nbval in strict mode really fails when a committed output is no longer true.

Runs nbval in a subprocess on small notebooks made here: a correct one passes, one whose saved
shape was edited fails, and one with a broken magic fails.
"""

import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT_OPTIONS = ["-p", "no:cacheprovider", "-p", "no:xdist", "--nbval", "--nbval-current-env",
                "-c", "/dev/null"]


def notebook_with(tmp_path, name, source, printed):
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = [new_output("stream", name="stdout", text=printed)]
    path = tmp_path / name
    nbformat.write(new_notebook(cells=[cell]), str(path))
    return path


def run_nbval(path):
    return subprocess.run([sys.executable, "-m", "pytest", *ROOT_OPTIONS, str(path)],
                          capture_output=True, text=True, cwd=path.parent, timeout=300)


def test_strict_nbval_passes_true_outputs_and_fails_edited_ones(tmp_path):
    source = "import numpy as np\nprint(np.zeros((1, 64, 64, 32)).shape)"
    good = notebook_with(tmp_path, "good.ipynb", source, "(1, 64, 64, 32)\n")
    edited = notebook_with(tmp_path, "edited.ipynb", source, "(1, 64, 64, 64)\n")
    assert run_nbval(good).returncode == 0
    result = run_nbval(edited)
    assert result.returncode == 1 and "1 failed" in result.stdout


def test_strict_nbval_fails_a_broken_magic(tmp_path):
    broken = notebook_with(tmp_path, "magic.ipynb", "%no_such_magic\nprint('ok')", "ok\n")
    result = run_nbval(broken)
    assert result.returncode == 1 and "1 failed" in result.stdout
