"""The exercise graders grade like a teacher.

For every grader: at least three correct answers written differently pass, every listed mistake
fails with a hint that names it, code that crashes or is not written yet becomes a line of the
report (never an exception), and the one verdict line agrees with the lines above it.
"""

import math

import keras
import numpy as np
import pytest
from keras import layers

from unet_helpers.block_exercises import (grade_conv_block, grade_decoder_block,
                                          grade_encoder_block, grade_model, grade_output_head,
                                          grade_unet)
from unet_helpers.blocks import conv_block, decoder_block, encoder_block
from unet_helpers.grading import layer_steps
from unet_helpers.head import output_head
from unet_helpers.model import build_unet
from unet_helpers.value_exercises import (grade_bce_dice, grade_dice, grade_mae,
                                          grade_output_size, grade_overlap_counts,
                                          grade_per_class_iou, grade_training_memory)
from unet_helpers.value_grading import grade_values

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def verdict(capsys):
    """The printed lines, after checking that the last one is the only verdict and agrees."""
    lines = capsys.readouterr().out.splitlines()
    assert lines, "the grader printed nothing"
    last = lines[-1]
    verdicts = [line for line in lines if line.startswith(("Your ", "Not yet"))]
    assert verdicts == [last]
    if any(line.startswith("✗") for line in lines):
        assert last.startswith("Not yet: your ")
    elif "not implemented yet" in last:
        assert not any(line.startswith("✓") for line in lines)
    else:
        assert last.endswith(" matches the reference.")
    return lines


def expect_pass(grader, function, capsys, **options):
    assert grader(function, **options) is True
    return verdict(capsys)


def expect_hint(grader, function, hint, capsys, **options):
    assert grader(function, **options) is False
    lines = verdict(capsys)
    assert any(line.startswith("✗") and hint in line for line in lines), "\n".join(lines)


# --- conv block ----------------------------------------------------------------------------
def conv_activation_layers(inputs, filters):
    x = inputs
    for _ in range(2):
        x = layers.Conv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    return x


def conv_relu_layers_tuple_kernel(inputs, filters):
    x = layers.Conv2D(filters, (3, 3), padding="same")(inputs)
    x = layers.ReLU()(layers.BatchNormalization()(x))
    x = layers.Conv2D(filters, kernel_size=(3, 3), strides=1, padding="same")(x)
    return layers.ReLU()(layers.BatchNormalization(momentum=0.9)(x))


def conv_function_activation_no_bias(inputs, filters):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(inputs)
    x = layers.Activation(keras.activations.relu)(layers.BatchNormalization()(x))
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    return keras.ops.relu(layers.BatchNormalization()(x))


def conv_helper(inputs, filters):
    return conv_block(inputs, filters)


def conv_forgot_batchnorm(inputs, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(inputs)
    return layers.Conv2D(filters, 3, padding="same", activation="relu")(x)


def conv_relu_before_batchnorm(inputs, filters):
    x = inputs
    for _ in range(2):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.BatchNormalization()(x)
    return x


def conv_one_convolution(inputs, filters):
    x = layers.Conv2D(filters, 3, padding="same")(inputs)
    return layers.ReLU()(layers.BatchNormalization()(x))


def conv_valid_padding(inputs, filters):
    x = inputs
    for _ in range(2):
        x = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3)(x)))
    return x


def conv_fixed_filters(inputs, filters):
    return conv_block(inputs, 64)


def conv_no_relu(inputs, filters):
    x = inputs
    for _ in range(2):
        x = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same")(x))
    return x


@pytest.mark.parametrize("function", [conv_activation_layers, conv_relu_layers_tuple_kernel,
                                      conv_function_activation_no_bias, conv_helper])
def test_conv_block_grader_accepts_correct_spellings(function, capsys):
    lines = expect_pass(grade_conv_block, function, capsys)
    assert lines[0] == "✓ output shape: (None, 32, 32, 16)"
    assert lines[1].startswith("✓ same outputs as the reference for the same weights and input")


def test_conv_block_grader_explains_a_missing_bias(capsys):
    lines = expect_pass(grade_conv_block, conv_function_activation_no_bias, capsys)
    assert lines[2] == ("✓ parameters: 3,584 (the reference has 3,616: your convolutions have no "
                        "bias, which the BatchNormalization after them makes unnecessary)")


@pytest.mark.parametrize("function, hint", [
    (conv_forgot_batchnorm, "Forgot BatchNormalization"),
    (conv_relu_before_batchnorm, "ReLU comes before BatchNormalization"),
    (conv_one_convolution, "1 convolution instead of 2"),
    (conv_valid_padding, "padding='valid'"),
    (conv_fixed_filters, "Wrong number of filters: your convolutions have [64], the block "
                         "should have 16"),
    (conv_no_relu, "A ReLU is missing"),
])
def test_conv_block_grader_names_the_mistake(function, hint, capsys):
    expect_hint(grade_conv_block, function, hint, capsys)


def test_one_convolution_is_not_called_a_missing_batchnorm(capsys):
    assert grade_conv_block(conv_one_convolution) is False
    assert "Forgot BatchNormalization" not in capsys.readouterr().out


def test_the_bridge_is_a_conv_block_at_its_real_size(capsys):
    lines = expect_pass(grade_conv_block, conv_activation_layers, capsys,
                        input_shape=(32, 32, 512), filters=1024, what="bridge")
    assert lines[0] == "✓ output shape: (None, 32, 32, 1024)"
    assert lines[2] == "✓ parameters: 14,166,016"
    assert lines[-1] == "Your bridge matches the reference."


# --- encoder block -------------------------------------------------------------------------
def encoder_helper(inputs, filters):
    skip = conv_block(inputs, filters)
    return skip, layers.MaxPool2D((2, 2))(skip)


def encoder_written_out(inputs, filters):
    skip = conv_activation_layers(inputs, filters)
    return skip, layers.MaxPooling2D(pool_size=2, strides=2)(skip)


def encoder_list_and_default_pool(inputs, filters):
    skip = conv_relu_layers_tuple_kernel(inputs, filters)
    return [skip, layers.MaxPool2D()(skip)]


def encoder_swapped(inputs, filters):
    skip, pooled = encoder_block(inputs, filters)
    return pooled, skip


def encoder_pooled_skip(inputs, filters):
    pooled = layers.MaxPool2D()(conv_block(inputs, filters))
    return pooled, pooled


def encoder_average_pooling(inputs, filters):
    skip = conv_block(inputs, filters)
    return skip, layers.AveragePooling2D(2)(skip)


def encoder_no_pooling(inputs, filters):
    skip = conv_block(inputs, filters)
    return skip, skip


def encoder_forgot_batchnorm(inputs, filters):
    skip = conv_forgot_batchnorm(inputs, filters)
    return skip, layers.MaxPool2D()(skip)


@pytest.mark.parametrize("function", [encoder_helper, encoder_written_out,
                                      encoder_list_and_default_pool])
def test_encoder_grader_accepts_correct_spellings(function, capsys):
    lines = expect_pass(grade_encoder_block, function, capsys)
    assert lines[0] == "✓ output shapes: (None, 32, 32, 16), (None, 16, 16, 16)"


@pytest.mark.parametrize("function, hint", [
    (encoder_swapped, "You returned (pooled, skip)"),
    (encoder_pooled_skip, "The skip is taken after pooling"),
    (encoder_average_pooling, "AveragePooling2D instead of MaxPooling2D"),
    (encoder_no_pooling, "No pooling"),
    (encoder_forgot_batchnorm, "Forgot BatchNormalization"),
])
def test_encoder_grader_names_the_mistake(function, hint, capsys):
    expect_hint(grade_encoder_block, function, hint, capsys)


# --- decoder block -------------------------------------------------------------------------
def decoder_helper(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    return conv_block(layers.Concatenate()([x, skip]), filters)


def decoder_function_concatenate(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, 2, strides=(2, 2), padding="same")(inputs)
    return conv_activation_layers(layers.concatenate([x, skip]), filters)


def decoder_ops_concatenate(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, kernel_size=2, strides=2, padding="same")(inputs)
    x = keras.ops.concatenate([x, skip], axis=-1)
    return conv_relu_layers_tuple_kernel(x, filters)


def decoder_missing_stride(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), padding="same")(inputs)
    return conv_block(layers.Concatenate()([x, skip]), filters)


def decoder_missing_stride_upsampled_later(inputs, skip, filters):
    x = layers.UpSampling2D()(layers.Conv2DTranspose(filters, (2, 2), padding="same")(inputs))
    return conv_block(layers.Concatenate()([x, skip]), filters)


def decoder_skip_first(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    return conv_block(layers.Concatenate()([skip, x]), filters)


def decoder_added(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    return conv_block(layers.Add()([x, skip]), filters)


def decoder_plus(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    return conv_block(x + skip, filters)


def decoder_valid_padding(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    return conv_valid_padding(layers.Concatenate()([x, skip]), filters)


@pytest.mark.parametrize("function", [decoder_helper, decoder_function_concatenate,
                                      decoder_ops_concatenate])
def test_decoder_grader_accepts_correct_spellings(function, capsys):
    lines = expect_pass(grade_decoder_block, function, capsys)
    assert lines[0] == "✓ output shape: (None, 32, 32, 16)"


@pytest.mark.parametrize("function, hint", [
    (decoder_missing_stride, "Missing stride 2?"),
    (decoder_missing_stride_upsampled_later, "Missing stride 2"),
    (decoder_skip_first, "The skip is concatenated first"),
    (decoder_added, "Added instead of concatenated"),
    (decoder_plus, "Added instead of concatenated"),
    (decoder_valid_padding, "padding='valid'"),
])
def test_decoder_grader_names_the_mistake(function, hint, capsys):
    expect_hint(grade_decoder_block, function, hint, capsys)


def test_adding_a_skip_of_other_channels_is_explained_not_raised(capsys):
    expect_hint(grade_decoder_block, decoder_added, "concatenate the skip instead of adding it",
                capsys, skip_shape=(32, 32, 8))


# --- output head ---------------------------------------------------------------------------
def head_inside(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 1, activation=activation)(inputs)


def head_separate_activation(inputs, num_classes, activation):
    x = layers.Conv2D(num_classes, (1, 1), padding="same")(inputs)
    return layers.Activation(activation)(x)


def head_helper(inputs, num_classes, activation):
    return output_head(inputs, num_classes, activation, name="my_head")


def head_three_by_three(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 3, padding="same", activation=activation)(inputs)


def head_always_relu(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 1, activation="relu")(inputs)


def head_always_sigmoid(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 1, activation="sigmoid")(inputs)


def head_one_channel(inputs, num_classes, activation):
    return layers.Conv2D(1, 1, activation=activation)(inputs)


@pytest.mark.parametrize("function", [head_inside, head_separate_activation, head_helper])
@pytest.mark.parametrize("num_classes, activation", [(1, "sigmoid"), (4, "softmax"), (2, None)])
def test_head_grader_accepts_correct_spellings(function, num_classes, activation, capsys):
    expect_pass(grade_output_head, function, capsys, num_classes=num_classes,
                activation=activation)


@pytest.mark.parametrize("function, options, hint", [
    (head_three_by_three, {}, "A head with a larger kernel than 1x1"),
    (head_always_relu, {}, "Wrong head activation: yours is relu, this head needs sigmoid"),
    (head_always_sigmoid, {"num_classes": 3, "activation": "softmax"},
     "Wrong head activation: yours is sigmoid, this head needs softmax"),
    (head_always_sigmoid, {"activation": None}, "sigmoid where logits were expected"),
    (head_one_channel, {"num_classes": 3, "activation": "softmax"},
     "it needs one per class, num_classes = 3"),
])
def test_head_grader_names_the_mistake(function, options, hint, capsys):
    expect_hint(grade_output_head, function, hint, capsys, **options)


def test_a_wrong_activation_never_says_it_matches(capsys):
    assert grade_output_head(head_always_relu) is False
    assert "matches the reference" not in capsys.readouterr().out


# --- whole U-Net ---------------------------------------------------------------------------
def unet_explicit(input_shape):
    inputs = keras.Input(input_shape)
    skip1, x = encoder_block(inputs, 16)
    skip2, x = encoder_block(x, 32)
    x = conv_block(x, 64)
    x = decoder_block(x, skip2, 32)
    x = decoder_block(x, skip1, 16)
    return keras.Model(inputs, output_head(x, 1, "sigmoid"))


def unet_loop(input_shape):
    inputs = keras.Input(input_shape)
    skips, x = [], inputs
    for filters in (16, 32):
        skip, x = encoder_helper(x, filters)
        skips.append(skip)
    x = conv_activation_layers(x, 64)
    for filters, skip in zip((32, 16), reversed(skips)):
        x = decoder_function_concatenate(x, skip, filters)
    return keras.Model(inputs, head_separate_activation(x, 1, "sigmoid"))


def unet_library(input_shape):
    return build_unet(input_shape, base_filters=16, depth=2, name="mine")


def unet_without_skips(input_shape):
    inputs = keras.Input(input_shape)
    _, x = encoder_block(inputs, 16)
    _, x = encoder_block(x, 32)
    x = conv_block(x, 64)
    for filters in (32, 16):
        x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
        x = conv_block(x, filters)
    return keras.Model(inputs, output_head(x, 1, "sigmoid"))


def unet_returns_tensor(input_shape):
    return unet_explicit(input_shape).output


@pytest.mark.parametrize("function", [unet_explicit, unet_loop, unet_library])
def test_unet_grader_accepts_correct_spellings(function, capsys):
    reference = build_unet((32, 32, 1), base_filters=16, depth=2)
    expect_pass(grade_unet, function, capsys, reference_model=reference)


@pytest.mark.parametrize("function, hint", [
    (unet_without_skips, "0 skip connections where the reference has 2"),
    (unet_returns_tensor, "returns a keras.Model"),
])
def test_unet_grader_names_the_problem(function, hint, capsys):
    reference = build_unet((32, 32, 1), base_filters=16, depth=2)
    expect_hint(grade_unet, function, hint, capsys, reference_model=reference)


def test_grade_model_compares_built_models(capsys):
    reference = build_unet((32, 32, 1), base_filters=16, depth=2)
    assert grade_model(unet_loop((32, 32, 1)), reference, what="small U-Net") is True
    assert verdict(capsys)[-1] == "Your small U-Net matches the reference."
    assert grade_model(unet_without_skips((32, 32, 1)), reference) is False
    verdict(capsys)


def test_layer_steps_read_equal_spellings_alike():
    inputs = keras.Input((8, 8, 4))
    first = keras.Model(inputs, conv_activation_layers(inputs, 4))
    second = keras.Model(inputs, conv_function_activation_no_bias(inputs, 4))
    assert layer_steps(first) == layer_steps(second) == ["conv 3x3", "batchnorm", "relu"] * 2


# --- graders of values ----------------------------------------------------------------------
def dice_numpy(y_true, y_pred):
    return 2 * np.sum(y_true * y_pred) / (np.sum(y_true) + np.sum(y_pred))


def dice_keras_ops(y_true, y_pred):
    overlap = keras.ops.sum(y_true * y_pred)
    return float(2.0 * overlap / (keras.ops.sum(y_true) + keras.ops.sum(y_pred)))


def dice_flattened(y_true, y_pred):
    a, b = np.ravel(y_true).astype("float64"), np.ravel(y_pred).astype("float64")
    return float(2 * a @ b / (a.sum() + b.sum()))


def bce_dice_numpy(y_true, y_pred):
    y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
    bce = -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
    return bce + 1 - dice_numpy(y_true, y_pred)


def bce_dice_keras(y_true, y_pred):
    bce = keras.ops.mean(keras.losses.binary_crossentropy(y_true, y_pred))
    return float(bce) + float(keras.losses.Dice()(y_true, y_pred))


def bce_dice_two_losses(y_true, y_pred):
    return float(keras.losses.BinaryCrossentropy()(y_true, y_pred)) + 1 - dice_flattened(
        y_true, y_pred)


def iou_rows_and_columns(confusion):
    confusion = np.asarray(confusion, dtype=float)
    hits = np.diag(confusion)
    return hits / (confusion.sum(axis=0) + confusion.sum(axis=1) - hits)


def iou_loop(confusion):
    confusion = np.asarray(confusion, dtype=float)
    result = []
    for k in range(len(confusion)):
        tp = confusion[k, k]
        fp = confusion[:, k].sum() - tp
        fn = confusion[k, :].sum() - tp
        result.append(tp / (tp + fp + fn))
    return result


def iou_from_union(confusion):
    confusion = np.asarray(confusion)
    hits = np.diagonal(confusion)
    with np.errstate(invalid="ignore"):
        return hits / (np.sum(confusion, 0) + np.sum(confusion, 1) - hits)


def mae_numpy(y_true, y_pred):
    return np.mean(np.abs(np.asarray(y_pred) - np.asarray(y_true)))


def mae_keras_ops(y_true, y_pred):
    return float(keras.ops.mean(keras.ops.abs(y_true - y_pred)))


def mae_loss_object(y_true, y_pred):
    return float(keras.losses.MeanAbsoluteError()(y_true, y_pred))


def size_loop(size, depth):
    for _ in range(depth):
        size -= 4
        if size <= 0 or size % 2:
            return None
        size //= 2
    size -= 4
    if size <= 0:
        return None
    for _ in range(depth):
        size = 2 * size - 4
    return size if size > 0 else None


def size_recursive(size, depth):
    if depth == 0:
        return size - 4 if size > 4 else None
    inner = size - 4
    if inner <= 0 or inner % 2:
        return None
    below = size_recursive(inner // 2, depth - 1)
    if below is None or 2 * below - 4 <= 0:
        return None
    return 2 * below - 4


def size_closed_form(size, depth):
    low = size
    for _ in range(depth):
        if (low - 4) <= 0 or (low - 4) % 2:
            return None
        low = (low - 4) // 2
    if low - 4 <= 0:
        return None
    out = (low - 4) * 2 ** depth - 4 * (2 ** depth - 1)
    return out if out > 0 else None


def overlap_loop(kernel_size, strides, input_size):
    size = (input_size - 1) * strides + kernel_size
    counts = np.zeros((size, size), dtype=int)
    for row in range(input_size):
        for col in range(input_size):
            counts[row * strides:row * strides + kernel_size,
                   col * strides:col * strides + kernel_size] += 1
    return counts


def overlap_one_axis(kernel_size, strides, input_size):
    size = (input_size - 1) * strides + kernel_size
    line = np.zeros(size, dtype=int)
    for i in range(input_size):
        line[i * strides:i * strides + kernel_size] += 1
    return np.outer(line, line)


def overlap_kron(kernel_size, strides, input_size):
    size = (input_size - 1) * strides + kernel_size
    spikes = np.zeros((size - kernel_size + 1,) * 2)
    spikes[::strides, ::strides] = 1
    from scipy.signal import convolve2d
    return convolve2d(spikes, np.ones((kernel_size, kernel_size))).astype(int)


def memory_loop(model, batch_size, bytes_per_value=4):
    per_image = 0
    for layer in model.layers[1:]:
        per_image += int(np.prod(layer.output.shape[1:]))
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return (per_image * batch_size + model.count_params() + 3 * trainable) * bytes_per_value


def memory_parts(model, batch_size, bytes_per_value=4):
    activations = batch_size * sum(math.prod(layer.output.shape[1:]) for layer in model.layers
                                   if not isinstance(layer, keras.layers.InputLayer))
    frozen = sum(math.prod(w.shape) for w in model.non_trainable_weights)
    weights = model.count_params()
    adam_and_gradients = 3 * (weights - frozen)
    return bytes_per_value * (activations + weights + adam_and_gradients)


def memory_numpy(model, batch_size, bytes_per_value=4):
    outputs = np.array([np.prod(layer.output.shape[1:]) for layer in model.layers[1:]])
    sizes = np.array([np.size(w) for w in model.trainable_weights])
    return float(bytes_per_value * (batch_size * outputs.sum() + model.count_params()
                                    + 3 * sizes.sum()))


@pytest.mark.parametrize("grader, functions", [
    (grade_training_memory, [memory_loop, memory_parts, memory_numpy]),
    (grade_dice, [dice_numpy, dice_keras_ops, dice_flattened]),
    (grade_bce_dice, [bce_dice_numpy, bce_dice_keras, bce_dice_two_losses]),
    (grade_per_class_iou, [iou_rows_and_columns, iou_loop, iou_from_union]),
    (grade_mae, [mae_numpy, mae_keras_ops, mae_loss_object]),
    (grade_output_size, [size_loop, size_recursive, size_closed_form]),
    (grade_overlap_counts, [overlap_loop, overlap_one_axis, overlap_kron]),
])
def test_value_graders_accept_correct_answers_written_differently(grader, functions, capsys):
    for function in functions:
        expect_pass(grader, function, capsys)


@pytest.mark.parametrize("grader, function, hint", [
    (grade_dice, lambda t, p: np.sum(t * p) / (np.sum(t) + np.sum(p)), "Dice has a factor 2"),
    (grade_dice, lambda t, p: np.sum(t * p) / (np.sum(t) + np.sum(p) - np.sum(t * p)),
     "That is IoU"),
    (grade_dice, lambda t, p: 1 - dice_numpy(t, p), "That is the Dice loss"),
    (grade_dice, lambda t, p: np.mean([dice_numpy(a, b) for a, b in zip(t, p)]),
     "That is the mean of each image's Dice"),
    (grade_bce_dice, lambda t, p: bce_dice_numpy(t, p) - 1 + dice_numpy(t, p),
     "That is the cross-entropy alone"),
    (grade_bce_dice, lambda t, p: 1 - dice_numpy(t, p), "That is the Dice loss alone"),
    (grade_bce_dice, lambda t, p: bce_dice_numpy(t, p) - 1 + 2 * dice_numpy(t, p),
     "You added the Dice coefficient"),
    (grade_per_class_iou, lambda c: np.diag(c) / np.asarray(c).sum(axis=1),
     "each class's recall"),
    (grade_per_class_iou, lambda c: 2 * np.diag(c) / (np.sum(c, 0) + np.sum(c, 1)),
     "That is the Dice of each class"),
    (grade_mae, lambda t, p: np.mean((p - t) ** 2), "That is the mean squared error"),
    (grade_mae, lambda t, p: np.mean(p - t), "Errors of opposite signs cancel"),
    (grade_output_size, lambda s, d: s - 184, "This size cannot work"),
    (grade_output_size, lambda s, d: None, "This size works"),
    (grade_overlap_counts, lambda k, s, n: overlap_loop(k, s, n)[:n * s, :n * s],
     "Your map has the 'same' size"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, v) - 3 * v * sum(
        np.size(w) for w in m.trainable_weights), "The optimizer is missing"),
    (grade_training_memory, lambda m, b, v=4: v * (b * sum(
        np.prod(layer.output.shape[1:]) for layer in m.layers[1:]) + 4 * m.count_params()),
     "BatchNorm's moving mean and variance are not trained"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, 1, v), "multiply the activations "
     "by batch_size"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, 1), "multiply by bytes_per_value"),
    (grade_training_memory, lambda m, b, v=4: v * b * sum(
        np.prod(layer.output.shape[1:]) for layer in m.layers[1:]), "That is the activations alone"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, v) + v * b * np.prod(
        m.inputs[0].shape[1:]), "You counted the Input layer too"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, v) - v * sum(
        np.size(w) for w in m.trainable_weights), "the gradient itself takes a third"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, v) - v * sum(
        np.size(w) for w in m.non_trainable_weights), "every parameter, trainable or not"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, 4),
     "bytes_per_value=2): yours is"),
    (grade_training_memory, lambda m, b, v=4: memory_loop(m, b, 4),
     "You used 4 bytes per value whatever bytes_per_value says"),
    (grade_training_memory, lambda m, b, v=4: sum(
        np.prod(layer.output_shape[1:]) for layer in m.layers[1:]),
     "output_shape is Keras 2; in Keras 3 write layer.output.shape"),
    (grade_dice, lambda t, p: None, "did you forget `return`?"),
    (grade_per_class_iou, lambda c: np.diag(c) / np.zeros(len(c)), "a division by zero?"),
])
@pytest.mark.filterwarnings("ignore:divide by zero")
def test_value_graders_name_the_mistake(grader, function, hint, capsys):
    expect_hint(grader, function, hint, capsys)


def not_written_yet(*args):
    raise NotImplementedError("my_function: not implemented yet")


def crashes(*args):
    raise ZeroDivisionError("division by zero")


ALL_GRADERS = [grade_conv_block, grade_encoder_block, grade_decoder_block, grade_output_head,
               grade_dice, grade_bce_dice, grade_per_class_iou, grade_mae, grade_output_size,
               grade_overlap_counts, grade_training_memory]


@pytest.mark.parametrize("grader", ALL_GRADERS, ids=lambda g: g.__name__)
def test_a_stub_is_not_implemented_yet_and_nothing_raises(grader, capsys):
    assert grader(not_written_yet) is False
    lines = verdict(capsys)
    assert lines[-1].startswith("Your ") and ": not implemented yet." in lines[-1]


def returns_text(*args):
    return "not a tensor"


@pytest.mark.parametrize("grader", ALL_GRADERS, ids=lambda g: g.__name__)
@pytest.mark.parametrize("broken", [crashes, returns_text, lambda: None],
                         ids=["raises", "returns text", "takes no arguments"])
def test_broken_code_becomes_a_finding_never_an_exception(grader, broken, capsys):
    assert grader(broken) is False
    lines = verdict(capsys)
    assert lines[-1].startswith("Not yet: your ")
    if broken is not returns_text:  # the learner's code raised: the verdict says so
        assert lines[-1].endswith("raised an error (see ✗ above).")


def test_a_failing_example_label_never_hides_the_finding(capsys):
    def broken_label(*args):
        raise RuntimeError("no label")

    assert grade_values("sum", lambda x: x + 1, lambda x: x, [(np.zeros(2),)],
                        describe=broken_label) is False
    assert "example 1 of 1: largest difference 1" in verdict(capsys)[0]


def test_the_unet_grader_survives_stubs_and_crashes(capsys):
    reference = build_unet((32, 32, 1), base_filters=16, depth=2)
    assert grade_unet(not_written_yet, reference) is False
    assert "not implemented yet" in verdict(capsys)[-1]
    assert grade_unet(crashes, reference) is False
    assert "ZeroDivisionError" in "\n".join(verdict(capsys))


def test_a_finding_ends_with_one_mark(capsys):
    assert grade_dice(lambda t, p: None) is False
    assert verdict(capsys)[0].endswith("did you forget `return`?")


@pytest.mark.parametrize("function", [conv_activation_layers, conv_relu_layers_tuple_kernel,
                                      conv_function_activation_no_bias])
def test_grade_model_accepts_blocks_built_in_other_spellings(function, capsys):
    inputs = keras.Input((16, 16, 4))
    reference = keras.Model(inputs, conv_block(inputs, 8))
    other = keras.Input((16, 16, 4))
    assert grade_model(keras.Model(other, function(other, 8)), reference, "conv block") is True
    assert verdict(capsys)[-1] == "Your conv block matches the reference."


def test_grade_model_names_a_missing_part(capsys):
    inputs = keras.Input((16, 16, 4))
    reference = keras.Model(inputs, conv_block(inputs, 8))
    other = keras.Input((16, 16, 4))
    assert grade_model(keras.Model(other, conv_forgot_batchnorm(other, 8)), reference) is False
    lines = verdict(capsys)
    assert "✗ 0 BatchNormalizations where the reference has 2: one after each 3x3 convolution." \
        in lines
