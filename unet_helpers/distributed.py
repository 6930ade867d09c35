"""Train one U-Net on several devices with ``tf.distribute``: the pieces notebook 13 teaches.

A strategy copies the model onto every device (a *replica*), gives each replica its own slice of
every global batch, adds up the gradients of all replicas, and applies the same update
everywhere, so the copies stay identical.

- ``split_cpu(2)`` makes this CPU look like two devices, so ``MirroredStrategy`` can be shown
  without a GPU; on a machine with GPUs, ``tf.distribute.MirroredStrategy()`` takes them all.
- ``global_batch_size`` is what one step consumes: the per-replica batch times the replicas.
- ``synchronized_batch_norm(model)``: the same model whose BatchNorm layers average their batch
  statistics over all replicas, so their moving averages stay identical on every replica.
- ``make_train_step`` writes out the custom training step (``strategy.run``,
  ``tf.nn.compute_average_loss``, ``strategy.reduce``) that works under every strategy,
  ``MultiWorkerMirroredStrategy`` included, where Keras 3's ``model.fit`` does not
  (``unet_helpers.multi_worker`` runs it on two worker processes).

The loss is binary cross-entropy, averaged per image and then over the *global* batch: each
replica divides by the global batch size, so the gradients summed over replicas equal those of
one big batch.
"""

from .checks import check_positive_int

__all__ = ["split_cpu", "global_batch_size", "synchronized_batch_norm", "per_image_bce",
           "make_train_step", "train_steps"]


def split_cpu(count=2):
    """Split this machine's CPU into ``count`` logical devices; returns their names.

    Must run before TensorFlow first uses the CPU (in a notebook: before any model is built or
    tensor made); afterwards TensorFlow refuses, and this says to restart the kernel.
    """
    check_positive_int(count, "count", "e.g. 2")
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        existing = tf.config.get_logical_device_configuration(cpu) or [None]
        if len(existing) != count:
            raise RuntimeError(
                f"TensorFlow is already running with {len(existing)} CPU device(s), and the "
                f"split into {count} can only be made before its first use. Restart the kernel "
                "and call split_cpu before building any model.") from None
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def global_batch_size(per_replica_batch, strategy):
    """Images per step across all replicas: ``per_replica_batch × strategy.num_replicas_in_sync``."""
    check_positive_int(per_replica_batch, "per_replica_batch", "the series trains with 8")
    _check_strategy(strategy)
    return per_replica_batch * strategy.num_replicas_in_sync


def _check_strategy(strategy):
    if not hasattr(strategy, "num_replicas_in_sync") or not hasattr(strategy, "run"):
        raise ValueError(f"strategy must be a tf.distribute strategy, e.g. "
                         f"tf.distribute.MirroredStrategy(), got {strategy!r}.")


def _check_dataset(dataset):
    """Raise unless ``dataset`` is a tf.data.Dataset of ``(images, masks)`` batches."""
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        raise ValueError(f"dataset must be a tf.data.Dataset of (images, masks) batches, got "
                         f"{type(dataset).__name__}. For arrays: tf.data.Dataset."
                         "from_tensor_slices((images, masks)).batch(global_batch, "
                         "drop_remainder=True).")
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2
            and all(getattr(part, "shape", None) is not None for part in spec)):
        raise ValueError("The dataset must yield (images, masks) pairs, e.g. "
                         "tf.data.Dataset.from_tensor_slices((images, masks)).")
    if spec[0].shape.rank != 4:
        raise ValueError(f"The dataset yields images of shape {tuple(spec[0].shape)}, not "
                         "batches (batch, H, W, C): batch it first, dataset.batch(global_batch, "
                         "drop_remainder=True).")


def synchronized_batch_norm(model):
    """A copy of ``model`` (same weights) whose BatchNorm layers are ``synchronized=True``.

    Under a strategy, such a layer computes its batch mean and variance over the whole global
    batch instead of its replica's slice, so every replica's moving statistics stay the same.
    Build it inside ``strategy.scope()``.
    """
    import keras

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.BatchNormalization):
            config["synchronized"] = True
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


def per_image_bce(masks, probabilities):
    """Binary cross-entropy per image: ``(batch, H, W, 1), (batch, H, W, 1) -> (batch,)``."""
    import keras

    pixel_losses = keras.losses.binary_crossentropy(masks, probabilities)  # (batch, H, W)
    return keras.ops.mean(pixel_losses, axis=(1, 2))


def make_train_step(strategy, model, optimizer, global_batch):
    """The custom training step: one global batch in, the loss summed over replicas out.

    ``step(distributed_batch)`` runs ``replica_step`` on every replica with its slice
    ``(images, masks)``; each replica's loss is its images' losses divided by ``global_batch``
    (``tf.nn.compute_average_loss``), so adding the replicas' gradients gives the gradient of
    the mean over the global batch. ``strategy.reduce(SUM)`` adds the replicas' losses.
    """
    check_positive_int(global_batch, "global_batch", "per-replica batch × replicas")
    _check_strategy(strategy)
    import tensorflow as tf

    with strategy.scope():  # Adam's slots made now, on every replica, not inside the step
        optimizer.build(model.trainable_variables)

    def replica_step(images, masks):
        with tf.GradientTape() as tape:
            probabilities = model(images, training=True)
            loss = tf.nn.compute_average_loss(per_image_bce(masks, probabilities),
                                              global_batch_size=global_batch)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    @tf.function
    def step(distributed_batch):
        images, masks = distributed_batch
        losses = strategy.run(replica_step, args=(images, masks))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    return step


def train_steps(strategy, model, optimizer, dataset, steps):
    """Run ``steps`` custom steps over ``dataset`` (batched to the global batch); the losses.

    The dataset is split across replicas by ``strategy.experimental_distribute_dataset``; across
    workers each one reads the same dataset and keeps its own share (sharding by data).
    """
    check_positive_int(steps, "steps", "e.g. 3")
    _check_strategy(strategy)
    _check_dataset(dataset)
    import tensorflow as tf

    global_batch = dataset.element_spec[0].shape[0]
    if global_batch is None:
        raise ValueError("Batch the dataset with drop_remainder=True, so every step has the same "
                         "global batch: dataset.batch(global_batch, drop_remainder=True).")
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = iter(strategy.experimental_distribute_dataset(dataset.with_options(options)))
    step = make_train_step(strategy, model, optimizer, global_batch)
    return [float(step(next(batches))) for _ in range(steps)]
