"""The training-memory estimate against the peak measured on this CPU (benchmarks/full_size.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

from unet_helpers.memory import unet_training_memory_bytes

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "full_size.py"


def _measure(policy, size=256, base_filters=16, batch=8):
    """One setting, trained for one timed step in its own process: the benchmark's figures."""
    import json

    command = [sys.executable, str(BENCHMARK), "--one", policy, "--size", str(size),
               "--base-filters", str(base_filters), "--steps", "1", "--batches", str(batch)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("policy, activation_bytes", [("float32", None),
                                                      ("mixed_bfloat16", 2)])
def test_the_estimate_is_within_25_percent_of_the_measured_peak(policy, activation_bytes):
    figures = _measure(policy)
    estimate = unet_training_memory_bytes((256, 256, 3), 8, base_filters=16,
                                          activation_bytes=activation_bytes)["total"]
    assert figures["estimate_bytes"] == estimate
    assert figures["device"] == "CPU" or figures["device"] == "GPU"
    ratio = figures["peak_bytes"] / estimate
    assert 0.75 <= ratio <= 1.25, f"{policy}: measured {figures['peak_bytes']:,} bytes, " \
                                  f"estimated {estimate:,} (ratio {ratio:.2f})"


def test_mixed_precision_needs_less_than_float32_by_the_estimate():
    float32 = unet_training_memory_bytes((512, 512, 3), 8)
    mixed = unet_training_memory_bytes((512, 512, 3), 8, activation_bytes=2)
    assert mixed["weights"] == float32["weights"]                  # weights stay float32
    assert mixed["optimizer_and_gradients"] == float32["optimizer_and_gradients"]
    assert float32["activations"] / 2 < mixed["activations"] < float32["activations"]


def test_the_peak_is_this_program_s_own_not_its_parent_s():
    """On Linux ``ru_maxrss`` keeps, across exec, the peak of the process that started the
    benchmark: from a pytest worker holding gigabytes the measured rise came out near 0. The
    benchmark reads ``VmHWM`` instead, the peak of its own program."""
    import numpy as np

    if not Path("/proc/self/status").exists():
        pytest.skip("VmHWM is read from /proc (Linux)")
    held = np.ones(2**27)  # 1 GiB resident in this process, the parent
    code = ("import runpy; benchmark = runpy.run_path(" + repr(str(BENCHMARK)) + "); "
            "print(benchmark['_peak_resident_bytes']())")
    peak = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout)
    assert held.nbytes == 2**30
    assert 0 < peak < 2**29, f"the child's own peak is {peak:,} bytes: the parent's counted"
