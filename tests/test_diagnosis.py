"""diagnose() finds what is wrong with a setup, in plain words, and never raises on bad data;
the memory estimate agrees with what was measured for the reference model."""

import keras
import numpy as np
import pytest

from unet_helpers.diagnosis import diagnose
from unet_helpers.losses import bce_dice_loss
from unet_helpers.memory import format_bytes, machine_memory_bytes, training_memory_bytes
from unet_helpers.model import build_small_unet, build_unet
from unet_helpers.synthetic import synthetic_cells, synthetic_shapes

pytestmark = pytest.mark.usefixtures("fresh_keras_session")

IMAGES, MASKS = synthetic_cells(4, 64, seed=3)
SHAPES, IDS = synthetic_shapes(4, 64, seed=3)


def sigmoid_unet():
    return build_small_unet(64, 1, base_filters=4, depth=2)


def softmax_unet(classes=4):
    return build_small_unet(64, 1, base_filters=4, depth=2, num_classes=classes,
                            output_activation="softmax")


def void_masks():
    masks = IDS.copy()
    masks[:, :2] = 255
    return masks


def uneven_images():
    return IMAGES[:, :62, :62]


BROKEN = [  # (what a learner did, images, masks, model, loss, batch, the finding that names it)
    ("images in 0..255 as uint8", (IMAGES * 255).astype("uint8"), MASKS, None, None, None,
     "divide by 255"),
    ("0/255 masks", IMAGES, MASKS * 255, sigmoid_unet, None, None,
     "The masks hold 0 and 255: divide them by 255"),
    ("class ids for a sigmoid head", SHAPES, IDS, sigmoid_unet, None, None,
     "a sigmoid head predicts one binary mask"),
    ("a double sigmoid", IMAGES, MASKS, sigmoid_unet,
     keras.losses.BinaryCrossentropy(from_logits=True), None, "will apply a sigmoid again"),
    ("too few head channels", SHAPES, IDS, lambda: softmax_unet(3), None, None,
     "build the model with num_classes=4"),
    ("a size not divisible by 2**depth", None, None, "uneven", None, None,
     "does not divide by 2**2 = 4"),
    ("the VOC void label", SHAPES, "void", None, None, None, "PASCAL VOC convention"),
    ("masks that are all 0", IMAGES, MASKS * 0, None, None, None, "Every mask is all 0"),
    ("masks without a channel axis", IMAGES, MASKS[..., 0], None, None, None,
     "add the channel axis"),
    ("fractional masks", IMAGES, MASKS * 0.5, None, None, None, "nearest-neighbour"),
    ("images and masks that do not pair", IMAGES, MASKS[:3], None, None, None,
     "4 images but 3 masks"),
    ("a loss for classes on a sigmoid head", IMAGES, MASKS, sigmoid_unet,
     keras.losses.SparseCategoricalCrossentropy(), None, "needs one channel per class"),
    ("bce_dice_loss on a linear head", IMAGES, MASKS,
     lambda: build_small_unet(64, 1, base_filters=4, depth=2, output_activation=None),
     bce_dice_loss, None, "bce_dice_loss expects the probabilities of one sigmoid channel"),
]


@pytest.mark.parametrize("case", BROKEN, ids=[case[0] for case in BROKEN])
def test_diagnose_names_what_is_wrong(case, capsys):
    _, images, masks, model, loss, batch, finding = case
    if model == "uneven":
        images, masks = uneven_images(), MASKS[:, :62, :62]
        model = lambda: build_unet((None, None, 1), base_filters=4, depth=2)  # noqa: E731
    masks = void_masks() if isinstance(masks, str) else masks
    report = diagnose(images, masks, model() if model else None, loss, batch)
    assert any(finding in problem for problem in report.problems), report.problems
    printed = capsys.readouterr().out
    assert printed.rstrip().endswith("before training.")
    assert "✗ " in printed


def test_a_good_setup_has_no_problem(capsys):
    report = diagnose(IMAGES, MASKS, sigmoid_unet(), keras.losses.BinaryCrossentropy(), 8)
    assert report.problems == []
    assert diagnose(IMAGES, MASKS, sigmoid_unet(), bce_dice_loss, 8, show=False).problems == []
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✓ images: 4 of 64×64, 1 channel, float32 from 0 to 1"
    assert lines[1].startswith("✓ masks: binary 0/1, foreground ")
    assert lines[-1] == "No problems found."


def test_good_class_ids_and_regression_targets(capsys):
    assert diagnose(SHAPES, IDS, softmax_unet(), keras.losses.SparseCategoricalCrossentropy(),
                    show=False).problems == []
    targets = np.linspace(-5, 5, MASKS.size, dtype="float32").reshape(MASKS.shape)
    linear = build_small_unet(64, 1, base_filters=4, depth=2, output_activation=None)
    assert diagnose(IMAGES, targets, linear, keras.losses.MeanSquaredError(), show=False).problems == []
    assert capsys.readouterr().out == ""


def test_diagnose_reports_garbage_instead_of_raising():
    report = diagnose("not an array", [[1, 2]], show=False)
    assert len(report.problems) >= 1


def test_the_memory_estimate_matches_what_was_measured():
    model = build_unet((512, 512, 3))
    # Measured on a CPU for the reference model in float32 (shared/NOTES.md): batch 1 about
    # 2-2.5 GiB, batch 4 about 5.5-8 GiB, batch 8 about 10-15 GiB.
    for batch, low, high in ((1, 2.0, 2.5), (4, 5.5, 8.0), (8, 10.0, 15.0)):
        total = training_memory_bytes(model, batch)["total"] / 2**30
        assert low <= total <= high, (batch, total)
    one, two = (training_memory_bytes(model, n) for n in (1, 2))
    assert two["activations"] == 2 * one["activations"]
    assert one["weights"] == 31_055_297 * 4


def test_memory_too_large_for_the_machine_is_a_problem():
    report = diagnose(np.zeros((1, 512, 512, 3), "float32"), np.ones((1, 512, 512, 1), "float32"),
                      build_unet((512, 512, 3)), batch_size=4096, show=False)
    assert any("lower the batch size" in problem for problem in report.problems)


def test_memory_helpers_refuse_bad_arguments():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        training_memory_bytes(sigmoid_unet(), 0)
    with pytest.raises(ValueError, match="fixed input size"):
        training_memory_bytes(build_unet((None, None, 1), base_filters=4, depth=2), 1)
    assert format_bytes(3 * 2**30) == "3.0 GiB" and format_bytes(5 * 2**20) == "5 MiB"
    assert machine_memory_bytes() is None or machine_memory_bytes() > 2**28
