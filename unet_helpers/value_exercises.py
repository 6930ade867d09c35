"""Graders for the exercises that compute numbers: Dice, BCE + Dice, per-class IoU, MAE, the
unpadded output size, the overlap counts of a transposed convolution and the training-memory
estimate (notebooks 07–13).

Each ``grade_*`` calls the learner's function and the library's own on the same examples and
compares the results, so any correct way of writing it passes. For a wrong answer it names the
mistake when it recognises it (a missing factor 2, IoU instead of Dice, MSE instead of MAE, ...).
It prints one line per finding and one verdict, returns True or False, and never raises
(the comparison itself is ``value_grading.grade_values``).
"""

import numpy as np

from .value_grading import grade_values, near

__all__ = ["grade_dice", "grade_bce_dice", "grade_per_class_iou", "grade_mae",
           "grade_output_size", "grade_overlap_counts", "grade_training_memory"]


def _mask_examples():
    from .synthetic import synthetic_cells

    _, masks = synthetic_cells(3, 32, seed=1)
    rng = np.random.default_rng(0)
    noisy = np.clip(masks * 0.8 + rng.uniform(0, 0.3, masks.shape), 0, 1).astype("float32")
    uneven = masks[:2].copy()
    uneven[1] = 0.0
    uneven[1, :4, :4] = 1.0                       # a second image with a tiny object, found
    guess = uneven.copy()
    guess[0] = noisy[0]                           # and a first image predicted roughly
    return [(masks[:1], masks[:1]), (masks[:2], noisy[:2]),
            (masks, rng.uniform(size=masks.shape).astype("float32")), (uneven, guess)]


def _dice(y_true, y_pred):
    import keras

    return 1.0 - float(keras.losses.Dice()(y_true, y_pred))


def _overlap(y_true, y_pred):
    return float(np.sum(np.asarray(y_true) * np.asarray(y_pred)))


def grade_dice(learner_dice):
    """Grade ``learner_dice(y_true, y_pred)``, the soft Dice coefficient over all pixels,
    against ``1 - keras.losses.Dice()``."""
    def iou(args):
        y_true, y_pred = args
        overlap = _overlap(y_true, y_pred)
        return overlap / (np.sum(y_true) + np.sum(y_pred) - overlap)
    hints = [(lambda got, args: near(got, _dice(*args) / 2), "Dice has a factor 2: "
              "2·|A ∩ B| / (|A| + |B|)."),
             (lambda got, args: near(got, iou(args)), "That is IoU, |A ∩ B| / |A ∪ B|; Dice "
              "divides 2·|A ∩ B| by |A| + |B|."),
             (lambda got, args: near(got, 1 - _dice(*args)), "That is the Dice loss, 1 − Dice: "
              "return the coefficient itself."),
             (lambda got, args: near(got, np.mean([_dice(t[None], p[None]) for t, p in zip(*args)])),
              "That is the mean of each image's Dice: this Dice counts all pixels of all images "
              "together.")]
    return grade_values("Dice", learner_dice, _dice, _mask_examples(), hints)


def grade_bce_dice(learner_loss):
    """Grade ``learner_loss(y_true, y_pred)``: mean binary cross-entropy + (1 − Dice), against
    ``losses.bce_dice_loss``."""
    import keras

    from .losses import bce_dice_loss

    def reference(y_true, y_pred):
        return float(bce_dice_loss(y_true, y_pred))

    def bce(args):
        return float(keras.ops.mean(keras.losses.binary_crossentropy(*args)))
    hints = [(lambda got, args: near(got, bce(args)), "That is the cross-entropy alone: add "
              "the Dice loss, 1 − Dice."),
             (lambda got, args: near(got, 1 - _dice(*args)), "That is the Dice loss alone: add "
              "the mean binary cross-entropy."),
             (lambda got, args: near(got, bce(args) + _dice(*args)), "You added the Dice "
              "coefficient: the loss adds 1 − Dice, which is 0 for a perfect mask.")]
    return grade_values("BCE + Dice loss", learner_loss, reference, _mask_examples(), hints)


def grade_per_class_iou(learner_iou):
    """Grade ``learner_iou(confusion) -> (C,)`` against ``scores.per_class_iou``."""
    from .scores import per_class_iou

    rng = np.random.default_rng(0)
    examples = [(np.diag([50, 30, 20]),), (rng.integers(0, 40, (4, 4)),),
                (rng.integers(0, 90, (3, 3)),)]
    hints = [(lambda got, args: near(got, np.diag(args[0]) / args[0].sum(axis=1)),
              "That is each class's recall, TP / (row sum): IoU also counts the false positives "
              "(the rest of the column)."),
             (lambda got, args: near(got, 2 * np.diag(args[0]) / (args[0].sum(axis=0)
                                                                   + args[0].sum(axis=1))),
              "That is the Dice of each class, 2·TP / (row + column): IoU is TP / (row + "
              "column − TP).")]
    return grade_values("per-class IoU", learner_iou, per_class_iou, examples, hints)


def grade_mae(learner_mae):
    """Grade ``learner_mae(y_true, y_pred)`` against ``keras.metrics.MeanAbsoluteError``."""
    import keras

    def reference(y_true, y_pred):
        metric = keras.metrics.MeanAbsoluteError()
        metric.update_state(y_true, y_pred)
        return float(metric.result())
    rng = np.random.default_rng(0)
    truth = rng.normal(0, 5, (2, 8, 8, 1)).astype("float32")
    examples = [(truth, truth + 1), (truth, rng.normal(0, 5, truth.shape).astype("float32")),
                (truth, np.zeros_like(truth))]
    hints = [(lambda got, args: near(got, np.mean((args[1] - args[0]) ** 2)), "That is the "
              "mean squared error: take the absolute value, not the square."),
             (lambda got, args: near(abs(got), abs(np.mean(args[1] - args[0]))), "Errors of "
              "opposite signs cancel: take the absolute value of each error before the mean.")]
    return grade_values("MAE", learner_mae, reference, examples, hints, tolerance=1e-3)


def grade_output_size(learner_size):
    """Grade ``learner_size(size, depth)`` against ``unpadded.unpadded_output_size`` for every
    size from 1 to 700 and depths 1 to 4."""
    from .unpadded import unpadded_output_size

    examples = [(size, depth) for depth in (1, 2, 3, 4) for size in range(1, 701)]
    hints = [(lambda got, args: got is not None and unpadded_output_size(*args) is None,
              "This size cannot work: some pooling meets an odd size, or a size drops to 0 "
              "or below. Return None then."),
             (lambda got, args: got is None, "This size works: check each step, going down "
              "(−4, then ÷2 only when even), the bridge (−4) and going up (×2, then −4).")]
    return grade_values("output size rule", learner_size, unpadded_output_size, examples, hints)


def grade_overlap_counts(learner_counts, input_size=5):
    """Grade ``learner_counts(kernel_size, strides, input_size)`` against
    ``transposed_conv.overlap_counts(..., padding="valid")`` for kernels 1–5 and strides 1–3."""
    from .transposed_conv import overlap_counts

    def reference(kernel_size, strides, size):
        return overlap_counts(kernel_size, strides, size, padding="valid")
    examples = [(k, s, input_size) for k in range(1, 6) for s in range(1, 4) if k >= s]
    hints = [(lambda got, args: np.asarray(got).shape[0] == args[2] * args[1],
              "Your map has the 'same' size, input × stride: the 'valid' output is "
              "(input − 1) × stride + kernel.")]
    return grade_values("overlap-count function", learner_counts, reference, examples, hints)


def grade_training_memory(learner_memory):
    """Grade ``learner_memory(model, batch_size, bytes_per_value)``, the bytes to train a built
    model, against ``memory.training_memory_bytes(...)["total"]``: three examples on two small
    U-Nets, the last with ``bytes_per_value=2``."""
    from .memory import training_memory_bytes as reference_parts
    from .model import build_small_unet, build_unet

    small = build_small_unet(32, 1, base_filters=4, depth=2)
    examples = [(small, 2, 4), (build_unet((48, 48, 3), base_filters=8, depth=3), 8, 4),
                (small, 4, 2)]

    def total(model, batch, size, part="total"):
        return reference_parts(model, batch, size)[part]

    def count(weights):
        return sum(int(np.prod(w.shape)) for w in weights)

    def frozen(model, batch, size):      # Adam's slots and gradients for the moving statistics
        return 3 * size * count(model.non_trainable_weights)

    def describe(model, batch, size):
        return (f"a U-Net with {model.count_params():,} parameters, batch_size={batch}, "
                f"bytes_per_value={size}")
    hints = [(lambda got, a: near(got, total(*a, "activations")), "That is the activations "
              "alone: add the weights (every parameter) and, for every trainable weight, Adam's "
              "two moment estimates and its gradient."),
             (lambda got, a: near(got, total(*a) - total(*a, "optimizer_and_gradients")), "The "
              "optimizer is missing: Adam keeps two moment estimates per trainable weight, and "
              "the gradient takes one more value: add 3 × trainable weights."),
             (lambda got, a: near(got, total(*a) + frozen(*a)), "BatchNorm's moving mean and "
              "variance are not trained: count Adam's slots and the gradient for "
              "model.trainable_weights only."),
             (lambda got, a: near(got, total(*a) - a[2] * count(a[0].trainable_weights)),
              "One value per trainable weight is missing: Adam keeps two moment estimates, and "
              "the gradient itself takes a third: 3 × trainable weights."),
             (lambda got, a: near(got, total(*a) - a[2] * count(a[0].non_trainable_weights)),
              "The weights themselves are every parameter, trainable or not: BatchNorm's moving "
              "mean and variance take memory too (model.count_params())."),
             (lambda got, a: a[2] != 4 and near(got, total(a[0], a[1], 4)), "You used 4 bytes "
              "per value whatever bytes_per_value says: multiply by bytes_per_value (2 here, as "
              "for 16-bit values)."),
             (lambda got, a: near(got, total(a[0], 1, a[2])), "Every image of the batch keeps "
              "its own layer outputs: multiply the activations by batch_size."),
             (lambda got, a: near(got, total(*a) / a[2]), "That is a number of values: multiply "
              "by bytes_per_value to get bytes."),
             (lambda got, a: near(got, total(*a) + np.prod(a[0].inputs[0].shape[1:]) * a[1] * a[2]),
              "You counted the Input layer too: count the outputs of model.layers[1:], the "
              "layers that compute something.")]
    return grade_values("training-memory estimate", learner_memory, total, examples, hints,
                        describe=describe)
