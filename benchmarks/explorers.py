"""How long each explorer takes to redraw after one control moves. Prints figures; asserts nothing.

    python benchmarks/explorers.py

Builds every explorer of the series on small inputs made here (random probabilities and masks
for the threshold and skip explorers, an untrained small U-Net's feature maps for the
feature-map explorer: the redraw cost does not depend on training), moves its main control
through a few values as a learner would, and prints the median and the slowest redraw in
seconds. The last line is one ``key=value`` figures line. The series aims at well under a
second per redraw on a 2-core CPU.
"""

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from unet_helpers.explorer_layout import explorer_readout, set_control  # noqa: E402
from unet_helpers.explorers import shape_explorer  # noqa: E402
from unet_helpers.feature_maps import block_activations, feature_map_explorer  # noqa: E402
from unet_helpers.model import build_small_unet  # noqa: E402
from unet_helpers.receptive_field_explorer import receptive_field_explorer  # noqa: E402
from unet_helpers.skip_explorer import skip_explorer  # noqa: E402
from unet_helpers.synthetic import synthetic_cells  # noqa: E402
from unet_helpers.threshold_explorer import threshold_explorer  # noqa: E402
from unet_helpers.transposed_conv_explorer import transposed_conv_explorer  # noqa: E402


def redraw_seconds(explorer, name, values):
    """Seconds per redraw while ``name`` takes each of ``values`` in turn.

    An explorer shows an error in its readout ("✗ ...") instead of raising, so a redraw that
    failed would look fast: this stops on one.
    """
    seconds = []
    for value in values:
        start = time.perf_counter()
        set_control(explorer, name, value)
        seconds.append(time.perf_counter() - start)
        readout = explorer_readout(explorer)
        if readout.startswith("✗"):
            raise RuntimeError(f"{name}={value!r} did not redraw: {readout}")
    return seconds


def main():
    images, masks = synthetic_cells(32, 64, seed=2)
    rng = np.random.default_rng(0)
    probabilities = np.clip(masks * 0.8 + rng.random(masks.shape, dtype="float32") * 0.3, 0, 1)
    predicted_with = (probabilities > 0.5).astype("float32")
    predicted_without = (probabilities > 0.7).astype("float32")
    model = build_small_unet(64, 1, base_filters=16, depth=4)
    maps = block_activations(model, images[0])
    cases = {
        "shape": (shape_explorer(size=128, depth=4, base_filters=16, channels=1),
                  "size", [132, 136, 144, 256, 512]),
        "transposed_conv": (transposed_conv_explorer(), "kernel_size", [4, 5, 6, 2, 3]),
        "receptive_field": (receptive_field_explorer(), "depth", [3, 4, 1, 2, 3]),
        "skip": (skip_explorer(images, masks, predicted_with, predicted_without),
                 "index", [1, 2, 3, 4, 5]),
        "threshold": (threshold_explorer(probabilities, masks), "threshold",
                      [0.55, 0.6, 0.65, 0.7, 0.75]),
        "feature_maps": (feature_map_explorer(images[0], maps, maps), "block",
                         ["encoder 2", "encoder 3", "bridge", "decoder 2", "decoder 1"]),
    }
    figures = {}
    print(f"{'explorer':<17}{'median s':>9}{'slowest s':>10}")
    for name, (explorer, control, values) in cases.items():
        seconds = redraw_seconds(explorer, control, values)
        figures[f"{name}_median_s"] = round(statistics.median(seconds), 3)
        figures[f"{name}_max_s"] = round(max(seconds), 3)
        print(f"{name:<17}{statistics.median(seconds):>9.3f}{max(seconds):>10.3f}")
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
