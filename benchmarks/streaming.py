"""Streaming from a folder vs training from memory: images per second. Prints; asserts nothing.

    python benchmarks/streaming.py             the figures; the last line is key=value figures
    python benchmarks/streaming.py --count 1024 --size 128

Writes the sample cells (256 PNG pairs at 64×64 by default) to a temporary folder, then times:
1. what each path does before its first batch: ``scan_folder`` (the pass ``stream_folder``
   makes: every mask decoded, every image's header read) and ``load_folder`` (everything read);
2. the input pipeline alone, a few epochs each, with and without augmentation:
   ``stream_folder`` (files read in parallel every epoch) and ``make_dataset`` on the arrays
   ``load_folder`` returned (cached in memory after the first epoch); shuffled, batch BATCH_SIZE;
3. ``model.fit`` of the small U-Net fed by each, the figure that matters when training: while
   the model is slower than the stream, streaming costs (almost) nothing.
The paths take turns, epoch by epoch and fit by fit, and each rate is the best of its turns
(other work on a shared machine only ever slows a run down); the first epoch is shown as well.
"""

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from unet_helpers.folders import load_folder  # noqa: E402
from unet_helpers.model import build_small_unet  # noqa: E402
from unet_helpers.pipeline import make_dataset  # noqa: E402
from unet_helpers.sample_data import write_sample_data  # noqa: E402
from unet_helpers.streaming import scan_folder, stream_folder  # noqa: E402
from unet_helpers.training import BATCH_SIZE, compile_binary  # noqa: E402


def seconds(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def epoch_rates(datasets, count, epochs):
    """``{name: [images per second of each full pass]}``, the datasets taking turns epoch by
    epoch, so that a busy spell on a shared machine slows them alike."""
    def one_epoch(dataset):
        for _ in dataset:
            pass
    rates = {name: [] for name in datasets}
    for _ in range(epochs):
        for name, dataset in datasets.items():
            rates[name].append(count / seconds(lambda: one_epoch(dataset)))
    return rates


def fit_rates(datasets, size, steps, repeats=3):
    """``{name: training images per second}`` of a small U-Net per dataset (``steps`` steps,
    best of ``repeats``, the fits taking turns), after a warm-up fit that traces the step."""
    models = {}
    for name, dataset in datasets.items():
        models[name] = (compile_binary(build_small_unet(size)), dataset.repeat())
        models[name][0].fit(models[name][1], epochs=1, steps_per_epoch=2, verbose=0,
                            shuffle=False)
    rates = {name: [] for name in datasets}
    for _ in range(repeats):
        for name, (model, data) in models.items():
            taken = seconds(lambda: model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0,
                                              shuffle=False))
            rates[name].append(steps * BATCH_SIZE / taken)
    return {name: max(values) for name, values in rates.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=256, help="image/mask pairs (default 256)")
    parser.add_argument("--size", type=int, default=64, help="height = width (default 64)")
    parser.add_argument("--epochs", type=int, default=4, help="epochs timed per path (default 4)")
    parser.add_argument("--fit-steps", type=int, default=16, help="timed model.fit steps")
    args = parser.parse_args(argv)
    count, size = args.count, args.size

    with tempfile.TemporaryDirectory() as folder:
        write_sample_data(folder, count=count, size=size)
        images_dir, masks_dir = os.path.join(folder, "images"), os.path.join(folder, "masks")
        scan_s = seconds(lambda: scan_folder(images_dir, masks_dir))
        start = time.perf_counter()
        images, masks = load_folder(images_dir, masks_dir)
        load_s = time.perf_counter() - start
        mebibytes = (images.nbytes + masks.nbytes) / 2**20
        print(f"{count} pairs at {size}x{size}, {mebibytes:.1f} MiB in memory; before the first "
              f"batch: scan_folder {scan_s:.2f} s, load_folder {load_s:.2f} s")

        rates = {}
        for augment in (False, True):
            ending = "_augment" if augment else ""
            epochs = epoch_rates({
                "stream" + ending: stream_folder(images_dir, masks_dir, BATCH_SIZE,
                                                 augment=augment),
                "memory" + ending: make_dataset(images, masks, BATCH_SIZE, augment=augment)},
                count, args.epochs)
            for label, values in epochs.items():
                rates[label] = max(values)
                print(f"  pipeline {label:15s} first epoch {values[0]:7.0f} images/s, best "
                      f"{max(values):7.0f} images/s  ({' '.join(f'{r:.0f}' for r in values)})")
        fits = fit_rates({"stream": stream_folder(images_dir, masks_dir, BATCH_SIZE, augment=True),
                          "memory": make_dataset(images, masks, BATCH_SIZE, augment=True)},
                         size, args.fit_steps)
        for name, rate in fits.items():
            rates[f"fit_{name}"] = rate
            print(f"  model.fit fed by {name}: {rate:7.1f} images/s (small U-Net, batch "
                  f"{BATCH_SIZE}, augmented, best of 3)")

    figures = {"images": count, "size": size, "scan_s": round(scan_s, 3),
               "load_folder_s": round(load_s, 3)}
    figures.update({f"{label}_images_per_s": round(rate, 1) for label, rate in rates.items()})
    figures["stream_vs_memory"] = round(rates["stream"] / rates["memory"], 3)
    figures["fit_stream_vs_memory"] = round(rates["fit_stream"] / rates["fit_memory"], 3)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
