"""Every input check raises a ValueError whose message names the fix; every ``check_*`` returns
None when all is well."""

import importlib
import pkgutil
from pathlib import Path

import keras
import numpy as np
import pytest

from unet_helpers.checks import (PADDINGS, check_input_shape, check_padding, check_positive_int,
                                 check_unet_arguments, check_whole_number, nearby_valid_sizes)
from unet_helpers.class_masks import check_class_ids
from unet_helpers.data_checks import (check_array, check_binary_masks, check_finite,
                                      check_images, check_mask_conventions, check_pairs,
                                      check_regression_targets)
from unet_helpers.evaluation import check_binary_model, check_model_images, check_threshold
from unet_helpers.head import check_head_and_loss, check_output_activation
from unet_helpers.model import build_unet
from unet_helpers.pipeline import check_dataset_options, check_num_classes
from unet_helpers.training import check_learning_rate


def test_size_not_divisible_names_sizes_that_work():
    with pytest.raises(ValueError) as error:
        build_unet((100, 100, 3))
    message = str(error.value)
    assert "96" in message and "112" in message and "2**depth = 16" in message


def test_width_is_checked_too():
    with pytest.raises(ValueError, match="width 90 .* 88 or 96"):
        build_unet((64, 90, 3), depth=3)


@pytest.mark.parametrize("size, depth, expected", [
    (100, 4, (96, 112)), (358, 4, (352, 368)), (572, 4, (560, 576)), (128, 4, (128, 128)),
    (10, 3, (8, 16)),
])
def test_nearby_valid_sizes(size, depth, expected):
    assert nearby_valid_sizes(size, depth) == expected


def test_depth_too_large_for_the_size():
    with pytest.raises(ValueError, match="depth=5 is too large .* Use depth <= 4"):
        build_unet((16, 16, 1), depth=5)


@pytest.mark.parametrize("depth", [0, -1, 2.5, True])
def test_depth_must_be_a_positive_integer(depth):
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        build_unet((64, 64, 1), depth=depth)


@pytest.mark.parametrize("filters", [0, -8, 16.0])
def test_filters_must_be_positive(filters):
    with pytest.raises(ValueError, match="base_filters must be a positive integer"):
        build_unet((64, 64, 1), base_filters=filters)


def test_missing_channel_axis():
    with pytest.raises(ValueError, match=r"Add the channel axis: \(64, 64, 1\)"):
        build_unet((64, 64))


def test_batch_axis_included_by_mistake():
    with pytest.raises(ValueError, match=r"Leave out the batch axis: use \(64, 64, 3\)"):
        build_unet((8, 64, 64, 3))


def test_not_a_shape_at_all():
    with pytest.raises(ValueError, match="must be a tuple"):
        build_unet(64)


def test_channels_must_be_positive():
    with pytest.raises(ValueError, match="channels must be a positive integer"):
        build_unet((64, 64, 0))


def test_unknown_activation():
    with pytest.raises(ValueError, match="Unknown output_activation 'relu'.*'sigmoid'"):
        build_unet((64, 64, 1), output_activation="relu")


def test_softmax_with_one_class_is_refused():
    with pytest.raises(ValueError, match="softmax over a single channel always outputs 1.0"):
        build_unet((64, 64, 1), output_activation="softmax")


def test_num_classes_must_be_positive():
    with pytest.raises(ValueError, match="num_classes must be a positive integer"):
        build_unet((64, 64, 1), num_classes=0)


def test_unpadded_size_that_does_not_work_names_sizes_that_do():
    with pytest.raises(ValueError, match="Sizes that work nearby: 556 or 572"):
        build_unet((570, 570, 1), padding="valid", batch_norm=False)


def test_unknown_padding():
    for padding in PADDINGS:
        assert check_padding(padding) is None
    with pytest.raises(ValueError, match="padding must be 'same' or 'valid'"):
        build_unet((64, 64, 1), padding="reflect")


@pytest.mark.usefixtures("fresh_keras_session")
def test_unknown_sizes_are_accepted():
    assert check_input_shape((None, None, 3), 4) is None
    model = build_unet((None, None, 3), base_filters=4, depth=2)
    assert model.output.shape == (None, None, None, 1)


# --- one contract for every check_*: None when all is well, a ValueError when not ---
IDS = np.array([[0, 1], [2, 0]], np.float32)
IMAGES = np.full((1, 4, 4, 1), 0.5, np.float32)
MASKS = np.zeros((1, 4, 4, 1), np.float32)
MASKS[0, 0, 0, 0] = 1.0


def one_conv(activation, name):
    """A 4x4x1 -> 4x4x1 model: one 1x1 convolution with ``activation`` (named, no counters)."""
    inputs = keras.Input((4, 4, 1), name=f"{name}_image")
    head = keras.layers.Conv2D(1, 1, activation=activation, name=f"{name}_head")
    return keras.Model(inputs, head(inputs), name=name)


SIGMOID, LINEAR = one_conv("sigmoid", "sigmoid_model"), one_conv(None, "linear_model")
CHECKS = {  # function: (good arguments, bad arguments, words the error must contain)
    check_padding: (("valid",), ("reflect",), "padding must be 'same' or 'valid'"),
    check_positive_int: ((3, "depth", "e.g. 4"), (0, "depth", "e.g. 4"),
                         "depth must be a positive integer (e.g. 4), got 0"),
    check_input_shape: (((96, 112, 3), 4), ((100, 112, 3), 4), "Resize or pad to 96 or 112"),
    check_unet_arguments: (((64, 64, 1), 4, 16), ((64, 64, 1), 4, 16.0),
                           "base_filters must be a positive integer"),
    check_output_activation: (("softmax", 3), ("softmax", 1), "softmax over a single channel"),
    check_head_and_loss: (("sigmoid", keras.losses.BinaryCrossentropy()),
                          ("sigmoid", keras.losses.BinaryCrossentropy(from_logits=True)),
                          "apply a sigmoid again"),
    check_class_ids: ((IDS, 3), (IDS, 2), "Use num_classes=3"),
    check_array: ((IMAGES, "images"), (IMAGES[0], "images"), "Add the channel axis"),
    check_images: ((IMAGES,), (IMAGES * 255,), "divide by 255"),
    check_binary_masks: ((MASKS,), (MASKS * 255,), "divide them by 255"),
    check_regression_targets: ((IMAGES + MASKS,), (IMAGES,), "nothing to regress"),
    check_pairs: ((IMAGES, MASKS), (IMAGES, MASKS[:, :2]), "must match"),
    check_finite: (([0.5, 2.0],), ([0.5, np.nan],), "NaN or infinite"),
    check_threshold: ((0.5,), (1.0,), "between 0 and 1"),
    check_model_images: ((SIGMOID, IMAGES), (SIGMOID, np.repeat(IMAGES, 3, -1)),
                         "build the model with channels=3"),
    check_binary_model: ((SIGMOID,), (LINEAR,), "Threshold the logits at 0"),
    check_learning_rate: ((2e-3,), (0,), "learning_rate must be a number in (0, 1]"),
    check_whole_number: ((8, "size", 8), (4, "size", 8), "size must be a whole number >= 8"),
    check_dataset_options: ((8, True, False, 0), (8, True, False, -1), "seed must be a whole number"),
    check_num_classes: (("classes", 3, "e.g."), ("binary", 3, "e.g."),
                        "num_classes is for task='classes' only"),
    check_mask_conventions: (({"a.png": [0, 1], "b.png": [0, 255]},),
                             ({"a.png": [0, 1, 15, 255]},), "PASCAL VOC convention"),
}


@pytest.mark.parametrize("check", list(CHECKS), ids=lambda f: f.__name__)
def test_every_check_returns_none_or_raises_a_value_error(check):
    good, bad, words = CHECKS[check]
    assert check(*good) is None
    with pytest.raises(ValueError) as error:
        check(*bad)
    assert words in str(error.value)


def test_the_contract_table_covers_every_public_check():
    found = set()
    package = Path(importlib.import_module("unet_helpers.checks").__file__).parent
    for module in pkgutil.iter_modules([str(package)]):
        names = importlib.import_module(f"unet_helpers.{module.name}").__all__
        found |= {f"{module.name}.{name}" for name in names if name.startswith("check_")}
    assert found == {f"{f.__module__.split('.')[-1]}.{f.__name__}" for f in CHECKS}


@pytest.mark.parametrize("value", [1, 7])
def test_check_positive_int_accepts_whole_numbers(value):
    assert check_positive_int(value, "depth", "e.g. 4") is None


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4", None])
def test_check_positive_int_refuses_everything_else(value):
    with pytest.raises(ValueError, match=f"depth must be a positive integer \\(e.g. 4\\), "
                                         f"got {value!r}"):
        check_positive_int(value, "depth", "e.g. 4")


def test_check_unet_arguments_checks_depth_before_the_shape():
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        check_unet_arguments((100, 100, 1), 0, 16)
    with pytest.raises(ValueError, match="Sizes that work nearby: 556 or 572"):
        check_unet_arguments((570, 570, 1), 4, 64, padding="valid")
