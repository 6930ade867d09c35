"""How good is a prediction? Overlap scores for masks, per-class IoU, and errors by value.

- ``dice_coefficient`` and ``iou_score``: the formulas written out in numpy, to read and to
  compare with Keras' own (``keras.losses.Dice`` returns ``1 - Dice``; ``keras.metrics.BinaryIoU``)
- ``boundary_error``: how far predicted outlines sit from the true ones, in pixels
  (``skimage.segmentation.find_boundaries``, ``scipy.ndimage.distance_transform_edt``)
- ``confusion_matrix`` (``tf.math.confusion_matrix``) and ``per_class_iou`` for class ids
- ``error_by_target``: the mean absolute error of a regression in bins of the true value
  (``scipy.stats.binned_statistic``)
"""

import numbers

import numpy as np

from .class_masks import as_class_ids
from .data_checks import check_finite

__all__ = ["dice_coefficient", "iou_score", "boundary_error", "confusion_matrix",
           "per_class_iou", "error_by_target"]


def _masks_to_compare(y_true, y_pred, score):
    """Both arrays as float64, after checking they hold numbers in [0, 1] and have one shape."""
    check_finite(y_true, "y_true")
    check_finite(y_pred, "y_pred")
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} differ in shape: numpy "
                         f"would broadcast them and {score} would be a wrong number. Compare "
                         "arrays of one shape, e.g. both (N, H, W, 1) from the same images "
                         "(add a lost channel axis with [..., None]).")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        low, high = values.min(), values.max()
        if low < 0.0 or high > 1.0:
            raise ValueError(f"{name} ranges from {low:g} to {high:g}, but {score} compares masks "
                             "and probabilities in [0, 1]: divide 0/255 masks by 255, and turn "
                             "a linear head's logits into probabilities with a sigmoid.")
    return y_true, y_pred


def dice_coefficient(y_true, y_pred, epsilon=1e-7):
    """Dice = 2·|A ∩ B| / (|A| + |B|), over all pixels; 1 is a perfect overlap, 0 none.

    ``y_true`` and ``y_pred``: arrays of the same shape with values in [0, 1]. With
    probabilities as ``y_pred`` this is the "soft" Dice that the Dice loss uses; with a
    thresholded mask it is the Dice score reported in papers. ``epsilon`` (a small positive
    number) keeps two empty masks from dividing by zero: their Dice is 0.
    """
    if (isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real)
            or not 0.0 < epsilon < 1e-2):
        raise ValueError(f"epsilon must be a small positive number (e.g. 1e-7) that only keeps "
                         f"the division defined, got {epsilon!r}.")
    y_true, y_pred = _masks_to_compare(y_true, y_pred, "Dice")
    intersection = np.sum(y_true * y_pred)
    return float(2.0 * intersection / (np.sum(y_true) + np.sum(y_pred) + epsilon))


def iou_score(y_true, y_pred_mask):
    """Intersection over union of two binary masks: |A ∩ B| / |A ∪ B| (1 when both are empty).

    Both arrays have one shape and values in [0, 1]; each is thresholded at 0.5.
    """
    y_true, y_pred_mask = _masks_to_compare(y_true, y_pred_mask, "IoU")
    a = y_true > 0.5
    b = y_pred_mask > 0.5
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


def boundary_error(masks, predicted):
    """Mean distance in pixels between the outlines of true and predicted masks.

    ``masks`` and ``predicted``: binary ``(N, H, W, 1)`` of one shape. For each image, every
    outline pixel of one mask is measured to the nearest outline pixel of the other, both ways,
    and the two means are averaged; the result is the mean over the images that have an outline
    in both (0 = outlines on top of each other). Dice counts pixels; this says where they are
    wrong: at the edges, by how much.
    """
    from scipy.ndimage import distance_transform_edt
    from skimage.segmentation import find_boundaries

    truth, guess = (m > 0.5 for m in _masks_to_compare(masks, predicted, "boundary_error"))
    errors = []
    for true_mask, predicted_mask in zip(truth.reshape(-1, *truth.shape[-3:-1]),
                                         guess.reshape(-1, *guess.shape[-3:-1])):
        true_edge = find_boundaries(true_mask, mode="inner")
        predicted_edge = find_boundaries(predicted_mask, mode="inner")
        if true_edge.any() and predicted_edge.any():
            to_true = distance_transform_edt(~true_edge)[predicted_edge].mean()
            to_predicted = distance_transform_edt(~predicted_edge)[true_edge].mean()
            errors.append((to_true + to_predicted) / 2)
    if not errors:
        raise ValueError("No image has an outline in both the masks and the predictions: the "
                         "boundary error needs some foreground in each (check the threshold).")
    return float(np.mean(errors))


def confusion_matrix(y_true_ids, y_pred_ids, num_classes):
    """Count pixels by (true class, predicted class): ``(num_classes, num_classes)`` int64.

    Row ``i``, column ``j`` = pixels of class ``i`` predicted as class ``j`` (the layout of
    ``keras.metrics.MeanIoU``'s ``total_cm``). Both inputs hold ids and have the same shape.
    """
    import tensorflow as tf

    if np.shape(y_true_ids) != np.shape(y_pred_ids):  # probabilities (N, H, W, C), say
        raise ValueError(f"True ids {np.shape(y_true_ids)} and predicted ids "
                         f"{np.shape(y_pred_ids)} differ in shape. Turn probabilities into ids "
                         "first: argmax over the last axis (predict_class_ids), keeping the "
                         "(N, H, W, 1) layout of the masks.")
    truth = as_class_ids(y_true_ids, num_classes)
    guess = as_class_ids(y_pred_ids, num_classes)
    counts = tf.math.confusion_matrix(truth.ravel(), guess.ravel(), num_classes, dtype=tf.int64)
    return counts.numpy()


def per_class_iou(confusion):
    """IoU of each class from a confusion matrix: TP / (TP + FP + FN), ``(C, C) -> (C,)``.

    TP is the diagonal, TP + FN the row sum (pixels of the class), TP + FP the column sum
    (pixels predicted as it). A class that is neither present nor predicted gets NaN, and
    ``np.nanmean`` of the result is the mean IoU that ``keras.metrics.MeanIoU`` reports.
    """
    check_finite(confusion, "confusion")
    confusion = np.asarray(confusion, dtype=np.float64)
    if confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1]:
        raise ValueError(f"A confusion matrix is square (classes × classes), got shape "
                         f"{confusion.shape}. Build one with confusion_matrix(truth, ids, C).")
    if np.any(confusion < 0):
        raise ValueError("A confusion matrix holds pixel counts, which cannot be negative.")
    hits = np.diag(confusion)
    union = confusion.sum(axis=0) + confusion.sum(axis=1) - hits
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, hits / union, np.nan)


def error_by_target(targets, predictions, edges):
    """Mean absolute error in bins of the true value: where do the errors live?

    ``targets`` and ``predictions``: arrays of one shape, e.g. ``(N, H, W, 1)``; ``edges``:
    increasing bin edges, bins are ``[edges[i], edges[i + 1])``; every target must fall in one
    (use ``-np.inf`` / ``np.inf`` as outer edges). Returns a dict of arrays with one value per
    bin: ``counts`` (pixels) and ``mae`` (NaN for an empty bin).
    """
    from scipy.stats import binned_statistic

    targets = np.asarray(targets, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    if targets.shape != predictions.shape:
        raise ValueError(f"targets {targets.shape} and predictions {predictions.shape} must have "
                         "the same shape: predict on the same images, unscaled.")
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges must be at least two increasing numbers, got {edges.tolist()}.")
    if targets.min() < edges[0] or targets.max() >= edges[-1]:
        raise ValueError(f"Targets range from {targets.min():.4g} to {targets.max():.4g}, outside "
                         f"the edges [{edges[0]:.4g}, {edges[-1]:.4g}). Widen the edges, e.g. "
                         "with -np.inf and np.inf at the ends.")
    errors = np.abs(predictions - targets).ravel()
    mae = binned_statistic(targets.ravel(), errors, statistic="mean", bins=edges).statistic
    counts = binned_statistic(targets.ravel(), errors, statistic="count", bins=edges).statistic
    return {"counts": counts.astype(np.int64), "mae": mae}
