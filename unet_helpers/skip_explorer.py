"""What the skip connections buy, image by image: two models' masks side by side.

Notebook 06 trains one small U-Net twice, with and without its skip connections. The averages
say which is better; this module shows where, one held-out image at a time:

- ``per_image_scores``: Dice and boundary error of every image for one model's masks;
- ``skip_scores``: the same for both models, in one dict of ``(N,)`` arrays;
- ``format_skip_readout``: one image's four numbers as one readout line;
- ``skip_figure``: the image, its true mask, both models' errors (or masks) and every image's
  Dice with and without skips, the chosen image marked;
- ``show_skip_figure``: that figure in a static notebook cell;
- ``skip_explorer``: an image slider and a view toggle over the same (``explorer_layout``).

The scores come from ``scores.dice_coefficient`` and ``scores.boundary_error``, computed once
per image when the explorer is built, so moving the slider only redraws.
"""

import numbers

import numpy as np

from .data_checks import check_array, check_images, check_pairs
from .scores import boundary_error, dice_coefficient

__all__ = ["VIEWS", "per_image_scores", "skip_scores", "format_skip_readout", "skip_figure",
           "show_skip_figure", "skip_explorer"]

VIEWS = ("errors", "masks")   # what the two model panels show
_CAPTIONS = {
    "errors": "errors: white = found, orange = false alarm, blue = missed\n(Okabe–Ito orange "
              "and blue: distinct with red–green colour blindness and in grayscale)",
    "masks": "predicted masks: white = cell, black = background (threshold 0.5)",
}


def _check_masks(values, name):
    """Raise unless ``values`` are ``(N, H, W, 1)`` masks holding only 0 and 1."""
    check_array(values, name, shape_hint="(N, H, W, 1)")
    values = np.asarray(values)
    if values.shape[-1] != 1:
        raise ValueError(f"{name} must have one channel, (N, H, W, 1); got {values.shape}.")
    if not np.isin(values, (0, 1)).all():
        raise ValueError(f"{name} hold values other than 0 and 1 (probabilities?): threshold "
                         "them first, e.g. predict_masks(model, images)[1] or "
                         "(probabilities > 0.5).astype('float32').")


def _check_same_shape(masks, predicted, name):
    if np.shape(masks) != np.shape(predicted):
        raise ValueError(f"masks {np.shape(masks)} and {name} {np.shape(predicted)} differ in "
                         "shape: predict on the same held-out images the masks belong to.")


def _one_boundary_error(mask, predicted):
    """``boundary_error`` of one ``(H, W, 1)`` pair, NaN when either has no outline."""
    if not (mask.any() and predicted.any()):
        return np.nan                      # nothing predicted (or no cell): no outline to compare
    try:
        return boundary_error(mask[None], predicted[None])
    except ValueError:                     # a mask with no edge inside the image (all 1s)
        return np.nan


def per_image_scores(masks, predicted):
    """Dice and boundary error of each image: ``(N, H, W, 1)`` 0/1 masks, twice -> ``(N,)`` each.

    Returns ``{"dice": ..., "boundary": ...}``. Dice follows ``scores.dice_coefficient``: an
    image with no foreground in either mask gets 0. The boundary error (pixels) is NaN where
    either mask has no outline; ``np.nanmean`` of it equals ``boundary_error(masks, predicted)``.
    """
    _check_masks(masks, "masks")
    _check_masks(predicted, "predicted")
    _check_same_shape(masks, predicted, "predicted")
    masks, predicted = np.asarray(masks), np.asarray(predicted)
    dice = [dice_coefficient(mask, guess) for mask, guess in zip(masks, predicted)]
    boundary = [_one_boundary_error(mask, guess) for mask, guess in zip(masks, predicted)]
    return {"dice": np.array(dice), "boundary": np.array(boundary)}


def skip_scores(masks, with_skips, without_skips):
    """Per-image scores of both models: ``(N, H, W, 1)`` 0/1 masks -> a dict of ``(N,)`` arrays.

    Keys: ``dice_with``, ``dice_without``, ``boundary_with``, ``boundary_without`` (pixels,
    NaN where an outline is missing); see ``per_image_scores``.
    """
    _check_same_shape(masks, without_skips, "without_skips")
    scores = {}
    for suffix, predicted in (("with", with_skips), ("without", without_skips)):
        one = per_image_scores(masks, predicted)
        scores[f"dice_{suffix}"], scores[f"boundary_{suffix}"] = one["dice"], one["boundary"]
    return scores


def _check_index(index, count):
    if (isinstance(index, bool) or not isinstance(index, numbers.Integral)
            or not 0 <= index < count):
        raise ValueError(f"index must be a whole number from 0 to {count - 1} (an image of the "
                         f"held-out set), got {index!r}.")


def _pixels(value):
    return f"{value:.1f} px" if np.isfinite(value) else "n/a (no outline)"


def format_skip_readout(scores, index):
    """One image's scores as the explorer's readout line, e.g. ``'image 3: Dice 0.93 with
    skips vs 0.71 without; boundary error 0.8 px vs 3.1 px'``."""
    _check_index(index, len(scores["dice_with"]))
    return (f"image {index}: Dice {scores['dice_with'][index]:.2f} with skips vs "
            f"{scores['dice_without'][index]:.2f} without; boundary error "
            f"{_pixels(scores['boundary_with'][index])} vs "
            f"{_pixels(scores['boundary_without'][index])}")


def skip_figure(images, masks, with_skips, without_skips, index=0, view="errors", scores=None):
    """A matplotlib ``Figure`` (not pyplot) for image ``index`` of ``(N, H, W, C)`` images.

    Panels: the image, its true mask, the model with skips and the one without (``view``:
    "errors", ``segmentation_plots.error_map``, or "masks", the predicted masks), then every
    image's Dice with against without skips, the chosen image marked. ``scores``: a
    ``skip_scores`` dict (computed when not given).
    """
    from .explorer_layout import new_figure
    from .segmentation_plots import error_map

    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}.")
    if scores is None:
        scores = skip_scores(masks, with_skips, without_skips)
    _check_index(index, len(scores["dice_with"]))
    figure = new_figure(11.0, 3.3)
    axes = figure.subplots(1, 5, width_ratios=(1, 1, 1, 1, 1.15))
    models = (("with skips", with_skips, scores["dice_with"]),
              ("without skips", without_skips, scores["dice_without"]))
    panels = [(np.asarray(images[index]).squeeze(), f"image {index}"),
              (np.asarray(masks[index]).squeeze(), "true mask")]
    for name, predicted, dice in models:
        picture = (error_map(masks[index], predicted[index]) if view == "errors"
                   else np.asarray(predicted[index]).squeeze())
        panels.append((picture, f"{name}: Dice {dice[index]:.2f}"))
    for ax, (picture, title) in zip(axes, panels):
        ax.imshow(picture, cmap="gray", vmin=0, vmax=1, interpolation="nearest")  # RGB: no cmap
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    _draw_dice_scatter(axes[4], scores, index)
    figure.supxlabel(_CAPTIONS[view], fontsize=8)
    return figure


def _draw_dice_scatter(ax, scores, index):
    """Every image's Dice, without skips (x) against with skips (y); the chosen one marked."""
    ax.plot([0, 1], [0, 1], linestyle="--", color="0.5", linewidth=1)
    ax.scatter(scores["dice_without"], scores["dice_with"], s=12, color="0.55")
    ax.scatter(scores["dice_without"][index], scores["dice_with"][index], s=70,
               facecolor="#440154", edgecolor="black", zorder=3)
    ax.text(0.05, 0.93, "above the line:\nthe skips do better", fontsize=7, va="top")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("Dice without skips", fontsize=8)
    ax.set_ylabel("Dice with skips", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(f"all {len(scores['dice_with'])} images", fontsize=9)


def show_skip_figure(images, masks, with_skips, without_skips, index=0, view="errors",
                     scores=None):
    """Show ``skip_figure`` in a notebook cell (as a PNG, so the saved output is the same
    whether or not pyplot has drawn before) and return the ``skip_scores`` it used."""
    from .explorer_layout import show_figure

    if scores is None:
        scores = skip_scores(masks, with_skips, without_skips)
    figure = skip_figure(images, masks, with_skips, without_skips, index, view, scores)
    show_figure(figure)
    return scores


def skip_explorer(images, masks, with_skips, without_skips, index=0, view="errors"):
    """An image slider and an errors/masks toggle; the readout (``format_skip_readout``) and
    the figure (``skip_figure``) follow. ``images (N, H, W, C)``; the masks and both models'
    predicted masks ``(N, H, W, 1)``, 0/1. The scores are computed once, here."""
    import ipywidgets as widgets

    from .explorer_layout import make_explorer

    check_images(images)
    check_pairs(images, masks)
    scores = skip_scores(masks, with_skips, without_skips)
    _check_index(index, len(images))
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}.")
    controls = {
        "index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="image",
                                   continuous_update=False),
        "view": widgets.ToggleButtons(options=list(VIEWS), value=view, description="show"),
    }

    def draw(index, view):
        figure = skip_figure(images, masks, with_skips, without_skips, index, view, scores)
        return format_skip_readout(scores, index), figure

    return make_explorer(draw, controls)
