"""Graders for the "build it yourself" blocks: conv block, encoder, decoder, bridge, head, U-Net.

Each ``grade_*`` builds the learner's block and the reference on the same inputs and compares
what they do (``grading.same_behaviour``), so any correct spelling passes. When the outputs
differ it names the mistake from the learner's layers: forgot BatchNorm, ReLU before
BatchNorm, one convolution instead of two, valid padding, wrong number of filters, (pooled,
skip) returned or the skip taken after pooling, average pooling, missing stride 2, the skip
concatenated first, added instead of concatenated, the wrong head activation, a 3x3 head.
It prints one line per finding and one verdict, returns True or False, and never raises.
"""

from .blocks import conv_block, decoder_block, encoder_block
from .grading import BuildFailure, Report, build_block, layer_steps, run_learner, same_behaviour
from .head import output_head

__all__ = ["grade_model", "grade_conv_block", "grade_encoder_block", "grade_decoder_block",
           "grade_output_head", "grade_unet"]


def _convs(model, kind="Conv2D"):
    return [layer for layer in model.layers if type(layer).__name__ == kind]


def _conv_mistakes(learner, steps, reference_steps, filters):
    found = []
    own = sum(s.startswith("conv 3x3") for s in steps)
    wanted = sum(s.startswith("conv 3x3") for s in reference_steps)
    if steps.count("batchnorm") < min(own, wanted):
        found.append("Forgot BatchNormalization: each Conv2D is followed by BatchNormalization, "
                     "then the ReLU.")
    if any(a == "relu" and b == "batchnorm" for a, b in zip(steps, steps[1:])):
        found.append("ReLU comes before BatchNormalization: the order is Conv2D -> "
                     "BatchNormalization -> ReLU, so BatchNorm sees the convolution's output.")
    if 0 < own < wanted:
        found.append(f"{own} convolution{'s' if own > 1 else ''} instead of {wanted}: a conv "
                     "block has two 3x3 Conv2D layers, each with BatchNorm and ReLU.")
    if steps.count("relu") < min(own, wanted):
        found.append("A ReLU is missing: every BatchNormalization is followed by a ReLU.")
    convs = [c for c in _convs(learner) if tuple(c.kernel_size) != (1, 1)]
    if any(c.padding == "valid" for c in convs):
        found.append("padding='valid' makes each 3x3 convolution lose a 1-pixel border: use "
                     "padding='same' so height and width are kept.")
    if any(tuple(c.kernel_size) != (3, 3) for c in convs):
        found.append("The convolutions use 3x3 kernels: Conv2D(filters, 3, padding='same').")
    wrong = sorted({c.filters for c in convs if c.filters != filters})
    if wrong:
        found.append(f"Wrong number of filters: your convolutions have {wrong}, the block should "
                     f"have {filters}. Use the `filters` argument, not a fixed number.")
    return found


def _encoder_mistakes(learner, steps, reference):
    found = []
    if "avgpool" in steps:
        found.append("AveragePooling2D instead of MaxPooling2D: U-Net keeps the strongest "
                     "response of each 2x2 window with MaxPool2D((2, 2)).")
    elif "maxpool" not in steps:
        found.append("No pooling: the encoder block ends with MaxPool2D((2, 2)).")
    own = [tuple(t.shape) for t in learner.outputs]
    ref = [tuple(t.shape) for t in reference.outputs]
    if len(own) != 2:
        found.append("Return two tensors, (skip, pooled): the skip for the decoder and the "
                     "pooled one for the next level.")
    elif own == ref[::-1]:
        found.append("You returned (pooled, skip): return (skip, pooled), the full-size skip "
                     "first.")
    elif own[0] == own[1] == ref[1]:
        found.append("The skip is taken after pooling: take it from the conv block's output, "
                     "before MaxPool2D, so it keeps the full resolution.")
    return found


def _decoder_mistakes(learner, steps):
    found = []
    ups = _convs(learner, "Conv2DTranspose")
    if not ups:
        found.append("No Conv2DTranspose: the decoder starts with Conv2DTranspose(filters, "
                     "(2, 2), strides=2, padding='same') to double H and W.")
    elif any(tuple(u.strides) != (2, 2) for u in ups):
        found.append("Missing stride 2: Conv2DTranspose needs strides=2 to double height and "
                     "width, so that it lines up with the skip.")
    elif any(tuple(u.kernel_size) != (2, 2) for u in ups):
        found.append("The transposed convolution of the reference has a 2x2 kernel: "
                     "Conv2DTranspose(filters, (2, 2), strides=2, padding='same').")
    if "add" in steps and "concatenate" not in steps:
        found.append("Added instead of concatenated: the decoder stacks the skip's channels "
                     "next to the upsampled ones with Concatenate()([x, skip]); adding mixes "
                     "them into one set of channels.")
    skip = learner.inputs[1]
    for operation in learner.operations:
        if type(operation).__name__ == "Concatenate":
            inputs = operation.input if isinstance(operation.input, list) else []
            if inputs and inputs[0] is skip:
                found.append("The skip is concatenated first: use Concatenate()([x, skip]), "
                             "upsampled tensor first, so the channels line up with the "
                             "reference.")
    return found


def _head_mistakes(learner, steps, num_classes, activation):
    found = []
    convs = _convs(learner)
    if any(tuple(c.kernel_size) != (1, 1) for c in convs):
        found.append("A head with a larger kernel than 1x1: the head is Conv2D(num_classes, 1), "
                     "one value per pixel from that pixel's features.")
    if any(c.filters != num_classes for c in convs[-1:]):
        found.append(f"The head outputs {convs[-1].filters} channels: it needs one per class, "
                     f"num_classes = {num_classes}.")
    own = steps[-1] if steps and steps[-1] in ("sigmoid", "softmax", "relu", "tanh") else "linear"
    wanted = activation or "linear"
    if own != wanted and wanted == "linear":
        found.append(f"{own} where logits were expected: with a linear head the loss applies the "
                     "sigmoid or softmax itself (from_logits=True). Leave the activation out.")
    elif own != wanted:
        found.append(f"Wrong head activation: yours is {own}, this head needs {wanted} "
                     "(sigmoid for one binary mask, softmax for classes, none for logits).")
    return found


def _first_difference(steps, reference_steps):
    for i, (mine, theirs) in enumerate(zip(steps, reference_steps)):
        if mine != theirs:
            return f"step {i + 1}: yours is '{mine}', the reference's is '{theirs}'"
    if len(steps) != len(reference_steps):
        return f"yours has {len(steps)} steps, the reference {len(reference_steps)}"
    return "same steps, different numbers: compare the settings of each layer"


def _compare(report, learner, reference, mistakes):
    own = [tuple(t.shape) for t in learner.outputs]
    ref = [tuple(t.shape) for t in reference.outputs]
    if own == ref:
        report.good(f"output shape{'s' if len(ref) > 1 else ''}: {', '.join(map(str, ref))}")
    else:
        report.bad(f"output shapes differ: yours {own}, reference {ref}")
    same, detail = same_behaviour(learner, reference) if own == ref else (False, "")
    if same:
        report.good(f"same outputs as the reference for the same weights and input ({detail})")
        own_params, ref_params = learner.count_params(), reference.count_params()
        note = "" if own_params == ref_params else (
            f" (the reference has {ref_params:,}: your convolutions have no bias, which the "
            "BatchNormalization after them makes unnecessary)")
        report.good(f"parameters: {own_params:,}{note}")
        return
    found = mistakes(learner, layer_steps(learner))
    for text in found:
        report.bad(text)
    if not found and own == ref:
        steps, reference_steps = layer_steps(learner), layer_steps(reference)
        report.bad(f"Your block computes something else ({detail}). First difference at "
                   f"{_first_difference(steps, reference_steps)}.")


def _explain_failure(error, kind):
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "Concatenate" in text and "matching shapes" in text and kind == "decoder":
        return ("Your decoder could not concatenate: the upsampled tensor and the skip differ in "
                "height and width. Missing stride 2? Conv2DTranspose(filters, (2, 2), strides=2, "
                f"padding='same') doubles H and W. (Keras said: {text})")
    if "incompatible shapes" in text or "Cannot broadcast" in text:
        return ("Your block adds two tensors of different shapes. In the decoder, concatenate "
                f"the skip instead of adding it: Concatenate()([x, skip]). (Keras said: {text})")
    return f"Your code raised {type(error).__name__}: {text}"


def _grade(what, kind, learner_function, reference_function, input_shapes, args, mistakes):
    report = Report(what)
    try:
        reference = build_block(reference_function, input_shapes, *args)
        learner = build_block(learner_function, input_shapes, *args)
        _compare(report, learner, reference, mistakes)
    except NotImplementedError:
        report.not_implemented = True
    except BuildFailure as failure:
        report.bad(_explain_failure(failure.original, kind))
    except Exception as error:  # a grader never raises
        report.bad(f"The grader could not compare your {what} ({type(error).__name__}: "
                   f"{error}). Check that it takes and returns Keras tensors.")
    return report.finish()


def grade_model(learner, reference, what="block"):
    """Grade a built model against a built reference model: same outputs for the same weights."""
    def mistakes(model, steps):
        return []
    report = Report(what)
    try:
        _compare(report, learner, reference, mistakes)
    except Exception as error:  # a grader never raises
        report.bad(f"The grader could not compare the models ({type(error).__name__}: {error}).")
    return report.finish()


def grade_conv_block(learner_conv_block, input_shape=(32, 32, 8), filters=16, what="conv block"):
    """Grade ``learner_conv_block(inputs, filters)``: 2 x [Conv2D 3x3 -> BatchNorm -> ReLU]."""
    def mistakes(model, steps):
        reference_steps = ["conv 3x3", "batchnorm", "relu"] * 2
        return _conv_mistakes(model, steps, reference_steps, filters)
    return _grade(what, "conv", learner_conv_block, conv_block, [input_shape], [filters],
                  mistakes)


def grade_encoder_block(learner_encoder_block, input_shape=(32, 32, 8), filters=16):
    """Grade ``learner_encoder_block(inputs, filters) -> (skip, pooled)``."""
    def mistakes(model, steps):
        reference_steps = ["conv 3x3", "batchnorm", "relu"] * 2 + ["maxpool"]
        reference = build_block(encoder_block, [input_shape], filters)
        return (_encoder_mistakes(model, steps, reference)
                + _conv_mistakes(model, steps, reference_steps, filters))
    return _grade("encoder block", "encoder", learner_encoder_block, encoder_block,
                  [input_shape], [filters], mistakes)


def grade_decoder_block(learner_decoder_block, input_shape=(16, 16, 32), skip_shape=(32, 32, 16),
                        filters=16):
    """Grade ``learner_decoder_block(inputs, skip, filters)``."""
    def mistakes(model, steps):
        reference_steps = ["upconv 2x2 stride 2", "concatenate"] + ["conv 3x3", "batchnorm",
                                                                    "relu"] * 2
        return (_decoder_mistakes(model, steps)
                + _conv_mistakes(model, steps, reference_steps, filters))
    return _grade("decoder block", "decoder", learner_decoder_block, decoder_block,
                  [input_shape, skip_shape], [filters], mistakes)


def grade_output_head(learner_head, input_shape=(16, 16, 8), num_classes=1, activation="sigmoid"):
    """Grade ``learner_head(inputs, num_classes, activation)``: a 1x1 Conv2D and an activation."""
    def mistakes(model, steps):
        return _head_mistakes(model, steps, num_classes, activation)
    return _grade("output head", "head", learner_head, output_head, [input_shape],
                  [num_classes, activation], mistakes)


def grade_unet(learner_build, reference_model, what="U-Net"):
    """Grade ``learner_build(input_shape) -> keras.Model`` against a built reference model."""
    report = Report(what)
    try:
        learner = run_learner(learner_build, tuple(reference_model.input.shape[1:]))
        _compare(report, learner, reference_model, lambda model, steps: [])
    except NotImplementedError:
        report.not_implemented = True
    except BuildFailure as failure:
        report.bad(_explain_failure(failure.original, "model"))
    except Exception as error:  # a grader never raises
        report.bad(f"The grader could not compare your {what} ({type(error).__name__}: "
                   f"{error}). Check that your function returns a keras.Model.")
    return report.finish()
