"""The head and its loss: good pairings pass and are described, each mismatch names its fix."""

import keras
import pytest

from unet_helpers.head import (activation_name, check_head_and_loss, describe_head_and_loss,
                               head_activation)
from unet_helpers.model import build_unet

L = keras.losses


@pytest.mark.parametrize("activation, loss, classes, words", [
    ("sigmoid", L.BinaryCrossentropy(), 1, "probabilities vs a 0/1 mask"),
    (None, L.BinaryCrossentropy(from_logits=True), 1, "logits vs a 0/1 mask"),
    ("softmax", L.SparseCategoricalCrossentropy(), 4, "probabilities vs class ids"),
    ("linear", L.SparseCategoricalCrossentropy(from_logits=True), 4, "logits vs class ids"),
    ("softmax", L.CategoricalCrossentropy(), 3, "one-hot masks"),
    ("sigmoid", L.Dice(), 1, "Dice"),
    (None, L.MeanSquaredError(), 1, "regression"),
    ("sigmoid", L.MeanAbsoluteError(), 1, "only for targets inside [0, 1]"),
])
def test_good_pairings(activation, loss, classes, words):
    assert check_head_and_loss(activation, loss, classes) is None
    assert words in describe_head_and_loss(activation, loss, classes)


@pytest.mark.parametrize("activation, loss, classes, message", [
    ("sigmoid", L.BinaryCrossentropy(from_logits=True), 1, "apply a sigmoid again"),
    ("softmax", L.SparseCategoricalCrossentropy(from_logits=True), 3, "apply a softmax again"),
    (None, L.BinaryCrossentropy(), 1, "Pass from_logits=True"),
    (None, L.SparseCategoricalCrossentropy(), 3, "Pass from_logits=True"),
    ("softmax", L.BinaryCrossentropy(), 2, "With a softmax head use SparseCategoricalCrossentropy"),
    ("sigmoid", L.SparseCategoricalCrossentropy(), 1, "needs one channel per class"),
    ("sigmoid", L.CategoricalCrossentropy(), 3, "use a softmax head"),
    (None, L.Dice(), 1, "Use a sigmoid"),
])
def test_mismatches_name_the_fix(activation, loss, classes, message):
    with pytest.raises(ValueError, match=message):
        check_head_and_loss(activation, loss, classes)
    with pytest.raises(ValueError, match=message):  # the description checks first
        describe_head_and_loss(activation, loss, classes)


def test_a_loss_name_string_is_refused():
    with pytest.raises(ValueError, match="Pass a Keras loss object"):
        check_head_and_loss("sigmoid", "binary_crossentropy")


def test_exact_descriptions_of_the_notebook_pairings():
    assert describe_head_and_loss("sigmoid", L.BinaryCrossentropy()) == (
        "sigmoid head + BinaryCrossentropy(from_logits=False): probabilities vs a 0/1 mask")
    assert describe_head_and_loss(None, L.SparseCategoricalCrossentropy(from_logits=True), 4) == (
        "linear head + SparseCategoricalCrossentropy(from_logits=True): logits vs class ids")
    assert describe_head_and_loss("linear", L.MeanSquaredError()) == (
        "linear head + MeanSquaredError: regression of real values")
    assert describe_head_and_loss("sigmoid", L.Hinge()) == (
        "sigmoid head + Hinge: not a pairing this check knows; check it by hand")


def test_sigmoid_with_several_classes_and_a_sparse_loss_asks_for_softmax():
    with pytest.raises(ValueError, match="use a softmax head, or a linear head with from_logits=True"):
        check_head_and_loss("sigmoid", L.SparseCategoricalCrossentropy(), 4)


def test_sigmoid_with_several_channels_and_binary_crossentropy_is_multi_label():
    assert describe_head_and_loss("sigmoid", L.BinaryCrossentropy(), 3) == (
        "sigmoid head + BinaryCrossentropy(from_logits=False): probabilities vs a 0/1 mask")


def test_softmax_with_one_channel_is_refused():
    with pytest.raises(ValueError, match="softmax over a single channel always outputs 1.0"):
        check_head_and_loss("softmax", L.SparseCategoricalCrossentropy(), 1)


def test_activation_name_reads_none_as_linear():
    assert [activation_name(a) for a in (None, "linear", "sigmoid", "softmax")] == [
        "linear", "linear", "sigmoid", "softmax"]


@pytest.mark.usefixtures("fresh_keras_session")
def test_head_activation_refuses_a_model_without_a_head():
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, keras.layers.MaxPool2D(name="pool")(inputs))
    with pytest.raises(ValueError, match="Cannot tell the head's activation from the last "
                                         "layer 'pool'"):
        head_activation(model)


@pytest.mark.usefixtures("fresh_keras_session")
def test_the_head_of_a_built_model_can_be_checked():
    model = build_unet((32, 32, 1), base_filters=4, depth=1, num_classes=3,
                       output_activation="softmax")
    activation = head_activation(model)
    assert activation == "softmax"
    assert check_head_and_loss(activation, L.SparseCategoricalCrossentropy(), 3) is None
    assert describe_head_and_loss(activation, L.SparseCategoricalCrossentropy(), 3) == (
        "softmax head + SparseCategoricalCrossentropy(from_logits=False): "
        "probabilities vs class ids")
    with pytest.raises(ValueError, match="apply a softmax again"):
        check_head_and_loss(activation, L.SparseCategoricalCrossentropy(from_logits=True), 3)
