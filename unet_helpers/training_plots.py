"""Training curves: loss and metrics per epoch from ``model.fit``'s history."""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_history"]


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
