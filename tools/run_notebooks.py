"""Re-execute notebooks in place, top to bottom in a fresh kernel, and print each one's run time.

    python tools/run_notebooks.py notebooks/*.ipynb      (what `make notebooks` runs)

The saved outputs are what learners read on GitHub and what nbval checks, so they must come
from one clean run. Cell timing metadata is not recorded (it would change on every run).
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path):
    path = Path(path)
    notebook = nbformat.read(str(path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    # capture_fd_output=False: low-level logs (TensorFlow's C++ start-up lines) stay in the
    # terminal, as they do under nbval, instead of landing in the saved outputs.
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                            extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)  # widget state is big and not needed to read it
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = joined_streams(cell.outputs)
    nbformat.write(notebook, str(path))
    return seconds


def joined_streams(outputs):
    """One output per run of printed text: a busy machine can deliver a cell's prints in
    several pieces, which would make the saved notebook differ from run to run."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def main(paths):
    failed = False
    for path in paths:
        try:
            print(f"{run(path):6.1f} s  {path}", flush=True)
        except Exception as error:  # report and go on with the others
            failed = True
            print(f"FAILED  {path}: {type(error).__name__}: {str(error)[-2000:]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
