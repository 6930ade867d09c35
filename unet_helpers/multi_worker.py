"""Train one U-Net on several worker processes with ``MultiWorkerMirroredStrategy``.

Each worker is its own Python process (on one machine here, on several machines in real use).
``TF_CONFIG``, an environment variable holding JSON, tells each one the address of every worker
and which one it is::

    {"cluster": {"worker": ["127.0.0.1:20001", "127.0.0.1:20002"]},
     "task": {"type": "worker", "index": 0}}

On several machines, list each machine's ``host:port`` and start the same script on every one
with its own ``index``. The workers must be able to reach each other on those ports.

``run_local_workers(2)`` starts two workers on 127.0.0.1, waits for them, and returns each
one's final weights, so you can check that training kept them identical. Each worker runs
``python -m unet_helpers.multi_worker --index I --ports P0,P1 ...`` (the ``main`` below): it
builds the same one-level small U-Net (``depth=1``) inside the strategy's scope, trains it for a
few custom steps (``distributed.train_steps``; Keras 3's ``model.fit`` fails under this
strategy) and saves its weights to ``worker_I.npz``.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .checks import check_positive_int

__all__ = ["tf_config", "free_ports", "run_local_workers", "main"]


def tf_config(ports, index, host="127.0.0.1"):
    """The ``TF_CONFIG`` JSON for worker ``index`` of a cluster on ``host`` at ``ports``."""
    if not 0 <= index < len(ports):
        raise ValueError(f"index must be between 0 and {len(ports) - 1} (one per port), got {index}.")
    return json.dumps({"cluster": {"worker": [f"{host}:{port}" for port in ports]},
                       "task": {"type": "worker", "index": index}})


def free_ports(count):
    """``count`` TCP ports on 127.0.0.1 that are free right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def run_local_workers(workers=2, *, steps=3, synchronized=False, out_dir, timeout=240):
    """Start ``workers`` worker processes on 127.0.0.1, train, and return their final weights.

    Returns a list (one per worker) of dicts weight name -> array. With ``synchronized=True``
    the BatchNorm layers share their batch statistics across workers. Raises with the
    workers' own error output if one fails or ``timeout`` seconds pass.
    """
    check_positive_int(workers, "workers", "e.g. 2")
    check_positive_int(steps, "steps", "e.g. 3")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ports = free_ports(workers)
    command = [sys.executable, "-m", "unet_helpers.multi_worker", "--ports",
               ",".join(map(str, ports)), "--steps", str(steps), "--out", str(out_dir)]
    if synchronized:
        command.append("--synchronized")
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    processes = [subprocess.Popen(command + ["--index", str(index)], env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for index in range(workers)]
    deadline = time.monotonic() + timeout  # one deadline for all the workers together
    outputs, timed_out = [], False
    try:
        for process in processes:
            try:
                outputs.append(process.communicate(
                    timeout=max(deadline - time.monotonic(), 0.1))[0])
            except subprocess.TimeoutExpired:
                timed_out = True
                process.kill()
                outputs.append(process.communicate()[0])
    finally:
        for process in processes:
            process.kill()
    for index, (process, output) in enumerate(zip(processes, outputs)):
        if timed_out or process.returncode != 0:
            why = (f"did not finish in {timeout} s" if timed_out
                   else f"failed (exit {process.returncode})")
            raise RuntimeError(f"worker {index} {why}:\n{output[-3000:]}")
    return [dict(np.load(out_dir / f"worker_{index}.npz")) for index in range(workers)]


def _train_one_worker(index, ports, steps, synchronized, out_dir):
    os.environ["TF_CONFIG"] = tf_config(ports, index)
    import keras
    import tensorflow as tf

    from .distributed import global_batch_size, synchronized_batch_norm, train_steps
    from .model import build_small_unet
    from .synthetic import synthetic_cells

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    keras.utils.set_random_seed(0)             # the same starting weights on every worker
    images, masks = synthetic_cells(32, 32, seed=1)
    per_worker_batch = 4
    global_batch = global_batch_size(per_worker_batch, strategy)
    dataset = tf.data.Dataset.from_tensor_slices((images, masks)).repeat()
    dataset = dataset.batch(global_batch, drop_remainder=True)
    with strategy.scope():
        model = build_small_unet(32, 1, base_filters=4, depth=1)
        if synchronized:
            model = synchronized_batch_norm(model)
        optimizer = keras.optimizers.Adam(1e-3)
    losses = train_steps(strategy, model, optimizer, dataset, steps)
    weights = {variable.path: np.asarray(variable) for variable in model.weights}
    np.savez(Path(out_dir) / f"worker_{index}.npz", **weights)
    print(f"worker {index}: {strategy.num_replicas_in_sync} replicas, losses "
          + " ".join(f"{loss:.4f}" for loss in losses))


def main(argv=None):
    """One worker: ``python -m unet_helpers.multi_worker --index 0 --ports 20001,20002``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--index", type=int, required=True, help="this worker's place in --ports")
    parser.add_argument("--ports", required=True, help="every worker's port, comma-separated")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--synchronized", action="store_true", help="synchronized BatchNorm")
    parser.add_argument("--out", required=True, help="folder for worker_<index>.npz")
    args = parser.parse_args(argv)
    ports = [int(port) for port in args.ports.split(",")]
    _train_one_worker(args.index, ports, args.steps, args.synchronized, args.out)


if __name__ == "__main__":
    main()
