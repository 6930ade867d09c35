"""Watch a training run: a progress bar, the loss and a metric so far, and one sample's prediction.

``LiveTraining`` is a Keras callback. When ``fit`` starts it shows a widget (a line of text, a
progress bar and a picture); after each epoch it updates them in place and prints the same
stable line as ``training.EpochProgress`` ("epoch 3/8 done"). So in JupyterLab or Colab the
learner watches the curves grow and the sample's prediction sharpen, while a notebook run
without a front end (nbval, GitHub) keeps only stable text: the widget's plain-text line and
the epoch lines. Each epoch costs one forward pass on one image and one small figure.

- ``progress_line``: the widget's text line for one epoch's logs
- ``progress_figure``: the picture (curves so far, the sample's probabilities)
"""

import html

import keras
import numpy as np

from .data_checks import check_binary_masks, check_images
from .training import EpochProgress

__all__ = ["LiveTraining", "progress_line", "progress_figure"]


def progress_line(epoch, epochs, logs, metric="iou"):
    """``"epoch 3/8 — loss 0.923, iou 0.819"`` for 1-based ``epoch`` and Keras' ``logs``."""
    return f"epoch {epoch}/{epochs} — loss {logs['loss']:.3f}, {metric} {logs[metric]:.3f}"


def progress_figure(history, epochs, probabilities, mask, metric="iou"):
    """Loss and ``metric`` per epoch so far, and one image's probabilities with its true outline.

    ``history``: ``{"loss": [...], metric: [...]}``, one value per finished epoch;
    ``probabilities`` and ``mask``: ``(H, W, 1)``. Returns a matplotlib ``Figure`` (not pyplot).
    """
    from .explorer_layout import new_figure

    figure = new_figure(9, 2.3)
    figure.set_layout_engine("none")  # fixed margins: a constrained layout each epoch is slow
    margins = dict(left=0.07, right=0.99, bottom=0.2, top=0.87, wspace=0.3)
    loss_ax, metric_ax, sample_ax = figure.subplots(1, 3, width_ratios=(1, 1, 0.6),
                                                    gridspec_kw=margins)
    done = np.arange(1, len(history["loss"]) + 1)
    for ax, name in ((loss_ax, "loss"), (metric_ax, metric)):
        ax.plot(done, history[name], marker="o", markersize=3)
        ax.set_xlim(0.5, epochs + 0.5)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"training {name}", fontsize=10)
    metric_ax.set_ylim(0, 1)
    sample_ax.imshow(np.asarray(probabilities).squeeze(), cmap="magma", vmin=0, vmax=1)
    sample_ax.contour(np.asarray(mask).squeeze(), levels=[0.5], colors="white",
                      linewidths=0.7)
    sample_ax.set_title("sample's probabilities", fontsize=10)
    sample_ax.text(0.5, -0.04, "white: true outline", transform=sample_ax.transAxes,
                   ha="center", va="top", fontsize=8)
    sample_ax.set_axis_off()
    return figure


class LiveTraining(EpochProgress):
    """A live view of ``fit``: the line "epoch 3/8 — loss 0.923, iou 0.819", a progress bar,
    and a picture of the curves and of ``sample_image``'s prediction, updated after each epoch.

    ``epochs``: the same number as ``fit``'s; ``sample_image``: ``(H, W, C)`` in [0, 1], of the
    model's size; ``sample_mask``: its ``(H, W, 1)`` 0/1 mask; ``metric``: the name of one of
    the model's metrics (``compile_binary`` has "iou" and "accuracy"). It prints "epoch k/N
    done" after each epoch, like ``EpochProgress``; ``widget`` (a ``VBox``), ``history`` and
    ``probabilities`` (the sample's latest prediction) stay on the callback.
    """

    def __init__(self, epochs, sample_image, sample_mask, metric="iou"):
        super().__init__(epochs)
        check_images(np.asarray(sample_image)[None])
        check_binary_masks(np.asarray(sample_mask)[None])
        if np.shape(sample_image)[:2] != np.shape(sample_mask)[:2]:
            raise ValueError(f"sample_image {np.shape(sample_image)} and sample_mask "
                             f"{np.shape(sample_mask)} differ in height or width: pass an "
                             "image and its own mask, e.g. images[0] and masks[0].")
        if not isinstance(metric, str) or metric == "loss" or not metric:
            raise ValueError(f"metric must name one of the model's metrics, e.g. 'iou' or "
                             f"'accuracy' (the loss is always shown), got {metric!r}.")
        self.sample_image = np.asarray(sample_image, dtype="float32")
        self.sample_mask = np.asarray(sample_mask)
        self.metric = metric
        self.widget = None
        self.history = {"loss": [], metric: []}
        self.probabilities = None

    def set_model(self, model):
        from .evaluation import check_model_images

        check_model_images(model, self.sample_image[None])
        super().set_model(model)

    def on_train_begin(self, logs=None):
        import ipywidgets as widgets

        from .explorer_layout import display_widget

        self.history = {"loss": [], self.metric: []}
        self.line = widgets.HTML(value=f"<code>epoch 0/{self.epochs}</code>")
        self.line.add_class("unet-readout")
        self.progress = widgets.IntProgress(value=0, min=0, max=self.epochs,
                                            description="epochs")
        self.picture = widgets.Image(format="png")
        self.picture.add_class("unet-picture")
        self.widget = widgets.VBox([self.line, self.progress, self.picture])
        display_widget(self.widget, f"live training view: loss, {self.metric} and a sample's "
                                    f"prediction after each of {self.epochs} epochs")

    def on_epoch_end(self, epoch, logs=None):
        from .explorer_layout import figure_png

        logs = logs or {}
        if self.metric not in logs:
            raise ValueError(f"The model reports no metric {self.metric!r} (it has "
                             f"{sorted(logs)}): pass one of those as metric=.")
        self.history["loss"].append(float(logs["loss"]))
        self.history[self.metric].append(float(logs[self.metric]))
        output = self.model(self.sample_image[None], training=False)  # one image, no tracing
        self.probabilities = keras.ops.convert_to_numpy(output)[0]
        if self.widget is not None:  # on_train_begin made it (fit always calls it first)
            self.line.value = "<code>" + html.escape(
                progress_line(epoch + 1, self.epochs, logs, self.metric)) + "</code>"
            self.progress.value = epoch + 1
            self.picture.value = figure_png(progress_figure(
                self.history, self.epochs, self.probabilities, self.sample_mask, self.metric))
        super().on_epoch_end(epoch, logs)
