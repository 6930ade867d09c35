"""Small plotting helpers shared by the notebooks (feature maps, parameter bars, overlays)."""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["show_feature_maps", "plot_block_parameters", "show_image_and_mask", "plot_history",
           "show_predictions", "error_map"]


def show_feature_maps(maps, n=8, title="feature maps", cmap="viridis"):
    """Show the first ``n`` channels of one feature map ``(H, W, C)`` (or ``(1, H, W, C)``)."""
    maps = np.asarray(maps)
    if maps.ndim == 4:
        maps = maps[0]
    n = min(n, maps.shape[-1])
    fig, axes = plt.subplots(1, n, figsize=(1.6 * n, 1.9), dpi=100, squeeze=False)
    for channel, ax in enumerate(axes[0]):
        ax.imshow(maps[:, :, channel], cmap=cmap)
        ax.set_title(f"ch {channel}", fontsize=8)
        ax.set_axis_off()
    fig.suptitle(f"{title}: {maps.shape[0]}×{maps.shape[1]}, first {n} of {maps.shape[-1]} "
                 "channels", fontsize=10)
    fig.tight_layout()
    return fig


def plot_block_parameters(params, ax=None):
    """Horizontal bars of parameters per block (``{'encoder 1': 39232, ...}``), with shares."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), dpi=100)
    names = list(params)
    values = np.array([params[name] for name in names], dtype=float)
    total = values.sum()
    colours = ["#440154" if name == "bridge" else "#3b528b" if name.startswith("enc")
               else "#21918c" if name.startswith("dec") else "#5ec962" for name in names]
    ax.barh(names, values / 1e6, color=colours)
    for y, value in enumerate(values):
        ax.text(value / 1e6, y, f" {100 * value / total:.1f} %", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("parameters (millions)")
    ax.set_title(f"Where the {int(total):,} parameters live")
    ax.set_xlim(0, values.max() / 1e6 * 1.2)
    return ax


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


def plot_history(history, metrics=("loss",), ax=None, xlabel="epoch"):
    """Training curves from ``model.fit``'s history: each metric and its ``val_`` twin per epoch."""
    logs = history.history if hasattr(history, "history") else history
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3), dpi=100)
    epochs = np.arange(1, len(logs[metrics[0]]) + 1)
    for name in metrics:
        ax.plot(epochs, logs[name], marker="o", label=f"training {name}")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], marker="s", linestyle="--",
                    label=f"held-out {name}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(", ".join(metrics))
    ax.set_xticks(epochs)
    ax.legend()
    ax.set_title("Training curves")
    return ax


# Okabe-Ito colours, distinguishable with common colour-vision deficiencies.
_ERROR_COLOURS = {"true positive": (1.0, 1.0, 1.0), "false positive": (0.90, 0.62, 0.0),
                  "false negative": (0.0, 0.45, 0.70), "true negative": (0.0, 0.0, 0.0)}


def error_map(mask, predicted):
    """An RGB image ``(H, W, 3)``: white = found, orange = false alarm, blue = missed, black = background."""
    truth = np.asarray(mask).squeeze() > 0.5
    guess = np.asarray(predicted).squeeze() > 0.5
    rgb = np.zeros(truth.shape + (3,))
    rgb[truth & guess] = _ERROR_COLOURS["true positive"]
    rgb[~truth & guess] = _ERROR_COLOURS["false positive"]
    rgb[truth & ~guess] = _ERROR_COLOURS["false negative"]
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
