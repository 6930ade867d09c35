"""Pytest hooks for the whole repository: report how long each notebook took under nbval, keep
those times, and say where a notebook's "Run time" line no longer holds."""

import collections
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
_NOTEBOOK_SECONDS = collections.defaultdict(float)
LIMIT_SECONDS = 60


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _NOTEBOOK_SECONDS[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _NOTEBOOK_SECONDS:
        return
    terminalreporter.section("notebook run times (kernel start + all cells)")
    for path, seconds in sorted(_NOTEBOOK_SECONDS.items()):
        flag = f"   over {LIMIT_SECONDS} s!" if seconds > LIMIT_SECONDS else ""
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}{flag}")
    total = sum(_NOTEBOOK_SECONDS.values())
    terminalreporter.write_line(f"{total:6.1f} s  all notebooks (summed over workers)")
    _compare_with_run_time_lines(terminalreporter)


def _compare_with_run_time_lines(terminalreporter):
    """Keep the measured times (build/notebook_times.json, or the file UNET_NOTEBOOK_TIMES names:
    make test-colab keeps its own) and say where a notebook's "Run time" line (from
    tools/run_times.json) no longer holds: `make run-times` updates it."""
    measured = {Path(path).name: seconds for path, seconds in _NOTEBOOK_SECONDS.items()}
    times_file = ROOT / os.environ.get("UNET_NOTEBOOK_TIMES", "build/notebook_times.json")
    times_file.parent.mkdir(parents=True, exist_ok=True)
    times_file.write_text(json.dumps(measured, indent=2))
    stated = json.loads(ROOT.joinpath("tools", "run_times.json").read_text())["seconds"]
    for name, seconds in sorted(measured.items()):
        if name in stated and not 0.5 * stated[name] - 5 <= seconds <= 1.5 * stated[name] + 5:
            terminalreporter.write_line(f"note: {name} took {seconds:.0f} s, its Run time line "
                                        f"was measured at {stated[name]:.0f} s: run make run-times")
