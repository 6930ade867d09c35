"""tf.distribute: two CPU devices in one process, and two worker processes on 127.0.0.1."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from unet_helpers.multi_worker import free_ports, run_local_workers, tf_config

MIRRORED_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    from unet_helpers.startup import quiet_tensorflow
    quiet_tensorflow()
    from unet_helpers.distributed import (global_batch_size, split_cpu, synchronized_batch_norm,
                                          train_steps)
    devices = split_cpu(2)
    import keras, tensorflow as tf
    from unet_helpers.model import build_small_unet
    from unet_helpers.synthetic import synthetic_cells

    images, masks = synthetic_cells(16, 32, seed=1)
    data = tf.data.Dataset.from_tensor_slices((images, masks)).batch(8, drop_remainder=True)

    def train(strategy):
        keras.utils.set_random_seed(0)
        with strategy.scope():
            model = synchronized_batch_norm(build_small_unet(32, 1, base_filters=4, depth=1))
            optimizer = keras.optimizers.Adam(1e-3)
        losses = train_steps(strategy, model, optimizer, data.repeat(), 3)
        return model, losses

    mirrored = tf.distribute.MirroredStrategy(devices)
    two_model, two_losses = train(mirrored)
    one_model, one_losses = train(tf.distribute.OneDeviceStrategy(devices[0]))
    with mirrored.scope():
        fitted = build_small_unet(32, 1, base_filters=4, depth=1)
        fitted.compile(optimizer="adam", loss="binary_crossentropy")
    history = fitted.fit(data, epochs=1, verbose=0)
    print(json.dumps({
        "devices": devices, "replicas": mirrored.num_replicas_in_sync,
        "global_batch": global_batch_size(4, mirrored),
        "two_losses": two_losses, "one_losses": one_losses,
        "largest_weight_difference": max(float(np.abs(a - b).max()) for a, b in
                                         zip(two_model.get_weights(), one_model.get_weights())),
        "fit_loss": history.history["loss"][-1]}))
""")


def test_tf_config_names_every_worker_and_this_one():
    config = json.loads(tf_config([20001, 20002], 1))
    assert config == {"cluster": {"worker": ["127.0.0.1:20001", "127.0.0.1:20002"]},
                      "task": {"type": "worker", "index": 1}}
    with pytest.raises(ValueError, match="between 0 and 1"):
        tf_config([20001, 20002], 2)


def test_free_ports_are_distinct():
    ports = free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= port < 65536 for port in ports)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_run_local_workers_checks_its_arguments(bad, tmp_path):
    with pytest.raises(ValueError, match="workers"):
        run_local_workers(bad, out_dir=tmp_path)
    with pytest.raises(ValueError, match="steps"):
        run_local_workers(2, steps=bad, out_dir=tmp_path)


def test_the_custom_step_refuses_what_would_fail_deep_inside_tensorflow():
    import tensorflow as tf

    from unet_helpers.distributed import global_batch_size, train_steps

    strategy = tf.distribute.get_strategy()
    images = np.zeros((8, 32, 32, 1), "float32")
    cases = [((images, images), "must be a tf.data.Dataset .*from_tensor_slices"),
             (tf.data.Dataset.from_tensor_slices(images).batch(4), "yield \\(images, masks\\)"),
             (tf.data.Dataset.from_tensor_slices((images, images)), "not batches .* batch it first"),
             (tf.data.Dataset.from_tensor_slices((images, images)).batch(4),
              "drop_remainder=True")]
    for dataset, message in cases:
        with pytest.raises(ValueError, match=message):
            train_steps(strategy, None, None, dataset, 1)
    with pytest.raises(ValueError, match="must be a tf.distribute strategy"):
        global_batch_size(4, 2)


def test_workers_that_do_not_finish_in_time_are_stopped_and_named(tmp_path):
    with pytest.raises(RuntimeError, match="worker 0 did not finish in 1 s"):
        run_local_workers(2, steps=1, out_dir=tmp_path, timeout=1)


def test_split_cpu_after_tensorflow_started_says_restart():
    import tensorflow as tf

    from unet_helpers.distributed import split_cpu

    tf.constant(1.0)  # TensorFlow's devices are fixed from here on
    existing = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(RuntimeError, match="Restart the kernel"):
        split_cpu(existing + 1)


def test_two_cpu_replicas_with_synchronized_batchnorm_train_like_one_big_batch():
    result = subprocess.run([sys.executable, "-c", MIRRORED_SCRIPT], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["devices"] == ["/device:CPU:0", "/device:CPU:1"]
    assert figures["replicas"] == 2 and figures["global_batch"] == 8
    # Each replica sees 4 images, divides by the global 8, the gradients are summed, and
    # BatchNorm averages over all 8: the same steps as one device with batches of 8.
    np.testing.assert_allclose(figures["two_losses"], figures["one_losses"], rtol=1e-4)
    assert figures["largest_weight_difference"] < 5e-4  # half an Adam step at lr 1e-3
    assert np.isfinite(figures["fit_loss"])  # Keras' own fit works under MirroredStrategy


def _split(weights):
    moving = {name for name in weights if "moving" in name}
    assert moving, "the model has BatchNorm moving statistics"
    return sorted(set(weights) - moving), sorted(moving)


def test_two_workers_keep_identical_weights_and_synchronized_batchnorm_keeps_statistics(tmp_path):
    plain = run_local_workers(2, steps=3, out_dir=tmp_path / "plain")
    trained, moving = _split(plain[0])
    assert set(plain[0]) == set(plain[1])
    for name in trained:  # every gradient was summed over both workers: identical updates
        np.testing.assert_array_equal(plain[0][name], plain[1][name], err_msg=name)
    # Each worker's BatchNorm normalised with its own 4 images, so its moving averages differ.
    assert any(not np.array_equal(plain[0][name], plain[1][name]) for name in moving)

    synchronized = run_local_workers(2, steps=3, synchronized=True, out_dir=tmp_path / "sync")
    for name in sorted(synchronized[0]):
        np.testing.assert_array_equal(synchronized[0][name], synchronized[1][name], err_msg=name)


FIT_WORKER_SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["TF_CONFIG"] = sys.argv[1]
    from unet_helpers.startup import quiet_tensorflow
    quiet_tensorflow()
    import tensorflow as tf
    from unet_helpers.model import build_small_unet
    from unet_helpers.synthetic import synthetic_cells
    from unet_helpers.training import compile_binary

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    images, masks = synthetic_cells(8, 32, seed=1)
    data = tf.data.Dataset.from_tensor_slices((images, masks)).batch(4, drop_remainder=True)
    with strategy.scope():
        model = compile_binary(build_small_unet(32, 1, base_filters=4, depth=1))
    try:
        model.fit(data, epochs=1, verbose=0, shuffle=False)
        print("fit trained")
    except ValueError as error:
        print("fit failed:", str(error).splitlines()[0])
""")


def test_keras_fit_still_fails_on_two_workers_so_notebook_13_teaches_the_custom_step(tmp_path):
    """Keras 3's ``fit`` under ``MultiWorkerMirroredStrategy`` (keras-team/keras#20585, open).

    If this test fails because ``fit`` now trains, Keras has fixed it: notebook 13 and
    ``unet_helpers.multi_worker`` should then say so and show ``fit`` on the workers.
    """
    ports = free_ports(2)
    workers = [subprocess.Popen([sys.executable, "-c", FIT_WORKER_SCRIPT, tf_config(ports, index)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                cwd=tmp_path)
               for index in range(2)]
    try:
        outputs = [worker.communicate(timeout=240)[0] for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    for output in outputs:
        assert "fit failed: Attempt to convert a value (PerReplica" in output, output[-3000:]
