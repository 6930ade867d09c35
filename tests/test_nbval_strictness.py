"""nbval, run with this project's own pytest settings, really fails when a committed output is no
longer true.

Runs pytest in a subprocess from the repository root with the project's configuration
(pyproject.toml, so its ``addopts`` are in effect) on small notebooks made here: a correct one
passes, one whose saved shape was edited fails, and one with a broken magic fails. If someone
added ``--nbval-lax`` to the project's ``addopts``, the edited notebook would pass and this test
would fail.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"


def notebook_with(tmp_path, name, source, printed):
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = [new_output("stream", name="stdout", text=printed)]
    path = tmp_path / name
    nbformat.write(new_notebook(cells=[cell]), str(path))
    return path


def run_nbval(path, config=CONFIG):
    """pytest on one notebook, as `make test` would run it: from the root, with the project's
    configuration (the notebook lies outside the repository, so the file is named with -c)."""
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-c", str(config),
               "--rootdir", str(ROOT), str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_the_project_runs_nbval_strictly():
    addopts = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"][
        "addopts"].split()
    assert "--nbval" in addopts
    assert "--nbval-lax" not in addopts


def test_strict_nbval_passes_true_outputs_and_fails_edited_ones(tmp_path):
    source = "import numpy as np\nprint(np.zeros((1, 64, 64, 32)).shape)"
    good = notebook_with(tmp_path, "good.ipynb", source, "(1, 64, 64, 32)\n")
    edited = notebook_with(tmp_path, "edited.ipynb", source, "(1, 64, 64, 64)\n")
    result = run_nbval(good)
    assert result.returncode == 0 and "configfile: pyproject.toml" in result.stdout, result.stdout
    result = run_nbval(edited)
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout


def test_strict_nbval_fails_a_broken_magic(tmp_path):
    broken = notebook_with(tmp_path, "magic.ipynb", "%no_such_magic\nprint('ok')", "ok\n")
    result = run_nbval(broken)
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout
