"""`make lab` opens JupyterLab at the repository root, with notebook 00 open.

From the root, a learner can open `unet_helpers/*.py` (the code the notebooks say to read) in
Lab's file browser. The test runs the command `make lab` runs (read with `make -n`), with a
port and token of its own and a "browser" that only prints the address it was given.
"""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lab_command():
    printed = subprocess.run(["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    line = [line for line in printed.splitlines() if "jupyter lab" in line][-1]
    return shlex.split(line)


def test_make_lab_serves_the_repository_root_and_opens_notebook_00(tmp_path):
    port = free_port()
    command = lab_command() + [f"--port={port}", "--ip=127.0.0.1",
                               "--IdentityProvider.token=test-token",
                               "--ServerApp.open_browser=True"]
    if "--allow-root" not in command and os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, BROWSER="echo OPENED %s", JUPYTER_RUNTIME_DIR=str(tmp_path),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = open(tmp_path / "lab.log", "w+")
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                              env=env, start_new_session=True)
    try:
        opened = None
        deadline = time.monotonic() + 60
        while opened is None and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            log.seek(0)
            opened = re.search(r"OPENED file://(\S+)", log.read())
        assert opened, "JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()
        redirect = Path(opened.group(1)).read_text(encoding="utf-8")
        assert f"127.0.0.1:{port}/lab/tree/notebooks/00_start_here.ipynb" in redirect or \
            f"localhost:{port}/lab/tree/notebooks/00_start_here.ipynb" in redirect
        url = f"http://127.0.0.1:{port}/api/contents/?token=test-token"
        listing = json.load(urllib.request.urlopen(url, timeout=10))
        names = {item["name"] for item in listing["content"]}
        assert {"unet_helpers", "notebooks", "README.md"} <= names
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
