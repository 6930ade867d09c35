"""Where to cut the probabilities: Dice, IoU and the wrong pixels at a threshold, and an explorer.

- ``threshold_report``: Dice, IoU, false-alarm and missed pixels of ``probabilities > threshold``
  over a set of images (``scores.dice_coefficient`` / ``iou_score``)
- ``best_threshold``: the threshold with the highest Dice on the images given (the validation
  images: the score that reports it comes from other images)
- ``threshold_readout``: the explorer's one-line readout for a setting
- ``threshold_explorer``: a threshold slider and an image slider over the probabilities, the
  mask and the error map (white found, orange false alarm, blue missed)

The probabilities are computed once, before the explorer is built: moving a slider only
thresholds and counts. numpy only; ipywidgets and matplotlib are imported when a widget is made.
"""

import numpy as np

from .checks import check_whole_number
from .data_checks import check_array, check_binary_masks
from .evaluation import check_threshold
from .scores import dice_coefficient, iou_score

__all__ = ["THRESHOLDS", "threshold_report", "best_threshold", "threshold_readout",
           "threshold_explorer"]

THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.05, 1.0, 0.05), 2))  # 0.05 ... 0.95


def _check_probabilities_and_masks(probabilities, masks):
    check_array(probabilities, "probabilities", shape_hint="(N, H, W, 1)")
    check_binary_masks(masks)
    if np.shape(probabilities) != np.shape(masks):
        raise ValueError(f"probabilities {np.shape(probabilities)} and masks {np.shape(masks)} "
                         "must have one shape: predict on the same images the masks belong to "
                         "(predict_masks(model, images)[0]).")


def _report(probabilities, masks, threshold):
    """The report without the argument checks (the explorer checks once, then calls this)."""
    predicted = np.asarray(probabilities) > threshold
    truth = np.asarray(masks) > 0.5
    return {"threshold": float(threshold), "images": len(predicted),
            "dice": dice_coefficient(masks, predicted), "iou": iou_score(masks, predicted),
            "found": int(np.sum(truth & predicted)),
            "false_alarms": int(np.sum(~truth & predicted)),
            "missed": int(np.sum(truth & ~predicted))}


def threshold_report(probabilities, masks, threshold):
    """Scores of the mask ``probabilities > threshold`` against ``masks``, over all the images.

    ``probabilities``: ``(N, H, W, 1)`` in [0, 1]; ``masks``: ``(N, H, W, 1)`` of 0 and 1;
    ``threshold`` in (0, 1). Returns a dict: ``threshold``, ``images`` (N), ``dice`` and
    ``iou`` (over all the pixels at once, as ``evaluate_binary``), and pixel counts ``found``
    (true cell, predicted), ``false_alarms`` (background predicted as cell) and ``missed``
    (cell predicted as background).
    """
    check_threshold(threshold)
    _check_probabilities_and_masks(probabilities, masks)
    return _report(probabilities, masks, threshold)


def _check_thresholds(thresholds):
    values = np.asarray(thresholds, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"thresholds must be a list of numbers in (0, 1), e.g. THRESHOLDS "
                         f"(0.05 to 0.95 in steps of 0.05), got shape {values.shape}.")
    for value in values:
        check_threshold(float(value))
    return values


def best_threshold(probabilities, masks, thresholds=THRESHOLDS):
    """The threshold with the highest Dice on these images, and the Dice at every threshold.

    ``probabilities``/``masks``: ``(N, H, W, 1)``, the validation images (choose on them,
    report the score on others). Returns ``(best, dice)``: ``best`` a float from
    ``thresholds`` (the first of equals), ``dice`` a ``(len(thresholds),)`` array.
    """
    values = _check_thresholds(thresholds)
    _check_probabilities_and_masks(probabilities, masks)
    dice = np.array([_report(probabilities, masks, t)["dice"] for t in values])
    return float(values[int(np.argmax(dice))]), dice


def _readout(report, best, image, image_report, label):
    best_t, best_dice = best
    return (f"threshold {report['threshold']:.2f}: Dice {report['dice']:.3f}, IoU "
            f"{report['iou']:.3f} on the {report['images']} {label} images (best: {best_t:.2f} "
            f"-> {best_dice:.3f}); image {image}: Dice {image_report['dice']:.3f}, "
            f"{image_report['false_alarms']} false-alarm and {image_report['missed']} missed "
            "pixels")


def threshold_readout(probabilities, masks, threshold, image=0, thresholds=THRESHOLDS,
                      label="validation"):
    """The explorer's readout line for ``threshold`` and ``image`` (an index into the images).

    E.g. "threshold 0.50: Dice 0.944, IoU 0.895 on the 32 validation images (best: 0.80 ->
    0.951); image 0: Dice 0.970, 12 false-alarm and 30 missed pixels".
    """
    report = threshold_report(probabilities, masks, threshold)
    best, dice = best_threshold(probabilities, masks, thresholds)
    _check_image_index(image, len(probabilities), label)
    one = _report(probabilities[image:image + 1], masks[image:image + 1], threshold)
    return _readout(report, (best, float(dice.max())), image, one, label)


def _check_image_index(image, count, label):
    check_whole_number(image, "image", 0, f"0 to {count - 1}")
    if image >= count:
        raise ValueError(f"image must be an index from 0 to {count - 1}, got {image}.")
    if not isinstance(label, str) or not label:
        raise ValueError(f"label names the images in the readout, e.g. 'validation' or 'test', "
                         f"got {label!r}.")


def _draw(figure, probabilities, mask, threshold, thresholds, dice, label, image):
    """Probabilities, mask, errors of one image and the Dice curve, into ``figure``."""
    from matplotlib.patches import Patch

    from .colours import ERROR_COLOURS
    from .segmentation_plots import error_map

    predicted = probabilities > threshold
    figure.set_layout_engine("none")  # fixed margins: a layout engine would double the redraw
    axes = figure.subplots(1, 4, width_ratios=(1, 1, 1, 1.4), gridspec_kw=dict(
        left=0.01, right=0.99, bottom=0.17, top=0.9, wspace=0.25))
    shown = axes[0].imshow(probabilities.squeeze(), cmap="magma", vmin=0, vmax=1)
    figure.colorbar(shown, ax=axes[0], fraction=0.046, pad=0.03, label="probability")
    axes[1].imshow(predicted.squeeze(), cmap="gray", vmin=0, vmax=1)
    axes[2].imshow(error_map(mask, predicted))
    axes[2].legend(handles=[Patch(facecolor=ERROR_COLOURS[kind], edgecolor="gray", label=text)
                            for kind, text in (("true positive", "found"),
                                               ("false positive", "false alarm"),
                                               ("false negative", "missed"))],
                   loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, fontsize=7,
                   frameon=False, handlelength=1, columnspacing=0.8)
    for ax, title in zip(axes, (f"image {image}: probabilities", f"mask (p > {threshold:.2f})", "errors")):
        ax.set_axis_off()
        ax.text(0.5, 1.02, title, transform=ax.transAxes, ha="center", va="bottom")
    curve = axes[3]
    curve.plot(thresholds, dice, marker="o", markersize=3)
    curve.axvline(threshold, color="gray", linestyle="--", label=f"now {threshold:.2f}")
    best = int(np.argmax(dice))
    curve.plot(thresholds[best], dice[best], marker="*", markersize=11, linestyle="none",
               color="black", label=f"best {thresholds[best]:.2f}")
    curve.set_xlabel("threshold")
    curve.set_ylabel(f"Dice, all {label} images")
    curve.set_title("Dice against threshold", fontsize=10)
    curve.legend(fontsize=8)


def threshold_explorer(probabilities, masks, threshold=0.5, image=0, thresholds=THRESHOLDS,
                       label="validation"):
    """A threshold slider and an image slider; the readout is ``threshold_readout``'s line.

    ``probabilities``/``masks``: ``(N, H, W, 1)``, computed once (``predict_masks``). The
    picture shows one image's probabilities, its mask at the threshold, its errors, and the
    Dice of all N images at every threshold with the current one marked.
    """
    import ipywidgets as widgets

    from .explorer_layout import make_explorer, new_figure

    values = _check_thresholds(thresholds)
    check_threshold(threshold)
    _check_probabilities_and_masks(probabilities, masks)
    _check_image_index(image, len(probabilities), label)
    options = [(f"{t:.2f}", float(t)) for t in values]
    if not np.isclose(values, threshold).any():
        raise ValueError(f"threshold {threshold!r} is not one of the slider's thresholds "
                         f"({options[0][0]} to {options[-1][0]}): pick one of them.")
    start = float(values[np.isclose(values, threshold)][0])
    best, dice = best_threshold(probabilities, masks, values)  # once, not per redraw

    def draw(threshold, image):
        report = _report(probabilities, masks, threshold)
        one = _report(probabilities[image:image + 1], masks[image:image + 1], threshold)
        figure = new_figure(11, 2.7)
        _draw(figure, probabilities[image], masks[image], threshold, values, dice, label, image)
        return _readout(report, (best, float(dice.max())), image, one, label), figure

    controls = {
        "threshold": widgets.SelectionSlider(options=options, value=start,
                                             description="threshold", continuous_update=False),
        "image": widgets.IntSlider(value=image, min=0, max=len(probabilities) - 1,
                                   description="image", continuous_update=False),
    }
    return make_explorer(draw, controls)
