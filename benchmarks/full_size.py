"""The reference U-Net at full size: images per second and peak memory, float32 and mixed.

    python benchmarks/full_size.py                     this machine's device, its defaults
    python benchmarks/full_size.py --batches 1 2 4 8   choose the batch sizes
    python benchmarks/full_size.py --size 128 --base-filters 16   a small, quick version
    python benchmarks/full_size.py --remat layers --precisions float32   each setting also
                                                       with keras.RematScope (see below)

Trains ``build_unet((size, size, 3))`` (31,055,297 parameters at the defaults) on random images
for a few steps per setting and prints, per precision and batch size: images per second of the
steady steps (the first step, which traces the graph, is left out), the peak memory, and the
estimate of ``unet_helpers.memory.unet_training_memory_bytes`` beside it. Precisions: float32
and mixed precision (``mixed_float16`` on a GPU, ``mixed_bfloat16`` on a CPU).

Each setting runs in a fresh process, so that each peak is its own: on a GPU TensorFlow's
``get_memory_info`` peak, on a CPU the rise of the process's peak resident memory over what it
had before the first training step. On a CPU a step at 512² takes many seconds, so the defaults
there are batch 1 and 2 with 2 timed steps.

``--remat MODE`` runs every setting a second time with rematerialization (Keras recomputes
what a layer computed inside itself during the backward pass instead of keeping it), to see
whether that lowers the peak on this device: ``full`` builds the whole model inside
``keras.RematScope(mode="full")``; ``layers`` builds it inside
``keras.RematScope(mode="list_of_layers", layer_names=...)`` naming every layer whose call takes
no ``training`` argument (Conv2D, Conv2DTranspose, Activation, MaxPooling2D, Concatenate), the
layers for which TensorFlow's ``tf.recompute_grad`` works inside a compiled step. A setting
that fails prints the error's last line instead of figures.
Prints figures; asserts nothing. The last line is one ``key=value`` figures line.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time


REMAT_MODES = ("full", "layers")


def _peak_resident_bytes():
    """This program's peak resident memory. On Linux: ``VmHWM`` of ``/proc/self/status``, the
    peak of this program alone. ``ru_maxrss`` is not used there: it keeps, across ``exec``, the
    peak of the process that started this one (a test worker or notebook kernel holding
    gigabytes would hide the whole rise). Elsewhere ``ru_maxrss`` (kilobytes on Linux, bytes on
    macOS)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _build(size, base_filters, remat):
    """``build_unet((size, size, 3))``, inside the RematScope that ``remat`` names (or none)."""
    import keras

    from unet_helpers.model import build_unet

    if remat is None:
        return build_unet((size, size, 3), base_filters=base_filters)
    if remat == "full":
        with keras.RematScope(mode="full"):
            return build_unet((size, size, 3), base_filters=base_filters)
    no_training_argument = (keras.layers.Conv2D, keras.layers.Conv2DTranspose,
                            keras.layers.Activation, keras.layers.MaxPooling2D,
                            keras.layers.Concatenate)
    names = [layer.name for layer in build_unet((size, size, 3), base_filters=base_filters).layers
             if isinstance(layer, no_training_argument)]
    keras.backend.clear_session()  # the same layer names again
    with keras.RematScope(mode="list_of_layers", layer_names=names):
        return build_unet((size, size, 3), base_filters=base_filters)


def _one_setting(size, base_filters, batch, policy, steps, remat=None):
    """Runs in its own process: train a few steps, print one JSON line of figures."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import numpy as np
    import tensorflow as tf

    from unet_helpers.memory import unet_training_memory_bytes

    gpu = bool(tf.config.list_physical_devices("GPU"))
    keras.mixed_precision.set_global_policy(policy)
    model = _build(size, base_filters, remat)
    model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=False)
    rng = np.random.default_rng(0)
    images = rng.random((batch, size, size, 3), dtype="float32")
    masks = (images[..., :1] > 0.5).astype("float32")
    before = _peak_resident_bytes()
    if gpu:
        tf.config.experimental.reset_memory_stats("GPU:0")
    model.train_on_batch(images, masks)                      # traces the step: not timed
    start = time.perf_counter()
    for _ in range(steps):
        loss = model.train_on_batch(images, masks)
    seconds = time.perf_counter() - start
    if gpu:
        peak = tf.config.experimental.get_memory_info("GPU:0")["peak"]
    else:
        peak = _peak_resident_bytes() - before
    activation_bytes = 4 if policy == "float32" else 2
    estimate = unet_training_memory_bytes((size, size, 3), batch, base_filters=base_filters,
                                          activation_bytes=activation_bytes)["total"]
    print(json.dumps({"device": "GPU" if gpu else "CPU", "policy": policy, "batch": batch,
                      "remat": remat,
                      "images_per_second": batch * steps / seconds, "peak_bytes": peak,
                      "estimate_bytes": estimate, "loss": float(np.ravel(loss)[0])}))


def _error_line(stderr):
    """The line of an error output that says what went wrong (Keras ends its messages with
    the arguments received, bulleted: those are skipped)."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in stderr.splitlines()]
    lines = [line for line in lines if line and not line.startswith(("•", "Arguments received"))]
    return lines[-1] if lines else "no error output"


def _run_setting(args, batch, policy, remat=None):
    command = [sys.executable, __file__, "--one", policy, "--size", str(args.size),
               "--base-filters", str(args.base_filters), "--steps", str(args.steps),
               "--batches", str(batch)] + (["--remat", remat] if remat else [])
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return {"policy": policy, "batch": batch, "error": _error_line(result.stderr)}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument("--batches", type=int, nargs="+", default=None)
    parser.add_argument("--steps", type=int, default=None, help="timed steps per setting")
    parser.add_argument("--precisions", nargs="+", choices=("float32", "mixed"),
                        default=["float32", "mixed"], help="which precisions (default both)")
    parser.add_argument("--remat", choices=REMAT_MODES, default=None,
                        help="also run each setting with keras.RematScope: 'full' (the whole "
                             "model) or 'layers' (the layers without a training argument)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one setting per process
    args = parser.parse_args()
    if args.one:
        _one_setting(args.size, args.base_filters, args.batches[0], args.one, args.steps,
                     args.remat)
        return
    import tensorflow as tf

    gpu = bool(tf.config.list_physical_devices("GPU"))
    args.batches = args.batches or ([1, 2, 4, 8, 16] if gpu else [1, 2])
    args.steps = args.steps or (10 if gpu else 2)
    mixed = "mixed_float16" if gpu else "mixed_bfloat16"
    print(f"device: {'GPU' if gpu else 'CPU'}; U-Net at {args.size}×{args.size}, "
          f"{args.base_filters} base filters; {args.steps} timed steps per setting")
    print(f"{'precision':<22}{'batch':>6}{'images/s':>10}{'peak memory':>14}{'estimate':>11}")
    figures = {"device": "GPU" if gpu else "CPU", "size": args.size}
    policies = [{"float32": "float32", "mixed": mixed}[name] for name in args.precisions]
    settings = [(policy, batch, remat) for policy in policies for batch in args.batches
                for remat in ((None, args.remat) if args.remat else (None,))]
    for policy, batch, remat in settings:
        row = _run_setting(args, batch, policy, remat)
        key = f"{'fp32' if policy == 'float32' else 'mixed'}_b{batch}" + (
            f"_remat_{remat}" if remat else "")
        label = policy + (f" + remat {remat}" if remat else "")
        if "error" in row:
            print(f"{label:<22}{batch:>6}  failed: {row['error'][:160]}")
            figures[f"{key}_images_per_s"] = "failed"
            continue
        print(f"{label:<22}{batch:>6}{row['images_per_second']:>10.2f}"
              f"{row['peak_bytes'] / 2**30:>10.2f} GiB{row['estimate_bytes'] / 2**30:>7.2f} GiB")
        figures[f"{key}_images_per_s"] = round(row["images_per_second"], 3)
        figures[f"{key}_peak_gib"] = round(row["peak_bytes"] / 2**30, 3)
        figures[f"{key}_estimate_gib"] = round(row["estimate_bytes"] / 2**30, 3)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
