"""What each block of a U-Net computes for one image, before and after training.

- ``block_layers``: the last layer of each block of a ``build_unet`` model, by block name
  ("encoder 1" -> ``enc1_relu2``, "bridge" -> ``bridge_relu2``, "decoder 1" -> ``dec1_relu2``)
- ``block_activations``: every block's output for one image, from one sub-model call
- ``strongest_channels``: the channels with the largest mean activation
- ``feature_map_report`` / ``format_feature_map_report``: one block and channel, untrained
  beside trained, as data and as the explorer's readout line
- ``show_feature_map_report`` (pyplot, for a static cell) and ``feature_map_explorer`` (a
  block and a channel dropdown) draw the same picture

Compute the untrained activations right after building the model, before ``fit`` changes its
weights, and the trained ones after: the explorer then only draws. (``network_plots.
show_feature_maps`` draws the first channels of one map with pyplot; this module compares two.)
"""

import numpy as np

from .checks import check_positive_int, check_whole_number
from .data_checks import check_array, check_images
from .evaluation import check_model_images

__all__ = ["STRONGEST", "block_layers", "block_activations", "strongest_channels",
           "feature_map_report", "format_feature_map_report", "show_feature_map_report",
           "feature_map_explorer"]

STRONGEST = "strongest 8"  # the channel dropdown's first choice: the 8 strongest channels


def block_layers(model):
    """``{"encoder 1": "enc1_relu2", ..., "bridge": "bridge_relu2", ..., "decoder 1": ...}``.

    The blocks of a model made by ``build_unet`` / ``build_small_unet``, down the U and back
    up; each block ends with the ReLU of its second convolution (the encoder's is its skip).
    """
    names = {layer.name for layer in getattr(model, "layers", [])}
    depth = 0
    while f"enc{depth + 1}_relu2" in names:
        depth += 1
    expected = ([f"enc{k}_relu2" for k in range(1, depth + 1)] + ["bridge_relu2"]
                + [f"dec{k}_relu2" for k in range(depth, 0, -1)])
    if depth == 0 or not set(expected) <= names:
        raise ValueError("block_layers reads the blocks of a model made by build_unet or "
                         "build_small_unet (layers enc1_relu2, ..., bridge_relu2, dec1_relu2); "
                         f"{getattr(model, 'name', model)!r} has no such layers.")
    titles = ([f"encoder {k}" for k in range(1, depth + 1)] + ["bridge"]
              + [f"decoder {k}" for k in range(depth, 0, -1)])
    return dict(zip(titles, expected))


def block_activations(model, image):
    """Each block's output for one image: ``{"encoder 1": (H, W, F) array, ...}``.

    ``image``: ``(H, W, C)`` or ``(1, H, W, C)`` in [0, 1], of the model's size. The model runs
    in inference mode (BatchNorm uses its moving statistics), as ``predict`` does.
    """
    import keras

    batch = np.asarray(image)[None] if np.ndim(image) == 3 else np.asarray(image)
    check_images(batch)
    if len(batch) != 1:
        raise ValueError(f"block_activations takes one image, (H, W, C), got {len(batch)}: "
                         "pass images[0].")
    check_model_images(model, batch)
    layers = block_layers(model)
    blocks = keras.Model(model.input, [model.get_layer(name).output for name in layers.values()])
    outputs = blocks(batch.astype("float32"), training=False)
    return {title: keras.ops.convert_to_numpy(output)[0]
            for title, output in zip(layers, outputs)}


def strongest_channels(activation, k=8):
    """The ``k`` channels of ``activation`` ``(H, W, C)`` with the largest mean, strongest first.

    Returns an int array of ``min(k, C)`` channel indices (equal means: the lower index first).
    """
    check_array(activation, "activation", ndim=3, shape_hint="(H, W, C)")
    check_positive_int(k, "k", "e.g. 8")
    means = np.asarray(activation, dtype=np.float64).mean(axis=(0, 1))
    return np.argsort(-means, kind="stable")[:k]


def _check_maps(untrained, trained, block):
    if not isinstance(untrained, dict) or not isinstance(trained, dict):
        raise ValueError("untrained and trained must be the dicts block_activations returns.")
    if block not in trained or block not in untrained:
        raise ValueError(f"block must be one of {list(trained)}, got {block!r}.")
    if np.shape(untrained[block]) != np.shape(trained[block]):
        raise ValueError(f"The untrained and trained {block} differ in shape "
                         f"({np.shape(untrained[block])} vs {np.shape(trained[block])}): "
                         "compute both with block_activations on the same image and model.")


def feature_map_report(untrained, trained, block, channel=STRONGEST):
    """One block's maps before and after training, for one channel or the strongest 8.

    ``untrained``/``trained``: ``block_activations`` of the same model before and after
    ``fit`` for the same image; ``channel``: a channel index or ``STRONGEST`` (the 8 channels
    with the largest mean in the trained model, shown in both, since channel k of the
    untrained model is the same filter before it learned). Returns a dict: ``block``,
    ``shape`` (H, W, C), ``channels`` (list), ``untrained_mean`` and ``trained_mean`` (the
    mean activation over those channels' maps).
    """
    _check_maps(untrained, trained, block)
    shape = np.shape(trained[block])
    if isinstance(channel, str):
        if channel != STRONGEST:
            raise ValueError(f"channel must be a channel index or {STRONGEST!r}, got "
                             f"{channel!r}.")
        channels = strongest_channels(trained[block], 8).tolist()
    else:
        check_whole_number(channel, "channel", 0, f"0 to {shape[-1] - 1}")
        if channel >= shape[-1]:
            raise ValueError(f"{block} has {shape[-1]} channels: channel must be 0 to "
                             f"{shape[-1] - 1}, got {channel}.")
        channels = [int(channel)]
    return {"block": block, "shape": tuple(int(n) for n in shape), "channels": channels,
            "untrained_mean": float(np.mean(untrained[block][..., channels])),
            "trained_mean": float(np.mean(trained[block][..., channels]))}


def format_feature_map_report(report):
    """The explorer's readout, e.g. "encoder 2 (32×32×32), channel 5: mean activation 0.120
    untrained, 0.430 trained"."""
    shape = "×".join(str(n) for n in report["shape"])
    if len(report["channels"]) == 1:
        which = f"channel {report['channels'][0]}"
    else:
        which = f"strongest {len(report['channels'])} channels " + \
            f"({', '.join(str(c) for c in report['channels'])})"
    return (f"{report['block']} ({shape}), {which}: mean activation "
            f"{report['untrained_mean']:.3f} untrained, {report['trained_mean']:.3f} trained")


def _check_image(image):
    """Raise unless ``image`` is one ``(H, W, C)`` (or ``(1, H, W, C)``) image in [0, 1]."""
    check_images(np.asarray(image)[None] if np.ndim(image) == 3 else image)


def _title(ax, text):
    """A panel's title as plain text: ``set_title`` on 18 panels doubles the redraw time."""
    ax.text(0.5, 1.02, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=8)


def _draw(figure, image, mask, untrained, trained, report):
    """The image (and mask) on the left, then each chosen channel untrained (top row) and
    trained (bottom row), each map on its own colour scale. Fixed margins: no layout engine,
    which would cost more than the drawing itself at every redraw."""
    channels = report["channels"]
    one = len(channels) == 1
    figure.set_layout_engine("none")
    axes = figure.subplots(2, len(channels) + 1, squeeze=False, gridspec_kw=dict(
        left=0.01, right=0.86 if one else 0.99, bottom=0.02, top=0.84 if one else 0.86,
        wspace=0.35 if one else 0.06, hspace=0.18))
    axes[0, 0].imshow(np.asarray(image).squeeze(), cmap="gray", vmin=0, vmax=1)
    _title(axes[0, 0], "image")
    if mask is not None:
        axes[1, 0].imshow(np.asarray(mask).squeeze(), cmap="gray", vmin=0, vmax=1)
        _title(axes[1, 0], "true mask")
    for row, (name, maps) in enumerate((("untrained", untrained), ("trained", trained))):
        for column, channel in enumerate(channels, start=1):
            ax = axes[row, column]
            values = maps[report["block"]][..., channel]
            top = float(values.max()) if values.max() > 0 else 1.0  # an all-0 map stays dark
            shown = ax.imshow(values, cmap="viridis", vmin=0, vmax=top)
            _title(ax, f"{name} ch {channel}")
            if one:
                figure.colorbar(shown, ax=ax, fraction=0.08, pad=0.04)
    for ax in axes.ravel():
        ax.set_axis_off()
    height, width = report["shape"][:2]
    scale = "" if one else ", each map on its own colour scale"
    figure.suptitle(f"{report['block']} ({height}×{width}): untrained (top), trained (bottom)"
                    f"{scale}", fontsize=9)


def _figure_size(report):
    return (4.2, 3.4) if len(report["channels"]) == 1 else (1.45 * len(report["channels"]) + 1.45,
                                                             3.2)


def show_feature_map_report(image, untrained, trained, block, channel=STRONGEST, mask=None):
    """Draw ``feature_map_report``'s channels with pyplot (a static cell); returns the report.

    ``image``: the ``(H, W, C)`` image the activations come from; ``mask``: its ``(H, W, 1)``
    mask, drawn under it (optional).
    """
    import matplotlib.pyplot as plt

    _check_image(image)
    report = feature_map_report(untrained, trained, block, channel)
    _draw(plt.figure(figsize=_figure_size(report), dpi=100), image, mask, untrained, trained,
          report)
    return report


def feature_map_explorer(image, untrained, trained, block="encoder 1", channel=STRONGEST,
                         mask=None):
    """A block dropdown and a channel dropdown over ``block_activations`` computed beforehand.

    ``image`` (and ``mask``, optional) as for ``show_feature_map_report``. The channel
    choices are ``STRONGEST`` and the indices every block has (0 to the smallest channel
    count - 1); the readout is ``format_feature_map_report``'s line.
    """
    import ipywidgets as widgets

    from .explorer_layout import make_explorer, new_figure

    _check_image(image)
    feature_map_report(untrained, trained, block, channel)  # refuses a bad block or channel
    fewest = min(np.shape(maps)[-1] for maps in trained.values())
    if channel != STRONGEST and channel >= fewest:
        raise ValueError(f"The channel dropdown offers channels 0 to {fewest - 1} (every block "
                         f"has them), got {channel}: pick one of those, or {STRONGEST!r}.")

    def draw(block, channel):
        report = feature_map_report(untrained, trained, block, channel)
        figure = new_figure(*_figure_size(report))
        _draw(figure, image, mask, untrained, trained, report)
        return format_feature_map_report(report), figure

    controls = {
        "block": widgets.Dropdown(options=list(trained), value=block, description="block"),
        "channel": widgets.Dropdown(options=[STRONGEST] + list(range(fewest)), value=channel,
                                    description="channel"),
    }
    return make_explorer(draw, controls)
