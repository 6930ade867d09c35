"""Train a small U-Net on a CPU: the series' defaults, one compile helper per task, progress.

The defaults were chosen by measuring on a 2-core CPU (``python benchmarks/train_speed.py
--sweep``): 64×64 inputs, 16 base filters (``model.build_small_unet``), batch ``BATCH_SIZE``,
Adam with learning rate ``LEARNING_RATE``, BatchNorm momentum 0.9, and a cached, prefetched
``tf.data`` pipeline (``pipeline``).

- ``compile_binary``: sigmoid head, BCE + Dice, IoU and accuracy
- ``compile_multiclass``: softmax or linear head, ``SparseCategoricalCrossentropy`` with
  ``from_logits`` read from the head, mean IoU and accuracy
- ``compile_regression``: linear head (a sigmoid only for targets in [0, 1]), MSE / MAE / Huber
- ``EpochProgress`` and ``PredictedShares``: callbacks that print stable lines or record
  what the model predicts after each epoch

Each helper checks its arguments first (the model's head against the loss, ``learning_rate``,
``steps_per_execution``) and raises a ValueError that names the fix: nothing trains on nonsense.
"""

import numbers

import keras
import numpy as np

from .checks import check_positive_int
from .data_checks import check_finite, check_images
from .evaluation import check_model_images, predict_class_ids
from .head import (CROSS_ENTROPIES, REGRESSION_LOSSES, check_head_and_loss,
                   check_output_activation, head_activation)
from .losses import bce_dice_loss, binary_segmentation_metrics

# Images per training step: a middle ground between speed per image and time to a good model
# (notebook 08, "Why batches of 8?").
BATCH_SIZE = 8
LEARNING_RATE = 2e-3

__all__ = ["BATCH_SIZE", "LEARNING_RATE", "check_learning_rate", "compile_binary",
           "compile_multiclass", "compile_regression", "EpochProgress", "PredictedShares"]

_REGRESSION_LOSS_NAMES = {"mse": keras.losses.MeanSquaredError,
                          "mae": keras.losses.MeanAbsoluteError, "huber": keras.losses.Huber}


def check_learning_rate(learning_rate):
    """Raise unless ``learning_rate`` is a number in (0, 1] or a Keras learning-rate schedule."""
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return
    if (isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real)
            or not 0.0 < float(learning_rate) <= 1.0):
        raise ValueError(f"learning_rate must be a number in (0, 1], e.g. {LEARNING_RATE:g} (the "
                         "series' default), or a keras.optimizers.schedules object such as "
                         f"CosineDecay(3e-3, decay_steps); got {learning_rate!r}.")


def _check_model(model, helper):
    if not isinstance(model, keras.Model):
        raise ValueError(f"{helper} compiles a Keras model, got {type(model).__name__}. Build "
                         "one first, e.g. build_small_unet(...).")
    if len(model.outputs) != 1:
        raise ValueError(f"{helper} takes a model with one output, {model.name} has "
                         f"{len(model.outputs)}.")
    return model.outputs[0].shape[-1]


def _compile(model, loss, metrics, learning_rate, steps_per_execution, jit_compile=False):
    check_learning_rate(learning_rate)
    check_positive_int(steps_per_execution, "steps_per_execution", "1, or 4 for 4 steps a call")
    if not isinstance(jit_compile, bool):
        raise ValueError(f"jit_compile must be True or False, got {jit_compile!r}.")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=metrics,
                  steps_per_execution=steps_per_execution, jit_compile=jit_compile)
    # Adam's slots made now, under the model's strategy: built lazily inside the first training
    # step, they would make TensorFlow trace that step twice (once creating them, once without).
    with model.distribute_strategy.scope():
        model.optimizer.build(model.trainable_variables)
    return model


def _check_binary_head(activation, loss):
    """Raise unless ``loss`` fits a one-channel head with ``activation``; True for logits."""
    if isinstance(loss, keras.losses.Loss):
        check_head_and_loss(activation, loss, 1)
        from_logits = loss.get_config().get("from_logits", False)
        if activation == "linear" and not (type(loss).__name__ in CROSS_ENTROPIES and from_logits):
            raise ValueError(f"A linear head outputs logits, but {type(loss).__name__} is not a "
                             "cross-entropy with from_logits=True. Use keras.losses."
                             "BinaryCrossentropy(from_logits=True), or a sigmoid head.")
        return activation == "linear"
    if not (callable(loss) or isinstance(loss, str)):
        raise ValueError(f"loss must be a Keras loss object, a loss function or its name, got "
                         f"{loss!r}. The series uses bce_dice_loss (losses).")
    if activation != "sigmoid":
        name = getattr(loss, "__name__", loss)
        raise ValueError(f"{name} expects probabilities in [0, 1], but the model's head is "
                         f"{activation} (logits). Build the model with output_activation="
                         "'sigmoid', or pass loss=keras.losses.BinaryCrossentropy("
                         "from_logits=True).")
    return False


def compile_binary(model, learning_rate=LEARNING_RATE, loss=bce_dice_loss, *,
                   steps_per_execution=1, jit_compile=False):
    """Compile a one-channel model for binary masks: Adam, BCE + Dice, IoU and accuracy.

    The head must fit the loss: a sigmoid head for ``bce_dice_loss`` (or any loss that expects
    probabilities); a linear head only with a Keras loss object that has ``from_logits=True``
    (the metrics then cut the logits at 0). ``steps_per_execution=4`` runs 4 steps per call
    from Python into TensorFlow: the same results, steady training a little faster, but the
    first call (tracing) takes seconds longer, so it pays off only for runs of a few hundred
    steps or more. ``jit_compile=True`` asks for XLA, which Keras leaves off on a CPU; it made
    the small U-Net slower there.
    """
    channels = _check_model(model, "compile_binary")
    activation = head_activation(model)
    if channels != 1:
        raise ValueError(f"compile_binary trains one binary mask, but the model outputs "
                         f"{channels} channels ({activation} head). For class ids use "
                         "compile_multiclass; for one mask build the model with num_classes=1 "
                         "and output_activation='sigmoid'.")
    check_output_activation(activation, channels)
    from_logits = _check_binary_head(activation, loss)
    return _compile(model, loss, binary_segmentation_metrics(from_logits=from_logits),
                    learning_rate, steps_per_execution, jit_compile)


def compile_multiclass(model, learning_rate=LEARNING_RATE, num_classes=None, *,
                       steps_per_execution=1):
    """Compile for class-id masks: Adam, ``SparseCategoricalCrossentropy``, mean IoU, accuracy.

    ``from_logits`` is read from the head: ``True`` for a linear head (logits), ``False`` for a
    softmax head (probabilities); ``check_head_and_loss`` confirms the pairing. The model's
    output is ``(batch, H, W, num_classes)``; the masks ``(batch, H, W, 1)`` hold class ids.
    ``learning_rate`` may be a number or a schedule.
    """
    channels = _check_model(model, "compile_multiclass")
    if channels == 1:
        raise ValueError("The model has one output channel: a sigmoid head for one binary mask. "
                         "Compile it with compile_binary; for several classes build it with "
                         "num_classes >= 2 and output_activation='softmax'.")
    if num_classes is None:
        num_classes = channels
    check_positive_int(num_classes, "num_classes", f"{channels}, the model's output channels")
    if num_classes != channels:
        raise ValueError(f"num_classes={num_classes}, but the model outputs {channels} channels "
                         "(one per class): leave num_classes out to read it from the model, or "
                         f"build the model with num_classes={num_classes}.")
    activation = head_activation(model)
    if activation == "sigmoid":
        raise ValueError("The model's head uses 'sigmoid'; for several classes use a softmax "
                         "head (output_activation='softmax') or a linear one (None).")
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=activation == "linear")
    check_head_and_loss(activation, loss, num_classes)
    metrics = [keras.metrics.MeanIoU(num_classes, sparse_y_pred=False, name="mean_iou"),
               keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
    return _compile(model, loss, metrics, learning_rate, steps_per_execution)


def _regression_loss(loss):
    if isinstance(loss, str):
        if loss.lower() not in _REGRESSION_LOSS_NAMES:
            raise ValueError(f"Unknown regression loss {loss!r}: use 'mse', 'mae' or 'huber' "
                             "(or a keras.losses object such as keras.losses.Huber(delta=2.0)).")
        loss = _REGRESSION_LOSS_NAMES[loss.lower()]()
    if not isinstance(loss, keras.losses.Loss) or type(loss).__name__ not in REGRESSION_LOSSES:
        raise ValueError(f"{type(loss).__name__} is not a regression loss. Use 'mse', 'mae' or "
                         "'huber'; for masks of classes, compile with a cross-entropy instead.")
    return loss


def compile_regression(model, loss="mse", learning_rate=LEARNING_RATE, *, targets=None,
                       output_activation=None, steps_per_execution=1):
    """Compile a U-Net for dense regression: Adam, ``loss`` and a mean-absolute-error metric.

    ``loss``: 'mse', 'mae', 'huber' or a Keras regression loss object. The head is read from
    the model's last layer (or given as ``output_activation``). A linear head takes any
    targets; a sigmoid head outputs values in (0, 1), so it needs ``targets`` to check that
    they lie inside [0, 1], and is refused otherwise. Returns the model.
    """
    _check_model(model, "compile_regression")
    loss = _regression_loss(loss)
    if targets is not None:
        check_finite(targets, "targets")
    activation = head_activation(model) if output_activation is None else output_activation
    if activation == "softmax":
        raise ValueError("A softmax head makes its channels sum to 1: it cannot regress values. "
                         "Build the model with output_activation='linear' (or None).")
    check_head_and_loss(activation, loss)
    if activation == "sigmoid":
        if targets is None:
            raise ValueError("A sigmoid head only outputs values in (0, 1). Pass "
                             "targets=... so their range can be checked, or build the model "
                             "with output_activation='linear' for unbounded targets.")
        low, high = float(np.min(targets)), float(np.max(targets))
        if low < 0.0 or high > 1.0:
            raise ValueError(f"A sigmoid head only outputs values in (0, 1), but the "
                             f"targets range from {low:.4g} to {high:.4g}. Build the model with "
                             "output_activation='linear' (or None), or rescale the targets into "
                             "[0, 1] first.")
    return _compile(model, loss, [keras.metrics.MeanAbsoluteError(name="mae")], learning_rate,
                    steps_per_execution)


class EpochProgress(keras.callbacks.Callback):
    """Print one stable line per epoch ("epoch 2/4 done"), with no numbers that vary by machine.

    The losses stay in ``model.fit``'s returned history, for plots and for cells whose output
    is not compared.
    """

    def __init__(self, epochs):
        super().__init__()
        check_positive_int(epochs, "epochs", "the same number as model.fit's epochs")
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}/{self.epochs} done", flush=True)


class PredictedShares(keras.callbacks.Callback):
    """After each epoch, record which share of ``images``' pixels the model gives each class.

    ``images``: ``(N, H, W, C)`` floats in [0, 1]; ``num_classes`` (>= 2) equals the model's
    output channels, checked when training starts. ``shares`` becomes a list with one
    ``(num_classes,)`` array per epoch; compare it with ``class_masks.class_shares`` of the
    true masks to see a model that calls everything background. Prints nothing.
    """

    def __init__(self, images, num_classes):
        super().__init__()
        check_images(images)
        check_positive_int(num_classes, "num_classes", "the model's output channels")
        if num_classes < 2:
            raise ValueError("PredictedShares counts the classes of a softmax head: num_classes "
                             "must be >= 2 (background counts as a class).")
        self.images = images
        self.num_classes = num_classes
        self.shares = []

    def set_model(self, model):
        check_model_images(model, self.images)
        channels = model.outputs[0].shape[-1]
        if channels != self.num_classes:
            raise ValueError(f"PredictedShares was made for num_classes={self.num_classes}, but "
                             f"the model outputs {channels} channels: pass num_classes="
                             f"{channels}.")
        super().set_model(model)

    def on_epoch_end(self, epoch, logs=None):
        _, ids = predict_class_ids(self.model, self.images)
        self.shares.append(np.bincount(ids.ravel(), minlength=self.num_classes) / ids.size)
