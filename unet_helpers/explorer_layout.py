"""The shell every explorer shares: controls on top, a one-line readout, then a picture.

An explorer is a pure function ``draw(**values) -> (readout, figure)`` wrapped in core
ipywidgets, which work on ipywidgets 7.7 (Colab) and 8 (JupyterLab 4):

- the controls (sliders, dropdowns, toggle buttons) sit in one row;
- the readout is a ``widgets.HTML`` line with the text ``draw`` returned (CSS class
  ``unet-readout``, so a browser test can read it);
- the picture is a ``widgets.Image`` holding the figure as a PNG.

Moving a control calls ``draw`` with the new values and replaces the readout and the picture
in place. Nothing is printed into the cell, so the notebook's saved outputs do not depend on
how often a learner moved a slider, and the explorer behaves the same under nbval, in
JupyterLab and on Colab. ``draw`` makes its figure with ``new_figure`` (a matplotlib
``Figure``, not pyplot), so the inline backend never shows it a second time.

If ``draw`` raises, the readout shows "✗ " and the message (the picture stays), instead of a
traceback in a log the learner never opens.
"""

import functools
import html
import io

__all__ = ["new_figure", "figure_png", "make_explorer", "explorer_readout", "set_control",
           "display_widget", "show_figure"]


def new_figure(width=8.0, height=3.0, dpi=100):
    """A matplotlib ``Figure`` of ``width`` × ``height`` inches, not registered with pyplot."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def figure_png(figure):
    """The figure as PNG bytes (what a ``widgets.Image`` shows)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def show_figure(figure):
    """Show a ``new_figure`` in the notebook as a PNG (what the static cell before an explorer does).

    ``display(figure)`` would show only a ``<Figure ...>`` line unless pyplot had already been
    used in the kernel; a PNG shows the same everywhere, and its saved text never changes.
    """
    from IPython.display import Image, display

    display(Image(figure_png(figure)))


def make_explorer(draw, controls):
    """Wire ``controls`` (a dict name -> widget) to ``draw`` and return the explorer's box.

    ``draw(**values)`` gets every control's current value by name and returns
    ``(readout_text, figure_or_None)``. The box (a ``VBox``, CSS class ``unet-explorer``) has
    three children: the row of controls, the readout and the picture. ``box.refresh()``
    redraws; tests move a control with ``set_control`` and read ``explorer_readout``.
    """
    import ipywidgets as widgets

    readout = widgets.HTML(value="")
    readout.add_class("unet-readout")
    picture = widgets.Image(format="png")
    picture.add_class("unet-picture")

    def refresh(change=None):
        values = {name: control.value for name, control in controls.items()}
        try:
            text, figure = draw(**values)
        except Exception as error:  # noqa: BLE001  (shown to the learner, never swallowed)
            readout.value = f"<code>✗ {html.escape(type(error).__name__)}: {html.escape(str(error))}</code>"
            return
        readout.value = f"<code>{html.escape(text)}</code>"
        if figure is not None:
            picture.value = figure_png(figure)

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    box = _ExplorerBox([widgets.HBox(list(controls.values())), readout, picture])
    box.add_class("unet-explorer")
    box.controls = controls
    box.refresh = refresh
    return box


@functools.cache
def _explorer_box_class():
    import ipywidgets as widgets

    class ExplorerBox(widgets.VBox):
        """A VBox whose plain-text form (what a notebook saved without a front end keeps, and
        GitHub shows) is one short sentence, the same on ipywidgets 7 and 8."""

        def __repr__(self):
            return ("Interactive explorer: run this notebook in JupyterLab or Colab to move its "
                    "controls.")

    return ExplorerBox


def _ExplorerBox(children):  # noqa: N802  (made on first use: ipywidgets loads only then)
    return _explorer_box_class()(children)


def set_control(explorer, name, value):
    """Move one control of an explorer, as a learner would; the readout follows at once."""
    explorer.controls[name].value = value


def explorer_readout(explorer):
    """The readout line an explorer shows now, as plain text."""
    readout = explorer.children[1].value
    return html.unescape(readout.removeprefix("<code>").removesuffix("</code>"))


def display_widget(widget, text):
    """Display ``widget`` with ``text`` as its plain-text form.

    A notebook saved without a running front end (nbval, GitHub) keeps only that text, so it
    stays the same on every ipywidgets version (their own ``repr`` differs between 7 and 8).
    Both versions show a widget from this same bundle.
    """
    from IPython.display import display

    bundle = {"text/plain": text,
              "application/vnd.jupyter.widget-view+json": {
                  "version_major": 2, "version_minor": 0, "model_id": widget.model_id}}
    display(bundle, raw=True)
