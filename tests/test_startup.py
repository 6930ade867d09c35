"""TensorFlow's C++ start-up lines never reach a learner's notebook.

JupyterLab's kernel forwards everything written to the process's error stream into the notebook
(ipykernel's capture_fd_output, on by default), so a plain `import tensorflow` shows red lines
("oneDNN custom operations are on", "Could not find cuda drivers", "failed call to cuInit").
The setup cell imports TensorFlow through unet_helpers.startup.quiet_tensorflow, which hides them.
This test runs a notebook in a kernel configured as Lab configures it (ipykernel stops
forwarding the error stream when it sees PYTEST_CURRENT_TEST, so the kernel starts without it).
"""

import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def stderr_of(notebook_path, monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)  # the kernel inherits this
    notebook = nbformat.read(str(notebook_path), as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook_path.parent)}}).execute()
    return ["".join(output.get("text", "")) for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if output.get("name") == "stderr"]


def test_a_notebook_run_as_in_jupyterlab_shows_no_tensorflow_startup_lines(monkeypatch):
    assert stderr_of(ROOT / "notebooks" / "00_start_here.ipynb", monkeypatch) == []


def test_without_the_setup_cell_the_lines_do_show(tmp_path, monkeypatch):
    """The test above can fail: a plain import in the same kernel shows the lines."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import tensorflow as tf\nprint(tf.constant([1.0]).numpy())")])
    path = tmp_path / "plain.ipynb"
    nbformat.write(notebook, str(path))
    printed = "\n".join(stderr_of(path, monkeypatch))
    assert "cuda" in printed.lower() or "onednn" in printed.lower(), printed


def test_quiet_tensorflow_keeps_python_errors_visible():
    code = ("from unet_helpers.startup import quiet_tensorflow\n"
            "assert quiet_tensorflow() is None\n"
            "import sys; print('visible', file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": ""})
    assert result.returncode == 0
    assert result.stderr.strip() == "visible", result.stderr
