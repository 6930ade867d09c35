"""How fast does the series' small U-Net learn on this machine? Prints figures; asserts nothing.

    make bench        (or: python benchmarks/train_speed.py)

Measures, in one run:
1. seconds from a cold start (this script starting, before TensorFlow is imported) until the
   held-out Dice on synthetic cells reaches 0.90, training with the series' path
   (``unet_helpers.training``: tf.data pipeline, batch 16, BatchNorm momentum 0.9, Adam 2e-3);
2. training steps per second of that path, and of a plain default ``compile()`` + ``fit()`` on
   numpy arrays of the same model and data (same batch size), and their ratio;
   and the training seconds each needs to reach held-out Dice 0.90 (the defaults: Adam 1e-3,
   binary cross-entropy, BatchNorm momentum 0.99);
3. the input pipeline's own rate (batches per second with no model) versus the model's, as the
   share of a step's time the pipeline would take if it ran in series;
4. peak resident memory.
The last line is one line of key=value figures.
"""

import time

START = time.perf_counter()

import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from unet_helpers.data import synthetic_cells  # noqa: E402
from unet_helpers.pipeline import make_dataset  # noqa: E402
from unet_helpers.training import build_small_unet, compile_binary, evaluate_binary  # noqa: E402

SIZE, BATCH, CHECK_EVERY, MAX_STEPS, TIMED_STEPS = 64, 16, 8, 200, 32


def peak_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def fit_rate(fit_once, steps):
    """Steps per second of one ``fit`` call of ``steps`` steps, after a warm-up call."""
    fit_once()
    start = time.perf_counter()
    fit_once()
    return steps / (time.perf_counter() - start)


def train_until_dice(model, data, test_images, test_masks, target=0.90, label="series"):
    """Fit in chunks of CHECK_EVERY steps until held-out Dice >= target. Returns (steps, seconds
    spent in fit and evaluation, Dice reached)."""
    steps, dice, start = 0, 0.0, time.perf_counter()
    while dice < target and steps < MAX_STEPS:
        model.fit(data, epochs=1, steps_per_epoch=CHECK_EVERY, verbose=0, shuffle=False)
        steps += CHECK_EVERY
        dice = evaluate_binary(model, test_images, test_masks)["dice"]
        print(f"  {label}: after {steps:3d} steps held-out Dice {dice:.3f} "
              f"({time.perf_counter() - START:5.1f} s since start)", flush=True)
    return steps, time.perf_counter() - start, dice


def main():
    keras.utils.set_random_seed(0)
    train_images, train_masks = synthetic_cells(512, SIZE, seed=1)
    test_images, test_masks = synthetic_cells(64, SIZE, seed=2)

    # 1. Cold start to held-out Dice >= 0.90 with the series' path.
    data = make_dataset(train_images, train_masks, BATCH, augment=True, seed=0).repeat()
    model = compile_binary(build_small_unet(SIZE))
    steps, series_seconds, dice = train_until_dice(model, data, test_images, test_masks)
    time_to_dice90 = time.perf_counter() - START if dice >= 0.90 else float("nan")

    # 2. Step rates: the series' path vs a plain default compile() + fit() on numpy arrays.
    series_rate = fit_rate(lambda: model.fit(data, epochs=1, steps_per_epoch=TIMED_STEPS,
                                             verbose=0, shuffle=False), TIMED_STEPS)
    plain = build_small_unet(SIZE, momentum=0.99)
    plain.compile(optimizer="adam", loss="binary_crossentropy")
    count = TIMED_STEPS * BATCH
    plain_rate = fit_rate(lambda: plain.fit(train_images[:count], train_masks[:count],
                                            batch_size=BATCH, epochs=1, verbose=0), TIMED_STEPS)

    # 2b. Time to the same quality with the plain defaults (Adam 1e-3, BCE, BatchNorm momentum
    # 0.99, numpy arrays): the steps it needs matter more than the rate of each step.
    keras.utils.set_random_seed(0)
    default_model = build_small_unet(SIZE, momentum=0.99)
    default_model.compile(optimizer="adam", loss="binary_crossentropy")
    numpy_data = make_dataset(train_images, train_masks, BATCH, augment=False, seed=0).repeat()
    default_steps, default_seconds, default_dice = train_until_dice(
        default_model, numpy_data, test_images, test_masks, label="defaults")
    if default_dice < 0.90:
        default_seconds = float("nan")

    # 3. The input pipeline alone, with no model.
    iterator = iter(make_dataset(train_images, train_masks, BATCH, augment=True, seed=1).repeat())
    next(iterator)
    start = time.perf_counter()
    for _ in range(200):
        next(iterator)
    pipeline_rate = 200 / (time.perf_counter() - start)
    pipeline_share = series_rate / pipeline_rate

    print(f"series path:    {series_rate:6.2f} steps/s ({series_rate * BATCH:6.0f} images/s)")
    print(f"default fit():  {plain_rate:6.2f} steps/s ({plain_rate * BATCH:6.0f} images/s)")
    print(f"input pipeline: {pipeline_rate:6.0f} batches/s on its own")
    print(f"time_to_dice90_s={time_to_dice90:.1f} steps_to_dice90={steps} "
          f"series_steps_per_s={series_rate:.2f} default_fit_steps_per_s={plain_rate:.2f} "
          f"speedup_vs_default_fit={series_rate / plain_rate:.2f} "
          f"default_steps_to_dice90={default_steps if default_dice >= 0.90 else 'none'} "
          f"time_to_quality_speedup={default_seconds / series_seconds:.2f} "
          f"pipeline_share={pipeline_share:.3f} peak_rss_mb={peak_rss_mb():.0f}")


if __name__ == "__main__":
    main()
