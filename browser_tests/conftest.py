"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per run.

Run them with ``make test-browser`` (it installs Debian's ``chromium`` and the ``browser`` extra,
Playwright for Python). Nothing of the user's Jupyter set-up is read or written: the server gets
its own config, data, runtime, settings and workspace folders in a temporary folder, which is
removed afterwards, as is Chromium's profile. The server, its kernels and the browser are always
stopped, also when a test fails.
"""

import time

import pytest

from lab import ROOT, SHOTS, JupyterLabServer, launch_chromium, missing_browser_reason

_START = time.monotonic()
_REPORT = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[_REPORT] = []


@pytest.fixture(scope="session")
def lab_server():
    """A ``jupyter lab`` from this venv on 127.0.0.1, a free port, a token, root = the repo."""
    reason = missing_browser_reason()
    if reason:
        pytest.fail(reason, pytrace=False)
    for old in SHOTS.glob("*.png"):  # screenshots of an earlier run, perhaps of other rows
        old.unlink()
    server = JupyterLabServer(ROOT, log_path=SHOTS / "jupyter-lab.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium():
    """A Playwright browser context in Debian's Chromium with a fresh, temporary profile."""
    with launch_chromium() as context:
        yield context


@pytest.fixture
def report(request):
    """Lines for the end of the run: each screenshot's path, each notebook's times."""
    return request.config.stash[_REPORT]


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("browser test: screenshots and times")
        for line in lines:
            terminalreporter.write_line(line)
    log = (SHOTS / "jupyter-lab.log").relative_to(ROOT)
    terminalreporter.write_line(f"browser tests: {time.monotonic() - _START:.0f} s in all "
                                f"(the server's log: {log})")
