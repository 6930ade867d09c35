"""How fast does the series' small U-Net learn on this machine? Prints figures; asserts nothing.

    make bench                                  the figures; the last line is key=value figures
    python benchmarks/train_speed.py --sweep    instead, the alternatives the defaults came from

Measures, in one run, on synthetic cells (64×64, 512 training and 64 held-out images):
1. seconds from a cold start (this script starting, before TensorFlow is imported) until the
   held-out Dice reaches 0.90, with the series' training path (``unet_helpers.training``:
   cached, augmented, prefetched ``tf.data``, batch ``BATCH_SIZE``, Adam 2e-3, BCE + Dice,
   BatchNorm momentum 0.9), and where those seconds went;
2. steps per second of that path and of a plain default ``compile()`` + ``fit()`` of the same
   model on the same arrays (Adam 1e-3, binary cross-entropy, BatchNorm momentum 0.99 and
   ``fit``'s own batch size of 32), their ratio, and the images per second of both;
3. the seconds each needs, in training, to reach held-out Dice 0.90 (time to quality);
4. the input pipeline's own rate versus the model's, as the share of a step's time;
5. peak resident memory.
Held-out Dice is checked after every 128 training images, whatever the batch size.
"""

import time

START = time.perf_counter()

import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - START

from unet_helpers.evaluation import evaluate_binary  # noqa: E402
from unet_helpers.model import build_small_unet  # noqa: E402
from unet_helpers.pipeline import make_dataset  # noqa: E402
from unet_helpers.synthetic import synthetic_cells  # noqa: E402
from unet_helpers.training import BATCH_SIZE, compile_binary  # noqa: E402

SIZE, CHECK_IMAGES, MAX_IMAGES, TIMED_IMAGES, DEFAULT_BATCH = 64, 128, 4096, 512, 32


def peak_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def seconds(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def steps_per_second(fit_steps, steps, repeats=3):
    """Steps per second of ``fit_steps(steps)``: after one warm-up call, the best of ``repeats``
    timed calls (on a shared machine, other work only ever slows a run down)."""
    fit_steps(steps)
    return max(steps / seconds(lambda: fit_steps(steps)) for _ in range(repeats))


def series_fit(model, data):
    return lambda steps: model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0,
                                   shuffle=False)


def train_until_dice(fit_steps, batch_size, model, test_images, test_masks, label, target=0.90):
    """Train in chunks of CHECK_IMAGES images until held-out Dice >= target.

    Returns ``(images seen, seconds in training, seconds in evaluation, Dice reached)``.
    """
    images, train_s, eval_s, dice = 0, 0.0, 0.0, 0.0
    while dice < target and images < MAX_IMAGES:
        train_s += seconds(lambda: fit_steps(CHECK_IMAGES // batch_size))
        images += CHECK_IMAGES
        start = time.perf_counter()
        dice = evaluate_binary(model, test_images, test_masks)["dice"]
        eval_s += time.perf_counter() - start
        if label:
            print(f"  {label}: after {images:4d} images held-out Dice {dice:.3f} "
                  f"({time.perf_counter() - START:5.1f} s since start)", flush=True)
    return images, train_s, eval_s, dice


def default_model():
    """The same model, compiled with every default: what a reader writes first."""
    model = build_small_unet(SIZE, batch_norm_momentum=0.99)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def default_fit(model, images, masks, batch_size=DEFAULT_BATCH):
    """``fit`` on numpy arrays (``batch_size`` 32 is fit's own default), ``steps`` batches per
    call. Each call takes the next images of the arrays, wrapping around, so that training sees
    all of the data, as the series' path does."""
    position = 0

    def fit_steps(steps):
        nonlocal position
        chosen = (position + np.arange(steps * batch_size)) % len(images)
        position = (position + steps * batch_size) % len(images)
        model.fit(images[chosen], masks[chosen], batch_size=batch_size, epochs=1, verbose=0)

    return fit_steps


def sweep(train_images, train_masks, test_images, test_masks):
    """The alternatives the series' defaults were chosen from: one line each, same data."""
    print("sweep: warm steps/s and images/s; for batch sizes, also the training images and "
          "seconds to held-out Dice 0.90 from a fresh model")
    rows = [("default fit, numpy, batch 32", dict(default=True, batch=32, quality=True)),
            ("default fit, numpy, batch 16", dict(default=True, batch=16))]
    rows += [(f"series path, batch {batch}", dict(batch=batch, quality=True))
             for batch in (32, 16, 8, 4)]
    rows += [("series path, batch 8, 4 steps per call", dict(batch=8, steps_per_execution=4)),
             ("series path, batch 8, jit_compile=True", dict(batch=8, jit_compile=True)),
             ("series path, batch 8, no BatchNorm", dict(batch=8, batch_norm=False)),
             ("series path, batch 8, 128x128 inputs", dict(batch=8, size=128))]
    for label, options in rows:
        batch, size = options["batch"], options.get("size", SIZE)
        images, masks = ((train_images, train_masks) if size == SIZE
                         else synthetic_cells(256, size, seed=1))

        def fresh():
            keras.backend.clear_session()
            keras.utils.set_random_seed(0)
            if options.get("default"):
                model = default_model()
                return model, default_fit(model, images, masks, batch)
            model = compile_binary(
                build_small_unet(size, batch_norm=options.get("batch_norm", True)),
                steps_per_execution=options.get("steps_per_execution", 1),
                jit_compile=options.get("jit_compile", False))
            return model, series_fit(model, make_dataset(images, masks, batch, augment=True,
                                                         seed=0).repeat())

        quality = ""
        if options.get("quality"):
            model, fit_steps = fresh()
            fit_steps(1)  # trace outside the timing
            seen, train_s, _, dice = train_until_dice(fit_steps, batch, model, test_images,
                                                      test_masks, label=None)
            quality = (f", Dice 0.90 after {seen} images, {train_s:.1f} s" if dice >= 0.90
                       else f", Dice {dice:.2f} after {seen} images")
        model, fit_steps = fresh()
        first_call = seconds(lambda: fit_steps(1))
        rate = steps_per_second(fit_steps, max(TIMED_IMAGES // batch // 2, 8))
        print(f"  {label:42s} {rate:6.2f} steps/s {rate * batch:4.0f} images/s, "
              f"first call {first_call:4.1f} s{quality}", flush=True)


def main():
    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    train_images, train_masks = synthetic_cells(512, SIZE, seed=1)
    test_images, test_masks = synthetic_cells(64, SIZE, seed=2)
    data_s = time.perf_counter() - start
    if "--sweep" in sys.argv[1:]:
        return sweep(train_images, train_masks, test_images, test_masks)

    # 1. Cold start to held-out Dice >= 0.90 with the series' path.
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    data = make_dataset(train_images, train_masks, BATCH_SIZE, augment=True, seed=0).repeat()
    model = compile_binary(build_small_unet(SIZE))
    fit_steps = series_fit(model, data)
    first_call_s = seconds(lambda: fit_steps(1))  # builds and traces (this one step is not counted)
    images, train_s, eval_s, dice = train_until_dice(fit_steps, BATCH_SIZE, model, test_images,
                                                     test_masks, "series")
    time_to_dice90 = time.perf_counter() - START if dice >= 0.90 else float("nan")
    print(f"  where the cold start went: import {IMPORT_SECONDS:.1f} s, data {data_s:.1f} s, "
          f"first fit call (build and trace) {first_call_s:.1f} s, training {train_s:.1f} s, "
          f"held-out checks {eval_s:.1f} s")

    # 2. Step rates: the series' path vs a plain default compile() + fit() on numpy arrays.
    series_rate = steps_per_second(fit_steps, TIMED_IMAGES // BATCH_SIZE)
    keras.utils.set_random_seed(0)
    plain = default_model()
    plain_rate = steps_per_second(default_fit(plain, train_images, train_masks),
                                  TIMED_IMAGES // DEFAULT_BATCH)

    # 3. Time to the same quality with the plain defaults, from a fresh model.
    keras.utils.set_random_seed(0)
    plain = default_model()
    plain_fit = default_fit(plain, train_images, train_masks)
    plain_fit(1)  # trace outside the timing, as for the series' path
    default_images, default_train_s, _, default_dice = train_until_dice(
        plain_fit, DEFAULT_BATCH, plain, test_images, test_masks, "defaults")
    if default_dice < 0.90:
        default_train_s = float("nan")

    # 4. The input pipeline alone, with no model.
    iterator = iter(make_dataset(train_images, train_masks, BATCH_SIZE, augment=True,
                                 seed=1).repeat())
    next(iterator)
    pipeline_rate = 200 / seconds(lambda: [next(iterator) for _ in range(200)])
    pipeline_share = series_rate / pipeline_rate

    print(f"series path:    batch {BATCH_SIZE:2d}, {series_rate:6.2f} steps/s "
          f"({series_rate * BATCH_SIZE:4.0f} images/s), Dice 0.90 after {images} images, "
          f"{train_s:.1f} s of training")
    print(f"default fit():  batch {DEFAULT_BATCH:2d}, {plain_rate:6.2f} steps/s "
          f"({plain_rate * DEFAULT_BATCH:4.0f} images/s), Dice 0.90 after "
          f"{default_images if default_dice >= 0.90 else 'never'} images, "
          f"{default_train_s:.1f} s of training")
    print(f"input pipeline: {pipeline_rate:6.0f} batches/s on its own")
    print(f"time_to_dice90_s={time_to_dice90:.1f} images_to_dice90={images} "
          f"series_steps_per_s={series_rate:.2f} default_fit_steps_per_s={plain_rate:.2f} "
          f"speedup_vs_default_fit={series_rate / plain_rate:.2f} "
          f"images_per_s_ratio={series_rate * BATCH_SIZE / (plain_rate * DEFAULT_BATCH):.2f} "
          f"time_to_quality_speedup={default_train_s / train_s:.2f} "
          f"pipeline_share={pipeline_share:.3f} peak_rss_mb={peak_rss_mb():.0f}")


if __name__ == "__main__":
    main()
