"""The blocks and the full U-Net: exact shapes, parameter counts, and the reference equivalence."""

import inspect

import keras
import numpy as np
import pytest
from keras.layers import (Activation, BatchNormalization, Concatenate, Conv2D, Conv2DTranspose,
                          Input, MaxPool2D)

from unet_helpers.blocks import conv_block, decoder_block, encoder_block
from unet_helpers.head import head_activation, output_head
from unet_helpers.model import build_small_unet, build_unet
from unet_helpers.trace import block_parameters

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


# --- The reference model, written with its own code (as in the blog post the series grew from) ---
def ref_conv_block(inputs, num_filters):
    x = Conv2D(num_filters, 3, padding="same")(inputs)
    x = BatchNormalization()(x)
    x = Activation("relu")(x)
    x = Conv2D(num_filters, 3, padding="same")(x)
    x = BatchNormalization()(x)
    x = Activation("relu")(x)
    return x


def ref_encoder_block(inputs, num_filters):
    x = ref_conv_block(inputs, num_filters)
    p = MaxPool2D((2, 2))(x)
    return x, p


def ref_decoder_block(inputs, skip_features, num_filters):
    x = Conv2DTranspose(num_filters, (2, 2), strides=2, padding="same")(inputs)
    x = Concatenate()([x, skip_features])
    return ref_conv_block(x, num_filters)


def ref_build_unet(input_shape):
    inputs = Input(input_shape)
    s1, p1 = ref_encoder_block(inputs, 64)
    s2, p2 = ref_encoder_block(p1, 128)
    s3, p3 = ref_encoder_block(p2, 256)
    s4, p4 = ref_encoder_block(p3, 512)
    b1 = ref_conv_block(p4, 1024)
    d1 = ref_decoder_block(b1, s4, 512)
    d2 = ref_decoder_block(d1, s3, 256)
    d3 = ref_decoder_block(d2, s2, 128)
    d4 = ref_decoder_block(d3, s1, 64)
    outputs = Conv2D(1, 1, padding="same", activation="sigmoid")(d4)
    return keras.Model(inputs, outputs, name="U-Net")


def layer_kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def test_reference_model_counts():
    model = build_unet((512, 512, 3))
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert model.count_params() == 31_055_297
    assert trainable == 31_043_521
    assert non_trainable == 11_776
    assert model.output.shape == (None, 512, 512, 1)


def test_same_layers_and_predictions_as_reference_code():
    ours = build_unet((64, 64, 3))
    reference = ref_build_unet((64, 64, 3))
    assert layer_kinds(ours) == layer_kinds(reference)
    assert ours.count_params() == reference.count_params() == 31_055_297
    weights = reference.get_weights()
    # Nudge biases and BatchNorm statistics away from 0 and 1, so a misplaced weight would show.
    rng = np.random.default_rng(0)
    weights = [w + rng.normal(0, 0.05, w.shape).astype(w.dtype) if w.ndim == 1 else w
               for w in weights]
    reference.set_weights(weights)
    ours.set_weights(weights)
    x = rng.uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    expected = reference.predict(x, verbose=0)
    got = ours.predict(x, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert 0 < got.min() and got.max() < 1


def test_conv_block_shape_and_parameters():
    inputs = keras.Input((128, 128, 3))
    out = conv_block(inputs, 64)
    model = keras.Model(inputs, out)
    assert out.shape == (None, 128, 128, 64)
    assert model.count_params() == 39_232
    assert layer_kinds(model)[1:] == ["Conv2D", "BatchNormalization", "Activation"] * 2


def test_conv_block_without_batch_norm():
    inputs = keras.Input((32, 32, 8))
    model = keras.Model(inputs, conv_block(inputs, 16, batch_norm=False))
    assert layer_kinds(model)[1:] == ["Conv2D", "Activation"] * 2
    assert model.count_params() == (9 * 8 * 16 + 16) + (9 * 16 * 16 + 16)


def test_encoder_block_reference_example():
    inputs = keras.Input((128, 128, 32))
    skip, pooled = encoder_block(inputs, 64)
    assert skip.shape == (None, 128, 128, 64)
    assert pooled.shape == (None, 64, 64, 64)


def test_decoder_block_reference_example():
    inputs = keras.Input((16, 16, 32))
    skip = keras.Input((32, 32, 64))
    out = decoder_block(inputs, skip, 64, name="dec")
    model = keras.Model([inputs, skip], out)
    assert model.get_layer("dec_up").output.shape == (None, 32, 32, 64)
    assert model.get_layer("dec_concat").output.shape == (None, 32, 32, 128)
    assert out.shape == (None, 32, 32, 64)
    assert model.get_layer("dec_up").count_params() == 4 * 32 * 64 + 64


def test_decoder_block_rejects_a_skip_of_another_size():
    with pytest.raises(ValueError, match="divisible by 2\\*\\*depth"):
        decoder_block(keras.Input((16, 16, 32)), keras.Input((33, 33, 64)), 64)


def test_block_parameters_match_the_reference_table():
    params = block_parameters(build_unet((512, 512, 3)))
    assert params == {
        "encoder 1": 39_232, "encoder 2": 222_464, "encoder 3": 887_296, "encoder 4": 3_544_064,
        "bridge": 14_166_016,
        "decoder 4": 2_097_664 + 7_083_008, "decoder 3": 524_544 + 1_772_032,
        "decoder 2": 131_200 + 443_648, "decoder 1": 32_832 + 111_232,
        "head": 65,
    }
    assert sum(params.values()) == 31_055_297


@pytest.mark.parametrize("activation, num_classes, expected", [
    ("sigmoid", 1, "sigmoid"), ("softmax", 3, "softmax"), (None, 2, "linear"),
    ("linear", 1, "linear"),
])
def test_output_activations(activation, num_classes, expected):
    model = build_unet((32, 32, 1), base_filters=4, depth=2, num_classes=num_classes,
                       output_activation=activation)
    head = model.get_layer("head")
    assert head.get_config()["activation"] == expected
    assert head_activation(model) == expected   # what the compile helpers read off a model
    assert model.output.shape == (None, 32, 32, num_classes)


def test_softmax_head_sums_to_one():
    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, output_head(inputs, 3, "softmax"))
    probabilities = model.predict(np.random.default_rng(1).normal(size=(2, 8, 8, 4)), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-5)


def test_layer_names_are_stable():
    first = [layer.name for layer in build_unet((64, 64, 3), depth=2).layers]
    second = [layer.name for layer in build_unet((64, 64, 3), depth=2).layers]
    assert first == second
    assert "enc1_conv1" in first and "bridge_relu2" in first and "dec1_up" in first
    assert first[-1] == "head"


def momenta(model):
    return [layer.momentum for layer in model.layers if isinstance(layer, BatchNormalization)]


BUILDERS = [conv_block, encoder_block, decoder_block, build_unet, build_small_unet]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda f: f.__name__)
def test_batch_norm_momentum_has_one_name(builder):
    parameters = inspect.signature(builder).parameters
    assert "batch_norm_momentum" in parameters
    assert "momentum" not in parameters


def build_with(builder, **options):
    """A small model from one builder, with ``options`` passed to it."""
    if builder is build_unet:
        return build_unet((32, 32, 1), base_filters=4, depth=2, **options)
    if builder is build_small_unet:
        return build_small_unet(32, base_filters=4, depth=2, **options)
    inputs = [keras.Input((16, 16, 4))] + ([keras.Input((32, 32, 4))]
                                           if builder is decoder_block else [])
    return keras.Model(inputs, builder(*inputs, 8, **options))


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda f: f.__name__)
def test_batch_norm_momentum_is_passed_on_and_momentum_is_refused(builder):
    count = 10 if builder in (build_unet, build_small_unet) else 2  # 2 per conv block
    assert momenta(build_with(builder, batch_norm_momentum=0.9)) == [0.9] * count
    default = 0.9 if builder is build_small_unet else 0.99   # Keras' default, except the CPU U-Net
    assert momenta(build_with(builder)) == [default] * count
    with pytest.raises(TypeError, match="momentum"):
        build_with(builder, momentum=0.9)


def test_without_batch_norm_the_model_has_no_batch_norm_layers():
    model = build_unet((64, 64, 1), base_filters=8, batch_norm=False)
    assert "BatchNormalization" not in layer_kinds(model)
