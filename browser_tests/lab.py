"""Drive a real JupyterLab in headless Chromium: start the server, open a notebook, run it, read
its explorers, press keys on their controls, ask its kernel for the expected text.

An explorer (``unet_helpers.explorer_layout.make_explorer``) is a ``VBox`` with CSS class
``unet-explorer``; its children are the row of controls, the readout (class ``unet-readout``) and
the picture (class ``unet-picture``). A view with no control (``live_training.LiveTraining``) is
a box with a ``unet-readout`` child too. Here a *view* is any widget box with a ``unet-readout``
child, counted in page order: every explorer, and every such view.
"""

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ".widget-box:has(> .unet-readout)"  # explorers (.unet-explorer) and live views
SHOTS = ROOT / "build" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SERVER_START_S = 180      # a cold start imports every server extension
PAGE_LOAD_S = 180         # JupyterLab's bundle, then the notebook and its kernel
RUN_ALL_S = 600           # notebook 08 takes about a minute under nbval; the browser is slower
WIDGETS_S = 60            # widget views appear after their cell has finished
READOUT_S = 60            # one redraw (a key press) and the readout following it
KERNEL_CALL_S = 120       # the expected-readout expression

# JupyterLab settings for this run only (--LabApp.user_settings_dir points at a temporary folder).
LAB_SETTINGS = {
    # Attach every cell to the page, so explorers far below the fold exist and can be screenshot.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # Never write the executed notebook back into the repository.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # No "official Jupyter news?" toast, no update check (and no request to the internet).
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
# No "build recommended" dialog (page_config.json in the temporary JUPYTER_CONFIG_DIR).
PAGE_CONFIG = {"buildCheck": False, "buildAvailable": False}


def missing_browser_reason():
    """Why the browser test cannot run here, or None (``make test-browser`` installs both)."""
    if not os.access(CHROMIUM, os.X_OK):
        return (f"{CHROMIUM} is missing: run `make test-browser`, which installs Debian's "
                f"chromium package (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        return ("Playwright for Python is missing: run `make test-browser`, which installs the "
                "'browser' extra (pip install -e '.[browser]') into .venv")
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _is_kernel(pid):
    """True while ``pid`` is an ipykernel process (a pid that ended may be reused by another)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"ipykernel" in command


class JupyterLabServer:
    """``python -m jupyterlab`` from this venv, isolated from the user's Jupyter files.

    ``start()`` waits until ``/api/status`` answers; ``stop()`` asks the server to shut down
    (which shuts its kernels down), then ends it and any kernel it left, and removes the
    temporary folder. Its log is kept in ``log_path`` for a failed run.
    """

    def __init__(self, root, log_path):
        self.root = Path(root)
        self.log_path = Path(log_path)
        self.token = secrets.token_hex(24)
        self.port = None
        self.process = None
        self.tmp = None
        self.kernel_pids = set()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    def _prepare_folders(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="unet-browser-lab-"))
        folders = {name: self.tmp / name for name in
                   ("config", "data", "runtime", "settings", "workspaces", "ipython",
                    "checkpoints")}
        for folder in folders.values():
            folder.mkdir()
        for plugin, values in LAB_SETTINGS.items():
            path = folders["settings"] / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        (folders["config"] / "labconfig").mkdir()
        (folders["config"] / "labconfig" / "page_config.json").write_text(json.dumps(PAGE_CONFIG))
        config = {
            "IdentityProvider": {"token": self.token},
            "ServerApp": {"ip": "127.0.0.1", "open_browser": False, "port_retries": 0,
                          "root_dir": str(self.root), "terminals_enabled": False},
            # JupyterLab makes a checkpoint of each notebook it opens: here, not beside it (an
            # absolute checkpoint_dir replaces the folder's own .ipynb_checkpoints).
            "FileCheckpoints": {"checkpoint_dir": str(folders["checkpoints"])},
            "LabApp": {"expose_app_in_browser": True, "news_url": None,
                       "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                       "user_settings_dir": str(folders["settings"]),
                       "workspaces_dir": str(folders["workspaces"])},
        }
        (folders["config"] / "jupyter_server_config.json").write_text(json.dumps(config, indent=1))
        env = {key: value for key, value in os.environ.items()
               if key not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_TOKEN")}
        env.update(JUPYTER_CONFIG_DIR=str(folders["config"]), JUPYTER_DATA_DIR=str(folders["data"]),
                   JUPYTER_RUNTIME_DIR=str(folders["runtime"]), IPYTHONDIR=str(folders["ipython"]),
                   JUPYTERLAB_SETTINGS_DIR=str(folders["settings"]),
                   JUPYTERLAB_WORKSPACES_DIR=str(folders["workspaces"]),
                   PYTHONUNBUFFERED="1")
        return env

    def start(self):
        env = self._prepare_folders()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(3):  # another program may take the free port before the server does
            self.port = free_port()
            command = [sys.executable, "-m", "jupyterlab", "--no-browser",
                       f"--ServerApp.port={self.port}"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                command.append("--allow-root")
            with open(self.log_path, "w", encoding="utf-8") as log:
                self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_until_ready():
                return
            self._end_process()
        raise RuntimeError(f"jupyter lab did not start in 3 tries; its log:\n{self.log_tail()}")

    def _wait_until_ready(self):
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.api("GET", "api/status", timeout=5)
                return True
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_S} s; its log:\n"
                           f"{self.log_tail()}")

    def api(self, method, path, timeout=30):
        request = urllib.request.Request(self.url(path), method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines=60):
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        try:
            if self.process is not None and self.process.poll() is None:
                try:
                    self.api("POST", "api/shutdown", timeout=10)  # shuts the kernels down too
                    self.process.wait(timeout=30)
                except (urllib.error.URLError, OSError, subprocess.TimeoutExpired):
                    pass
            self._end_process()
            for pid in self.kernel_pids:  # only kernels this run started (their pid was asked)
                if _is_kernel(pid):       # still running: the shutdown did not end it
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
        finally:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
        if self.port is not None:
            deadline = time.monotonic() + 20
            while not port_is_free(self.port) and time.monotonic() < deadline:
                time.sleep(0.2)

    def _end_process(self):
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@contextlib.contextmanager
def launch_chromium():
    """A Playwright persistent context in Debian's Chromium, with a fresh temporary profile.

    Playwright's own browser download is never used: ``executable_path`` is Debian's binary.
    """
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="unet-browser-chromium-"))
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 1000})
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# JavaScript run in the page. `window.__unetPanel` is the notebook this page opened.

_FIND_PANEL = """(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  const panel = Array.from(app.shell.widgets('main')).find(
      w => w.context && w.context.path === path && w.content && w.sessionContext);
  if (!panel) return false;
  window.__unetPanel = panel;
  return true;
}"""

_READY = """async (timeoutMs) => {
  const panel = window.__unetPanel;
  const timeout = new Promise((resolve) => setTimeout(() => resolve('not ready in time'),
                                                      timeoutMs));
  const ready = Promise.all([panel.context.ready, panel.sessionContext.ready]).then(
      () => 'ready', (e) => 'failed: ' + String(e));
  return Promise.race([ready, timeout]);
}"""

_SETTINGS_CHECK = """async (wanted) => {
  const problems = [];
  for (const [id, values] of Object.entries(wanted)) {
    const found = await window.jupyterapp.serviceManager.settings.fetch(id);
    for (const [key, value] of Object.entries(values)) {
      if (!(found.schema.properties || {})[key]) problems.push(`${id} has no setting ${key}`);
      else if (JSON.stringify(found.settings[key]) !== JSON.stringify(value))
        problems.push(`${id}: ${key} is ${JSON.stringify(found.settings[key])}`);
    }
  }
  return problems;
}"""

_KERNEL_STATE = """() => {
  const session = window.__unetPanel.sessionContext.session;
  const kernel = session && session.kernel;
  return kernel ? kernel.status + ' ' + kernel.connectionStatus : 'no kernel';
}"""

_EXECUTE = """async ({code, timeoutMs}) => {
  const panel = window.__unetPanel;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel) return {status: 'no kernel', stdout: '', stderr: '', error: 'no kernel'};
  const future = kernel.requestExecute({code, silent: false, store_history: false,
                                        allow_stdin: false, stop_on_error: false});
  let stdout = '', stderr = '', error = null;
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type;
    if (type === 'stream') {
      if (msg.content.name === 'stdout') stdout += msg.content.text;
      else stderr += msg.content.text;
    } else if (type === 'error') {
      error = msg.content.ename + ': ' + msg.content.evalue + '\\n' +
              msg.content.traceback.join('\\n');
    }
  };
  const timeout = new Promise((resolve) =>
      setTimeout(() => resolve({content: {status: 'timeout'}}), timeoutMs));
  const reply = await Promise.race([future.done, timeout]);
  return {status: reply.content.status, stdout, stderr, error};
}"""

_START_RUN_ALL = """() => {
  const app = window.jupyterapp, panel = window.__unetPanel;
  app.shell.activateById(panel.id);
  window.__unetRunAll = {done: false};
  app.commands.execute('notebook:run-all-cells').then(
      (ok) => { window.__unetRunAll = {done: true, ok: ok}; },
      (e) => { window.__unetRunAll = {done: true, ok: false, error: String(e)}; });
}"""

_CELL_PROBLEMS = """() => {
  const panel = window.__unetPanel, problems = [], notRun = [];
  panel.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') {
        problems.push(`cell ${i + 1}: error output ${out.ename}: ${out.evalue}`);
      } else if (out.output_type === 'stream' && out.name === 'stderr'
                 && /Traceback/.test([].concat(out.text).join(''))) {
        problems.push(`cell ${i + 1}: a Traceback on stderr: ` +
                      [].concat(out.text).join('').slice(-400));
      }
    }
    if (cell.model.executionCount === null && cell.model.sharedModel.getSource().trim())
      notRun.push(i + 1);
    const shown = cell.node.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    for (const node of shown) {
      if (/Traceback/.test(node.textContent) &&
          !problems.some((p) => p.startsWith(`cell ${i + 1}:`)))
        problems.push(`cell ${i + 1}: the page shows a Traceback: ` +
                      node.textContent.slice(-400));
    }
  });
  if (notRun.length) problems.push(`cells never ran: ${notRun.join(', ')}`);
  return problems;
}"""

_DIALOGS = """() => Array.from(document.querySelectorAll('.jp-Dialog')).map(
    (d) => (d.querySelector('.jp-Dialog-header') || d).textContent.trim())"""

_PROGRESS = """(box) => Array.from(box.querySelectorAll('.widget-progress .progress-bar')).map(
    (bar) => bar.style.width || bar.style.height)"""

_READOUT = """(box) => {
  const readout = box.querySelector(':scope > .unet-readout');
  if (!readout) return null;
  const content = readout.querySelector('.widget-html-content') || readout;
  return content.textContent;
}"""


def normalise(text):
    """Readout text as compared: surrounding white space dropped (print adds a newline)."""
    return None if text is None else text.strip()


class NotebookPage:
    """One notebook opened in its own tab of the shared browser, with its own kernel."""

    def __init__(self, context, server, path):
        self.server = server
        self.path = path  # relative to the server's root, with forward slashes
        self.page = context.new_page()
        self.dialogs_seen = []

    # -- opening and running -----------------------------------------------------------------
    def open(self):
        page = self.page
        url = self.server.url(f"lab/tree/{self.path}?reset&token={self.server.token}")
        page.goto(url, wait_until="domcontentloaded", timeout=PAGE_LOAD_S * 1000)
        self._wait(_FIND_PANEL, self.path, PAGE_LOAD_S,
                   f"JupyterLab did not open {self.path} (is the page blank or an error page?)")
        ready = page.evaluate(_READY, PAGE_LOAD_S * 1000)
        assert ready == "ready", f"{self.path}: the notebook or its kernel session: {ready}"
        wanted = {":".join(plugin.rsplit("/", 1)): values  # the file's path -> the plugin's id
                  for plugin, values in LAB_SETTINGS.items()}
        settings = page.evaluate(_SETTINGS_CHECK, wanted)
        assert not settings, f"JupyterLab did not take this run's settings: {settings}"
        self.dismiss_dialogs()
        self._wait_for_idle_kernel(PAGE_LOAD_S, "after opening")
        info = self.kernel_print("import os, sys\nprint(sys.prefix)\nprint(os.getpid())")
        prefix, pid = info.splitlines()[-2:]
        self.server.kernel_pids.add(int(pid))
        return prefix

    def kernel_name(self):
        return self.page.evaluate("() => window.__unetPanel.sessionContext.session.kernel.name")

    def run_all(self):
        self.page.evaluate(_START_RUN_ALL)
        deadline = time.monotonic() + RUN_ALL_S
        while time.monotonic() < deadline:
            self.dismiss_dialogs()
            state = self.page.evaluate("() => window.__unetRunAll")
            if state["done"]:
                break
            time.sleep(1)
        else:
            raise AssertionError(f"{self.path}: Run All did not finish in {RUN_ALL_S} s")
        self._wait_for_idle_kernel(RUN_ALL_S, "after Run All")
        return state

    def cell_problems(self):
        return self.page.evaluate(_CELL_PROBLEMS)

    def dismiss_dialogs(self):
        """Accept any JupyterLab dialog (kernel picker, build notice…) and remember its title."""
        titles = self.page.evaluate(_DIALOGS)
        for title in titles:
            self.dialogs_seen.append(title)
            try:
                self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").first.click(
                    timeout=5000)
            except Exception:  # noqa: BLE001  (a dialog with no accept button)
                self.page.keyboard.press("Escape")
        return titles

    def _wait(self, function, argument, seconds, message):
        try:
            self.page.wait_for_function(function, arg=argument, timeout=seconds * 1000,
                                        polling=250)
        except Exception as error:  # playwright's TimeoutError, or the page went away
            raise AssertionError(f"{message} ({type(error).__name__}: "
                                 f"{str(error).splitlines()[0]})") from None

    def _wait_for_idle_kernel(self, seconds, when):
        deadline = time.monotonic() + seconds
        state = ""
        while time.monotonic() < deadline:
            state = self.page.evaluate(_KERNEL_STATE)
            if state == "idle connected":
                return
            time.sleep(0.25)
        raise AssertionError(f"{self.path}: the kernel is not idle {when} "
                             f"within {seconds} s (it is: {state})")

    # -- the kernel ---------------------------------------------------------------------------
    def kernel_print(self, code, seconds=KERNEL_CALL_S):
        """Run ``code`` in this notebook's kernel and return what it printed on stdout."""
        result = self.page.evaluate(_EXECUTE, {"code": code, "timeoutMs": seconds * 1000})
        if result["status"] != "ok":
            detail = result["error"] or result["stderr"] or result["status"]
            detail = re.sub(r"\x1b\[[0-9;]*m", "", detail)  # IPython's colours
            raise AssertionError(f"{self.path}: this code failed in the notebook's kernel "
                                 f"({result['status']}):\n{code}\n---\n{detail}")
        return result["stdout"]

    # -- explorers ----------------------------------------------------------------------------
    def views(self):
        """Every explorer and live view on the page (a widget box with a readout line)."""
        return self.page.locator(VIEWS)

    def wait_for_views(self, count):
        try:
            self.page.wait_for_function(
                "([selector, count]) => document.querySelectorAll(selector).length >= count",
                arg=[VIEWS, count], timeout=WIDGETS_S * 1000, polling=250)
        except Exception:  # noqa: BLE001  (the message below says what was found)
            found = self.views().count()
            explorers = self.page.locator(".unet-explorer").count()
            raise AssertionError(
                f"{self.path}: expected at least {count} view(s) with a .unet-readout line on "
                f"the page after Run All, found {found} ({explorers} .unet-explorer box(es); "
                f"an explorer not built with explorer_layout.make_explorer has no readout)"
            ) from None

    def readout(self, index):
        return self.views().nth(index).evaluate(_READOUT)

    def progress_bars(self, index):
        """The widths of the view's progress bars ("100%" when full)."""
        return self.views().nth(index).evaluate(_PROGRESS)

    def all_readouts(self):
        return self.page.eval_on_selector_all(VIEWS, f"(boxes) => boxes.map({_READOUT})")

    def wait_for_readout(self, index, predicate, seconds):
        """Poll the readout until ``predicate(text)``; return the last text seen."""
        deadline = time.monotonic() + seconds
        text = self.readout(index)
        while not predicate(text) and time.monotonic() < deadline:
            time.sleep(0.2)
            text = self.readout(index)
        return text

    def close(self):
        """Shut this notebook's kernel down and close the tab (nothing is saved)."""
        with contextlib.suppress(Exception):
            self.page.evaluate("async () => { if (window.__unetPanel)"
                               " await window.__unetPanel.sessionContext.shutdown(); }")
        with contextlib.suppress(Exception):
            self.page.close(run_before_unload=False)
