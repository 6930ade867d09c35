"""Pytest hooks for the whole repository: report how long each notebook took under nbval."""

import collections

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
