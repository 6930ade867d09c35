"""Graders for the "build it yourself" exercises: compare a learner's block with the reference.

Each ``grade_*`` function builds the learner's block and the reference block on the same
Keras inputs, then compares layer classes (in order), settings that matter (padding, strides,
activations, concatenation order), output shapes and parameter counts. It prints one line per
comparison with a hint that names the likely mistake, then one verdict line, and returns True
when everything matches. (Graders print and return a bool; ``check_*`` functions elsewhere in
the package raise.)
"""

import keras
from keras import layers

from .blocks import conv_block, decoder_block, encoder_block
from .head import output_head

__all__ = ["grade_model", "grade_conv_block", "grade_encoder_block", "grade_decoder_block",
           "grade_output_head"]


def _as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _layer_kinds(model):
    return [type(layer).__name__ for layer in model.layers if not isinstance(layer, layers.InputLayer)]


def _hint_for_layers(learner, reference):
    if learner.count("BatchNormalization") < reference.count("BatchNormalization"):
        return "Did you forget BatchNormalization after each Conv2D?"
    if learner.count("Conv2D") < reference.count("Conv2D"):
        return "A conv block has two 3x3 Conv2D layers."
    if "MaxPooling2D" in reference and "MaxPooling2D" not in learner:
        return "The encoder block ends with MaxPool2D((2, 2))."
    if "Conv2DTranspose" in reference and "Conv2DTranspose" not in learner:
        return "The decoder block starts with Conv2DTranspose(filters, (2, 2), strides=2)."
    if "Concatenate" in reference and "Concatenate" not in learner:
        return "The decoder block concatenates the upsampled tensor with the skip."
    if learner.count("Activation") + learner.count("ReLU") < reference.count("Activation"):
        return "Each BatchNormalization is followed by a ReLU activation."
    return "Compare the order: Conv2D -> BatchNormalization -> Activation('relu'), twice."


def _settings_problems(learner):
    problems = []
    convs = transposes = 0
    for layer in learner.layers:
        config = layer.get_config()
        if isinstance(layer, layers.Conv2DTranspose):
            transposes += 1
            where = f"Conv2DTranspose #{transposes}"
            if tuple(config["strides"]) != (2, 2):
                problems.append(f"{where} has strides={tuple(config['strides'])}: use strides=2 "
                                "so height and width double.")
        elif isinstance(layer, layers.Conv2D):
            convs += 1
            where = f"Conv2D #{convs}"
        else:
            continue
        if config.get("padding") != "same":
            problems.append(f"{where} uses padding={config.get('padding')!r}: use "
                            "padding='same' so height and width are kept.")
    for layer in learner.layers:
        if isinstance(layer, layers.Concatenate):
            up_outputs = [l.output for l in learner.layers
                          if isinstance(l, layers.Conv2DTranspose)]
            if up_outputs and layer.input[0] is not up_outputs[0] and \
                    any(t is up_outputs[0] for t in layer.input[1:]):
                problems.append("Concatenate the upsampled tensor first, then the skip: "
                                "Concatenate()([x, skip]). The order decides which channels "
                                "come first, so weights would not line up with the reference.")
    return problems


def grade_model(learner, reference, what="block", extra_results=()):
    """Compare two Keras models; print a line per comparison and a verdict; return True when
    all pass. ``extra_results``: more ``(passed, text)`` lines to weigh in the verdict."""
    results = []
    own_kinds, ref_kinds = _layer_kinds(learner), _layer_kinds(reference)
    if own_kinds == ref_kinds:
        listing = (" -> ".join(ref_kinds) if len(ref_kinds) <= 12
                   else f"{len(ref_kinds)} layers, the same classes in the same order")
        results.append((True, f"layers in order: {listing}"))
    else:
        results.append((False, f"layers differ.\n    yours:     {' -> '.join(own_kinds)}\n"
                               f"    reference: {' -> '.join(ref_kinds)}\n"
                               f"    hint: {_hint_for_layers(own_kinds, ref_kinds)}"))
    for problem in _settings_problems(learner):
        results.append((False, problem))
    own_shapes = [tuple(t.shape) for t in _as_list(learner.output)]
    ref_shapes = [tuple(t.shape) for t in _as_list(reference.output)]
    if own_shapes == ref_shapes:
        results.append((True, f"output shapes: {', '.join(map(str, ref_shapes))}"))
    else:
        hint = ""
        if len(own_shapes) == 2 and len(ref_shapes) == 2 and own_shapes == ref_shapes[::-1]:
            hint = "\n    hint: return (skip, pooled) in that order: the skip is taken before pooling."
        elif len(own_shapes) == 2 and own_shapes[0] == own_shapes[1]:
            hint = ("\n    hint: both outputs have the same shape: take the skip before pooling "
                    "and pool the skip.")
        results.append((False, f"output shapes differ: yours {own_shapes}, "
                               f"reference {ref_shapes}{hint}"))
    own_params, ref_params = learner.count_params(), reference.count_params()
    if own_params == ref_params:
        results.append((True, f"parameters: {ref_params:,}"))
    else:
        results.append((False, f"parameters differ: yours {own_params:,}, reference {ref_params:,}"))
    results.extend(extra_results)
    for ok, text in results:
        print(("✓ " if ok else "✗ ") + text)
    passed = all(ok for ok, _ in results)
    print(f"Your {what} matches the reference." if passed else
          f"Not yet: your {what} differs from the reference (see ✗ above).")
    return passed


def _build(function, input_shapes, *args, **kwargs):
    inputs = [keras.Input(shape) for shape in input_shapes]
    return keras.Model(inputs, function(*inputs, *args, **kwargs))


def grade_conv_block(learner_conv_block, input_shape=(32, 32, 8), filters=16):
    """Grade ``learner_conv_block(inputs, filters)`` against the reference conv block."""
    mine = _build(learner_conv_block, [input_shape], filters)
    reference = _build(conv_block, [input_shape], filters)
    return grade_model(mine, reference, "conv block")


def grade_encoder_block(learner_encoder_block, input_shape=(128, 128, 32), filters=64):
    """Grade ``learner_encoder_block(inputs, filters) -> (skip, pooled)`` against the reference."""
    mine = _build(learner_encoder_block, [input_shape], filters)
    reference = _build(encoder_block, [input_shape], filters)
    return grade_model(mine, reference, "encoder block")


def grade_decoder_block(learner_decoder_block, input_shape=(16, 16, 32), skip_shape=(32, 32, 64),
                        filters=64):
    """Grade ``learner_decoder_block(inputs, skip, filters)`` against the reference."""
    mine = _build(learner_decoder_block, [input_shape, skip_shape], filters)
    reference = _build(decoder_block, [input_shape, skip_shape], filters)
    return grade_model(mine, reference, "decoder block")


def grade_output_head(learner_head, input_shape=(64, 64, 16), num_classes=1, activation="sigmoid"):
    """Grade ``learner_head(inputs, num_classes, activation)`` against the reference 1x1 head."""
    mine = _build(learner_head, [input_shape], num_classes, activation)
    reference = _build(output_head, [input_shape], num_classes, activation)
    own = [l.get_config().get("activation") for l in mine.layers if isinstance(l, layers.Conv2D)]
    ref = [l.get_config().get("activation") for l in reference.layers
           if isinstance(l, layers.Conv2D)]
    same = own[-1:] == ref[-1:]
    activation = (same, f"activation: {ref[-1]}" if same else
                  f"activation differs: yours {own[-1:]}, reference {ref[-1:]}")
    return grade_model(mine, reference, "output head", extra_results=[activation])
