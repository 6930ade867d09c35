"""Every explorer, used as a learner uses it: in JupyterLab, in a real (headless) browser.

For each notebook in ``STEPS``: open it in JupyterLab, Run All, and check that

1. the notebook runs the kernel its metadata names, in this venv's Python;
2. Run All finished, every code cell ran, and no cell shows an error output or a Traceback;
3. no explorer's readout starts with "✗" (``make_explorer`` shows an exception there);
4. for each row: focus the view's control, press the key(s), wait until its readout (the
   ``.unet-readout`` line) changes, and check that it equals what the row's expression prints in
   that notebook's own kernel. A row with no control (a live training view) checks the readout's
   final state instead, and that its progress bar is full;
5. the notebook file on disk is unchanged (the run is never saved), and no checkpoint of it was
   written beside it.

A screenshot of each view after its step goes to ``build/browser/NN_name.png``.

``test_the_harness_on_a_demo_notebook`` runs the same machinery on a small notebook it writes
(a slider, a dropdown, toggle buttons and a view with no control), so a failure there is the
harness's, not an explorer's. Run with ``make test-browser``.
"""

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab import READOUT_S, ROOT, SHOTS, NotebookPage, normalise


@dataclass(frozen=True)
class Step:
    """One step: a key press on one control of one explorer (or live view) on a notebook's page."""

    notebook: str    # path from the repository root
    index: int       # which view on the page, from the top (0 = first): every explorer and
                     # every live view (a widget box with a .unet-readout line) counts
    name: str        # for messages and the screenshot build/browser/NN_name.png
    control: str | None  # where to press, inside the view: slider(0), dropdown(1),
                         # toggle("valid"); None: no control (a view that updates itself)
    key: str | tuple | None  # the key(s) pressed there: "ArrowRight" on a slider, NEXT_OPTION
                             # on a dropdown, " " on a toggle button
    expected: str    # Python run in that notebook's kernel after the key press; what it prints
                     # is the readout the page must show


def slider(n=0):
    """The handle of the view's n-th slider (IntSlider, FloatSlider, SelectionSlider)."""
    return f".widget-slider >> nth={n} >> .noUi-handle"


def dropdown(n=0):
    """The view's n-th dropdown (a <select>)."""
    return f"select >> nth={n}"


def toggle(label):
    """The button labelled ``label`` among the view's toggle buttons (press " ")."""
    return f".widget-toggle-buttons button:text-is('{label}')"


# A dropdown is moved through the list it opens: in JupyterLab's command mode a bare ArrowDown
# on a focused <select> is taken by the notebook (it selects the next cell) and the value stays.
NEXT_OPTION = ("Alt+ArrowDown", "ArrowDown", "Enter")
PREVIOUS_OPTION = ("Alt+ArrowDown", "ArrowUp", "Enter")


class _Move:
    """A control moved by one step, as one key press moves it (see ``fresh_readout``)."""

    def __init__(self, by):
        self.by = by


NEXT, PREVIOUS = _Move(+1), _Move(-1)

_KERNEL_HELPERS = """\
from unet_helpers.explorer_layout import explorer_readout as _readout, set_control as _set
def _move(view, name, by):  # one step, as one key press: the next option, or value + step
    control = view.controls[name]
    if getattr(control, "index", None) is not None:  # Dropdown, SelectionSlider, ToggleButtons
        control.index = control.index + by
    else:
        control.value = control.value + by * control.step
def _close(widget):
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()
"""


def fresh_readout(call, **changes):
    """A kernel expression: the readout of a new explorer made by ``call`` (the notebook's own
    call, e.g. ``"shape_explorer(size=128, depth=4)"``; the notebook imported its name), then
    moved by ``changes`` (control name -> a value, or NEXT / PREVIOUS for one step), as the
    step's key press should have moved the one on the page.

    This checks the wiring (key -> control value -> draw -> readout -> page) with the
    explorer's own ``draw``; the unit tests check the numbers ``draw`` prints.
    """
    moves = "".join(f"_move(_view, {name!r}, {value.by})\n" if isinstance(value, _Move)
                    else f"_set(_view, {name!r}, {value!r})\n" for name, value in changes.items())
    return (f"{_KERNEL_HELPERS}_view = {call}\n{moves}print(_readout(_view))\n"
            "_close(_view)\ndel _view, _readout, _set, _move, _close\n")


# One row per step. To add one: the notebook, the view's place on the page, the control and key,
# and an expression that prints the readout expected after the key press. The expectations call
# each explorer's pure functions (the ones the unit tests check), not the widget, so a wrong
# wiring or a stale redraw shows. Rows on the same view run in order, so a later row's
# expectation includes the earlier rows' changes.
RECEPTIVE = ("from unet_helpers.receptive_field_explorer import format_receptive_field, "
             "receptive_field_report\n"
             "print(format_receptive_field(receptive_field_report(depth=3, row=48, col=48)))")
TRANSPOSED = ("from unet_helpers.transposed_conv_explorer import format_transposed_conv, "
              "transposed_conv_report\n"
              "print(format_transposed_conv(transposed_conv_report(kernel_size=4, strides=2, "
              "input_size=4, padding='same', row=1, col=2)))")
SHAPE = ("from unet_helpers.explorers import format_shape_report, shape_report\n"
         "print(format_shape_report(shape_report(132, 4, 16, 1, padding={padding!r}, "
         "batch_size=8)))")
SKIPS = ("from unet_helpers.skip_explorer import format_skip_readout\n"
         "print(format_skip_readout(per_image, 1))")
FEATURES = ("from unet_helpers.feature_maps import feature_map_report, format_feature_map_report\n"
            "print(format_feature_map_report(feature_map_report(untrained_maps, trained_maps, "
            "'encoder 2', 'strongest 8')))")
THRESHOLD = ("from unet_helpers.threshold_explorer import threshold_readout\n"
             "print(threshold_readout(probabilities[validation], held_out_masks[validation], "
             "0.55, image=0))")
LIVE = ("from unet_helpers.live_training import progress_line\n"
        "print(progress_line(EPOCHS, EPOCHS, {name: values[-1] for name, values in "
        "history.history.items()}, live.metric))")
STEPS = [
    Step("notebooks/02_encoder_block.ipynb", 0, "receptive_field", slider(0), "ArrowRight",
         RECEPTIVE),
    Step("notebooks/03_decoder_block.ipynb", 0, "transposed_conv", slider(0), "ArrowRight",
         TRANSPOSED),
    Step("notebooks/06_assemble.ipynb", 0, "shape", slider(0), "ArrowRight",
         SHAPE.format(padding="same")),
    Step("notebooks/06_assemble.ipynb", 0, "shape_valid", toggle("valid"), " ",
         SHAPE.format(padding="valid")),
    Step("notebooks/06_assemble.ipynb", 1, "skips", slider(0), "ArrowRight", SKIPS),
    Step("notebooks/08_training.ipynb", 0, "live_training", None, None, LIVE),
    Step("notebooks/08_training.ipynb", 1, "feature_maps", dropdown(0), NEXT_OPTION, FEATURES),
    Step("notebooks/08_training.ipynb", 2, "threshold", slider(0), "ArrowRight", THRESHOLD),
    Step("notebooks/12_upsampling.ipynb", 0, "transposed_conv", slider(0), "ArrowRight",
         TRANSPOSED),
]


def test_every_row_is_well_formed():
    for row in STEPS:
        assert (ROOT / row.notebook).is_file(), f"{row}: no such notebook"
        assert (row.control is None) == (row.key is None), f"{row}: a control needs a key"
    shots = [screenshot_path(row) for row in STEPS]
    assert len(shots) == len(set(shots)), "two rows would write the same screenshot"


def screenshot_path(row):
    stem = Path(row.notebook).stem
    prefix = stem[:2] if stem[:2].isdigit() else stem
    return SHOTS / f"{prefix}_{row.name}.png"


def check_notebook(lab_server, chromium, notebook, rows, report):
    """Open, run and check one notebook, then step every view in ``rows``."""
    path = ROOT / notebook
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    checkpoint = path.parent / ".ipynb_checkpoints" / f"{path.stem}-checkpoint.ipynb"
    had_checkpoint = checkpoint.exists()
    named_kernel = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
    start = time.monotonic()
    page = NotebookPage(chromium, lab_server, notebook)
    failures = []
    try:
        prefix = page.open()
        opened = time.monotonic()
        assert page.kernel_name() == named_kernel, (
            f"{notebook}: runs kernel {page.kernel_name()!r}, its metadata names {named_kernel!r}")
        assert Path(prefix).resolve() == Path(sys.prefix).resolve(), (
            f"{notebook}: the kernel runs the Python in {prefix}, not this venv ({sys.prefix})")

        state = page.run_all()
        ran = time.monotonic()
        problems = page.cell_problems()
        if not state.get("ok") and not problems:
            problems.append(f"Run All reported a failure: {state.get('error', 'no detail')}")
        assert not problems, f"{notebook}: after Run All:\n  " + "\n  ".join(problems)

        page.wait_for_views(max(row.index for row in rows) + 1)
        broken = [f"view {i}: {text.strip()}" for i, text in enumerate(page.all_readouts())
                  if text is not None and text.strip().startswith("✗")]
        assert not broken, f"{notebook}: an explorer shows an error:\n  " + "\n  ".join(broken)

        for row in rows:
            try:
                report.append(f"{step_view(page, row).relative_to(ROOT)}")
            except AssertionError as error:  # report every view, not only the first
                failures.append(str(error))
        report.append(f"{notebook}: opened in {opened - start:.0f} s, Run All "
                      f"{ran - opened:.0f} s, {len(rows)} step(s) {time.monotonic() - ran:.0f} s"
                      + (f"; dialogs accepted: {page.dialogs_seen}" if page.dialogs_seen else ""))
    finally:
        page.close()
    assert not failures, "\n\n".join(failures)
    after = hashlib.sha256(path.read_bytes()).hexdigest()
    assert before == after, f"{notebook} changed on disk during the browser test"
    assert had_checkpoint or not checkpoint.exists(), f"the browser test wrote {checkpoint}"


def step_view(page, row):
    """Press the row's key on its control, check the readout; return the screenshot's path."""
    where = f"{row.notebook}, view {row.index} ({row.name})"
    view = page.views().nth(row.index)
    view.scroll_into_view_if_needed()
    before = page.readout(row.index)
    if row.control is not None:
        control = view.locator(row.control)
        assert control.count() >= 1, f"{where}: nothing matches {row.control!r} inside the view"
        keys = (row.key,) if isinstance(row.key, str) else row.key
        for number, key in enumerate(keys):
            if number:
                page.page.wait_for_timeout(300)  # let a dropdown's list open
            control.first.press(key)
        after = page.wait_for_readout(row.index, lambda text: text != before, READOUT_S)
        assert after != before, (f"{where}: the readout did not change after {row.key} on "
                                 f"{row.control!r}; it still says {normalise(before)!r}")
    expected = normalise(page.kernel_print(row.expected))
    shown = page.wait_for_readout(row.index, lambda text: normalise(text) == expected,
                                  READOUT_S)
    path = screenshot_path(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    view.screenshot(path=str(path))
    what = f"after {row.key} on {row.control!r}" if row.control else "at the end of the run"
    assert normalise(shown) == expected, (
        f"{where}: {what} the readout says\n    {normalise(shown)!r}\n"
        f"  the kernel expects\n    {expected!r}\n  (before: {normalise(before)!r}; "
        f"screenshot: {path.relative_to(ROOT)})")
    if row.control is None:
        bars = page.progress_bars(row.index)
        assert all(bar == "100%" for bar in bars), (
            f"{where}: a progress bar is not full at the end of the run: {bars}")
    return path


# --- the harness itself, on a notebook it writes ----------------------------------------------

DEMO_CODE = '''\
import ipywidgets as widgets
from unet_helpers.explorer_layout import display_widget, make_explorer, new_figure


def demo_draw(n, letter, padding="same"):
    figure = new_figure(3, 1)
    figure.add_subplot().bar(range(n + 1), range(n + 1))
    return f"n={n}  letter={letter}  n²={n * n}  padding={padding}", figure


def demo_explorer(n=3, letter="a"):
    return make_explorer(demo_draw, {
        "n": widgets.IntSlider(value=n, min=0, max=10, description="n",
                               continuous_update=False),
        "letter": widgets.Dropdown(options=["a", "b", "c"], value=letter,
                                   description="letter"),
        "padding": widgets.ToggleButtons(options=["same", "valid"], value="same")})
'''
DEMO_LIVE = '''\
import time
line = widgets.HTML("<code>epoch 0/3</code>")
line.add_class("unet-readout")
bar = widgets.IntProgress(value=0, min=0, max=3, description="epochs")
display_widget(widgets.VBox([line, bar]), "a live view")
for epoch in range(1, 4):
    time.sleep(0.3)
    line.value = f"<code>epoch {epoch}/3 done</code>"
    bar.value = epoch
'''
DEMO_CELLS = [
    DEMO_CODE,
    'display_widget(demo_explorer(), "a demo explorer")',
    DEMO_LIVE,  # like live_training.LiveTraining: a readout, a progress bar, no control
    'display_widget(demo_explorer(n=7, letter="b"), "another")',
]
DEMO_NOTEBOOK = "build/browser/harness/demo_explorers.ipynb"
DEMO_ROWS = [
    Step(DEMO_NOTEBOOK, 0, "slider", slider(0), "ArrowRight", 'print(demo_draw(4, "a")[0])'),
    Step(DEMO_NOTEBOOK, 0, "dropdown", dropdown(0), NEXT_OPTION,
         fresh_readout("demo_explorer()", n=4, letter=NEXT)),
    Step(DEMO_NOTEBOOK, 1, "live", None, None, 'print("epoch 3/3 done")'),
    Step(DEMO_NOTEBOOK, 2, "dropdown_up", dropdown(0), PREVIOUS_OPTION,
         'print(demo_draw(7, "a", "same")[0])'),
    Step(DEMO_NOTEBOOK, 2, "toggle", toggle("valid"), " ",
         fresh_readout('demo_explorer(n=7, letter="b")', letter="a", padding="valid")),
]


@pytest.fixture
def demo_notebook():
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in DEMO_CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    path = ROOT / DEMO_NOTEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    yield DEMO_NOTEBOOK
    path.unlink(missing_ok=True)
    for leftover in (path.parent / ".ipynb_checkpoints", path.parent):
        if leftover.is_dir() and not any(leftover.iterdir()):
            leftover.rmdir()


def test_the_harness_on_a_demo_notebook(lab_server, chromium, demo_notebook, report):
    check_notebook(lab_server, chromium, demo_notebook, DEMO_ROWS, report)


# --- the series' explorers ---------------------------------------------------------------------

NOTEBOOKS = sorted({row.notebook for row in STEPS})


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[Path(n).stem for n in NOTEBOOKS])
def test_explorers(lab_server, chromium, notebook, report):
    check_notebook(lab_server, chromium, notebook,
                   [row for row in STEPS if row.notebook == notebook], report)
