"""The drawing, the shape explorer, the exercise graders and the synthetic cells."""

import numpy as np
import pytest
from keras import layers

from unet_helpers.exercises import (grade_conv_block, grade_decoder_block, grade_encoder_block,
                                    grade_output_head)
from unet_helpers.explorers import shape_explorer, shape_report
from unet_helpers.model import build_unet
from unet_helpers.network_plots import draw_unet
from unet_helpers.synthetic import synthetic_cells

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def test_draw_unet_writes_every_shape():
    ax = draw_unet((512, 512, 3))
    texts = " ".join(t.get_text() for t in ax.texts)
    for shape in ("512×512×64", "256×256×128", "128×128×256", "64×64×512", "32×32×1024",
                  "512×512×1"):
        assert shape in texts
    assert "depth 4" in ax.get_title()


def test_draw_unet_other_depths():
    ax = draw_unet((64, 64, 1), depth=2, base_filters=16)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "bridge: 16×16×64" in texts and "enc 3" not in texts


def test_draw_unet_refuses_an_invalid_size():
    with pytest.raises(ValueError, match="96 or 112"):
        draw_unet((100, 100, 3))


def test_shape_report_valid():
    result = shape_report(128, depth=4, base_filters=16, channels=1)
    assert result["ok"]
    assert result["parameters"] == build_unet((128, 128, 1), base_filters=16).count_params()
    assert "8 x 8 x 256" in result["table"]


def test_shape_report_invalid_gives_the_build_unet_message():
    result = shape_report(100, depth=4)
    assert not result["ok"]
    with pytest.raises(ValueError) as error:
        build_unet((100, 100, 3))
    assert result["message"] == str(error.value)


def test_shape_explorer_controls_drive_the_function(capsys):
    widget = shape_explorer(size=64, depth=2, base_filters=8)
    descriptions = [child.description for child in widget.children[:-1]]
    assert descriptions == ["size", "depth", "filters", "channels"]
    capsys.readouterr()
    widget.children[0].value = 100  # with depth 2 this works: 100 / 4 = 25
    assert "parameters" in capsys.readouterr().out
    widget.children[1].value = 3    # depth 3: 100 is not divisible by 8
    assert widget.kwargs == {"size": 100, "depth": 3, "base_filters": 8, "channels": 3}
    assert "Resize or pad to 96 or 104" in capsys.readouterr().out


# --- graders: blocks a learner writes pass, each classic mistake fails with its hint ---
# Written here from the layers themselves, not from unet_helpers.blocks, as a learner would.
def learner_conv_block(inputs, filters):
    x = layers.Conv2D(filters, 3, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(filters, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    return x


def learner_loop_conv_block(inputs, filters):
    x = inputs
    for _ in range(2):
        x = layers.Conv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    return x


def learner_encoder_block(inputs, filters):
    skip = learner_conv_block(inputs, filters)
    return skip, layers.MaxPool2D((2, 2))(skip)


def learner_decoder_block(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    x = layers.Concatenate()([x, skip])
    return learner_conv_block(x, filters)


def learner_head(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 1, padding="same", activation=activation)(inputs)


def conv_layers(x, filters, *, padding="same", batch_norm=True, relu=layers.Activation,
                convs=2):
    for _ in range(convs):
        x = layers.Conv2D(filters, 3, padding=padding)(x)
        if batch_norm:
            x = layers.BatchNormalization()(x)
        if relu is not None:
            x = relu("relu")(x) if relu is layers.Activation else relu()(x)
    return x


def no_batch_norm(inputs, filters):
    return conv_layers(inputs, filters, batch_norm=False)


def valid_padding(inputs, filters):
    return conv_layers(inputs, filters, padding="valid")


def no_activation(inputs, filters):
    return conv_layers(inputs, filters, relu=None)


def relu_layers(inputs, filters):
    return conv_layers(inputs, filters, relu=layers.ReLU)


def one_conv(inputs, filters):
    return conv_layers(inputs, filters, convs=1)


def pooled_and_skip_swapped(inputs, filters):
    skip = conv_layers(inputs, filters)
    return layers.MaxPool2D((2, 2))(skip), skip


def no_pooling(inputs, filters):
    skip = conv_layers(inputs, filters)
    return skip, skip


def skip_first(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    x = layers.Concatenate()([skip, x])
    return conv_layers(x, filters)


def no_stride(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), padding="same")(inputs)
    x = layers.UpSampling2D()(x)
    x = layers.Concatenate()([x, skip])
    return conv_layers(x, filters)


def added_not_concatenated(inputs, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(inputs)
    x = layers.Add()([x, skip])
    return conv_layers(x, filters)


def relu_head(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 1, padding="same", activation="relu")(inputs)


def sigmoid_always(inputs, num_classes, activation):
    return layers.Conv2D(num_classes, 1, padding="same", activation="sigmoid")(inputs)


def graded_lines(capsys):
    """The grader's printed lines, after checking the verdict (the last line) agrees with them."""
    lines = capsys.readouterr().out.splitlines()
    marks = [line[0] for line in lines if line[:1] in ("✓", "✗")]
    assert marks, "the grader printed no ✓/✗ lines"
    if "✗" in marks:
        assert lines[-1].startswith("Not yet: your ") and lines[-1].endswith(
            " differs from the reference (see ✗ above).")
    else:
        assert lines[-1].startswith("Your ") and lines[-1].endswith(" matches the reference.")
    assert sum("matches the reference" in line or "Not yet" in line for line in lines) == 1
    return lines


@pytest.mark.parametrize("grader, function, lines", [
    (grade_conv_block, learner_conv_block, [
        "✓ layers in order: Conv2D -> BatchNormalization -> Activation -> Conv2D -> "
        "BatchNormalization -> Activation",
        "✓ output shapes: (None, 32, 32, 16)",
        "✓ parameters: 3,616",                    # 1,168 + 64 + 2,320 + 64
        "Your conv block matches the reference."]),
    (grade_conv_block, learner_loop_conv_block, [
        "✓ layers in order: Conv2D -> BatchNormalization -> Activation -> Conv2D -> "
        "BatchNormalization -> Activation",
        "✓ output shapes: (None, 32, 32, 16)",
        "✓ parameters: 3,616",
        "Your conv block matches the reference."]),
    (grade_encoder_block, learner_encoder_block, [
        "✓ layers in order: Conv2D -> BatchNormalization -> Activation -> Conv2D -> "
        "BatchNormalization -> Activation -> MaxPooling2D",
        "✓ output shapes: (None, 128, 128, 64), (None, 64, 64, 64)",
        "✓ parameters: 55,936",                   # 18,496 + 256 + 36,928 + 256
        "Your encoder block matches the reference."]),
    (grade_decoder_block, learner_decoder_block, [
        "✓ layers in order: Conv2DTranspose -> Concatenate -> Conv2D -> BatchNormalization -> "
        "Activation -> Conv2D -> BatchNormalization -> Activation",
        "✓ output shapes: (None, 32, 32, 64)",
        "✓ parameters: 119,488",                  # 8,256 + 73,792 + 256 + 36,928 + 256
        "Your decoder block matches the reference."]),
    (grade_output_head, learner_head, [
        "✓ layers in order: Conv2D",
        "✓ output shapes: (None, 64, 64, 1)",
        "✓ parameters: 17",
        "✓ activation: sigmoid",
        "Your output head matches the reference."]),
])
def test_graders_pass_blocks_written_by_a_learner(grader, function, lines, capsys):
    assert grader(function) is True
    assert graded_lines(capsys) == lines


def test_head_grader_passes_a_softmax_head_for_several_classes(capsys):
    assert grade_output_head(learner_head, num_classes=3, activation="softmax") is True
    assert graded_lines(capsys)[-3:] == ["✓ parameters: 51", "✓ activation: softmax",
                                         "Your output head matches the reference."]


@pytest.mark.parametrize("grader, function, hint", [
    (grade_conv_block, no_batch_norm, "hint: Did you forget BatchNormalization after each Conv2D?"),
    (grade_conv_block, valid_padding,
     "✗ Conv2D #1 uses padding='valid': use padding='same' so height and width are kept."),
    (grade_conv_block, no_activation,
     "hint: Each BatchNormalization is followed by a ReLU activation."),
    (grade_conv_block, relu_layers,
     "hint: Compare the order: Conv2D -> BatchNormalization -> Activation('relu'), twice."),
    (grade_conv_block, one_conv, "hint: A conv block has two 3x3 Conv2D layers."),
    (grade_encoder_block, pooled_and_skip_swapped,
     "hint: return (skip, pooled) in that order: the skip is taken before pooling."),
    (grade_encoder_block, no_pooling, "hint: The encoder block ends with MaxPool2D((2, 2))."),
    (grade_decoder_block, skip_first, "✗ Concatenate the upsampled tensor first, then the skip"),
    (grade_decoder_block, no_stride,
     "✗ Conv2DTranspose #1 has strides=(1, 1): use strides=2 so height and width double."),
    (grade_decoder_block, added_not_concatenated,
     "hint: The decoder block concatenates the upsampled tensor with the skip."),
])
def test_graders_name_the_mistake(grader, function, hint, capsys):
    assert grader(function) is False
    lines = graded_lines(capsys)
    assert any(line.strip().startswith(hint) for line in lines), "\n".join(lines)


@pytest.mark.parametrize("function, num_classes, activation, yours, reference", [
    (relu_head, 1, "sigmoid", "relu", "sigmoid"),
    (sigmoid_always, 3, "softmax", "sigmoid", "softmax"),
    (sigmoid_always, 1, None, "sigmoid", "linear"),
])
def test_head_grader_verdict_agrees_with_a_wrong_activation(function, num_classes, activation,
                                                            yours, reference, capsys):
    assert grade_output_head(function, num_classes=num_classes, activation=activation) is False
    lines = graded_lines(capsys)
    assert "matches the reference" not in "\n".join(lines)
    assert lines[-2:] == [f"✗ activation differs: yours ['{yours}'], reference ['{reference}']",
                          "Not yet: your output head differs from the reference (see ✗ above)."]
    assert "✓ parameters: " in "\n".join(lines)  # the activation alone decides the verdict


def test_synthetic_cells_are_deterministic_and_binary():
    images, masks = synthetic_cells(3, 64, seed=7)
    again, _ = synthetic_cells(3, 64, seed=7)
    other, _ = synthetic_cells(3, 64, seed=8)
    assert images.shape == masks.shape == (3, 64, 64, 1)
    assert images.dtype == masks.dtype == np.float32
    np.testing.assert_array_equal(images, again)
    assert not np.array_equal(images, other)
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert set(np.unique(masks)) == {0.0, 1.0}
    # cells are brighter than the background on average
    assert images[masks == 1].mean() > images[masks == 0].mean() + 0.2


def test_synthetic_cells_refuses_tiny_images():
    with pytest.raises(ValueError, match="size >= 8"):
        synthetic_cells(1, 4)
