"""Pictures of images, masks and predictions: overlays, errors, classes and the confusion matrix.

- binary masks: ``show_image_and_mask``, ``show_predictions`` and ``error_map`` (white = found,
  orange = false alarm, blue = missed)
- class ids: ``colour_mask``, ``show_class_masks`` and ``plot_confusion``

Colours come from ``colours`` and read for colour-blind readers.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from .class_masks import as_class_ids
from .colours import CLASS_COLOURS, ERROR_COLOURS, class_cmap

__all__ = ["show_image_and_mask", "error_map", "show_predictions", "colour_mask",
           "show_class_masks", "plot_confusion"]


def show_image_and_mask(image, mask, title="", alpha=0.4):
    """Image, mask, and the mask overlaid in colour with transparency, side by side."""
    image = np.asarray(image).squeeze()
    mask = np.asarray(mask).squeeze()
    fig, axes = plt.subplots(1, 3, figsize=(8, 2.9), dpi=100)
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image")
    axes[1].imshow(mask, cmap="gray", vmin=0, vmax=1)
    axes[1].set_title("mask")
    axes[2].imshow(image, cmap="gray")
    axes[2].imshow(np.ma.masked_where(mask == 0, mask), cmap="viridis", alpha=alpha,
                   vmin=0, vmax=1)
    axes[2].set_title("overlay")
    for ax in axes:
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def error_map(mask, predicted):
    """An RGB image ``(H, W, 3)``: white = found, orange = false alarm, blue = missed, black = background."""
    truth = np.asarray(mask).squeeze() > 0.5
    guess = np.asarray(predicted).squeeze() > 0.5
    rgb = np.zeros(truth.shape + (3,))
    rgb[truth & guess] = ERROR_COLOURS["true positive"]
    rgb[~truth & guess] = ERROR_COLOURS["false positive"]
    rgb[truth & ~guess] = ERROR_COLOURS["false negative"]
    return rgb


def show_predictions(images, masks, probabilities, threshold=0.5, n=3):
    """One row per example: image, true mask, probabilities, predicted mask, errors."""
    n = min(n, len(images))
    fig, axes = plt.subplots(n, 5, figsize=(11, 2.3 * n), dpi=100, squeeze=False)
    titles = ["image", "true mask", "probabilities", f"mask (p > {threshold})", "errors"]
    for row in range(n):
        predicted = probabilities[row] > threshold
        panels = [(images[row].squeeze(), "gray", 0, 1), (masks[row].squeeze(), "gray", 0, 1),
                  (probabilities[row].squeeze(), "magma", 0, 1), (predicted.squeeze(), "gray", 0, 1)]
        for col, (data, cmap, vmin, vmax) in enumerate(panels):
            axes[row, col].imshow(data, cmap=cmap, vmin=vmin, vmax=vmax)
        axes[row, 4].imshow(error_map(masks[row], predicted))
        for col in range(5):
            axes[row, col].set_axis_off()
            if row == 0:
                axes[row, col].set_title(titles[col], fontsize=9)
    fig.text(0.5, 0.0, "errors: white = found, orange = false alarm, blue = missed",
             ha="center", fontsize=9)
    fig.tight_layout()
    return fig


def colour_mask(ids, num_classes):
    """Class ids ``(H, W)`` or ``(H, W, 1)`` -> an RGB image ``(H, W, 3)``, one colour per class."""
    ids = as_class_ids(np.asarray(ids).squeeze(), num_classes)
    class_cmap(num_classes)  # checks that there are enough colours
    return np.asarray(CLASS_COLOURS[:num_classes])[ids]


def _legend(fig, class_names):
    handles = [Patch(facecolor=CLASS_COLOURS[i], edgecolor="gray", label=f"{i} {name}")
               for i, name in enumerate(class_names)]
    fig.legend(handles=handles, loc="lower center", ncol=len(class_names), fontsize=9,
               frameon=False, bbox_to_anchor=(0.5, -0.02))


def show_class_masks(images, masks, class_names, predictions=None, n=3):
    """One row per example: image, true classes, and (given ``predictions``) predicted classes
    and the wrong pixels. ``images``/``masks``/``predictions``: ``(N, H, W, 1)``; a legend names
    the classes.
    """
    num_classes = len(class_names)
    n = min(n, len(images))
    columns = 2 if predictions is None else 4
    fig, axes = plt.subplots(n, columns, figsize=(2.4 * columns, 2.4 * n + 0.4), dpi=100,
                             squeeze=False)
    titles = ["image", "true classes", "predicted classes", "wrong pixels (red)"]
    for row in range(n):
        truth = as_class_ids(masks[row], num_classes).squeeze()
        axes[row, 0].imshow(np.asarray(images[row]).squeeze(), cmap="gray", vmin=0, vmax=1)
        axes[row, 1].imshow(colour_mask(truth, num_classes))
        if predictions is not None:
            guess = as_class_ids(predictions[row], num_classes).squeeze()
            axes[row, 2].imshow(colour_mask(guess, num_classes))
            wrong = np.repeat(np.asarray(images[row]).reshape(truth.shape + (1,)), 3, axis=-1)
            wrong = 0.5 * np.clip(wrong, 0, 1)
            wrong[truth != guess] = (0.84, 0.37, 0.0)
            axes[row, 3].imshow(wrong)
        for col in range(columns):
            axes[row, col].set_axis_off()
            if row == 0:
                axes[row, col].set_title(titles[col], fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _legend(fig, class_names)
    return fig


def plot_confusion(confusion, class_names, ax=None):
    """The confusion matrix as an image, each row divided by its total (shares of a true class)."""
    confusion = np.asarray(confusion, dtype=np.float64)
    rows = confusion / np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6), dpi=100)
    image = ax.imshow(rows, cmap="viridis", vmin=0, vmax=1)
    for i in range(len(class_names)):
        for j in range(len(class_names)):
            ax.text(j, i, f"{rows[i, j]:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if rows[i, j] > 0.6 else "white")
    ax.set_xticks(range(len(class_names)), class_names, rotation=30)
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("Confusion matrix (rows sum to 1)")
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax
