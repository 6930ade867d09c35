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
from .block_mistakes import (conv_mistakes, decoder_mistakes, encoder_mistakes, explain_failure,
                             first_difference, head_mistakes, unet_mistakes)
from .grading import BuildFailure, Report, build_block, layer_steps, run_learner, same_behaviour
from .head import output_head

__all__ = ["grade_model", "grade_conv_block", "grade_encoder_block", "grade_decoder_block",
           "grade_output_head", "grade_unet"]


def _compare(report, learner, reference, mistakes):
    own = [tuple(t.shape) for t in learner.outputs]
    ref = [tuple(t.shape) for t in reference.outputs]
    if own == ref:
        report.good(f"output shape{'s' if len(ref) > 1 else ''}: {', '.join(map(str, ref))}")
    else:
        report.bad(f"output shapes differ: yours {own}, reference {ref}")
    same, detail = same_behaviour(learner, reference) if own == ref else (False, "")
    if same:
        report.good("same outputs as the reference for the same weights and input")
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
        report.bad(f"Your {report.what} computes something else ({detail}). First difference "
                   f"at {first_difference(steps, reference_steps)}.")


def _grade(what, kind, learner_function, reference_function, input_shapes, args, mistakes):
    report = Report(what)
    try:
        reference = build_block(reference_function, input_shapes, *args)
        learner = build_block(learner_function, input_shapes, *args)
        _compare(report, learner, reference, mistakes)
    except NotImplementedError:
        report.not_implemented = True
    except BuildFailure as failure:
        report.raised = True
        report.bad(explain_failure(failure.original, kind))
    except Exception as error:  # a grader never raises
        report.bad(f"The grader could not compare your {what} ({type(error).__name__}: "
                   f"{error}). Check that it takes and returns Keras tensors.")
    return report.finish()


def grade_model(learner, reference, what="block"):
    """Grade a built model against a built reference model: same outputs for the same weights."""
    def mistakes(model, steps):
        return unet_mistakes(steps, layer_steps(reference))
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
        return conv_mistakes(model, steps, reference_steps, filters)
    return _grade(what, "conv", learner_conv_block, conv_block, [input_shape], [filters],
                  mistakes)


def grade_encoder_block(learner_encoder_block, input_shape=(32, 32, 8), filters=16):
    """Grade ``learner_encoder_block(inputs, filters) -> (skip, pooled)``."""
    def mistakes(model, steps):
        reference_steps = ["conv 3x3", "batchnorm", "relu"] * 2 + ["maxpool"]
        reference = build_block(encoder_block, [input_shape], filters)
        return (encoder_mistakes(model, steps, reference)
                + conv_mistakes(model, steps, reference_steps, filters))
    return _grade("encoder block", "encoder", learner_encoder_block, encoder_block,
                  [input_shape], [filters], mistakes)


def grade_decoder_block(learner_decoder_block, input_shape=(16, 16, 32), skip_shape=(32, 32, 16),
                        filters=16):
    """Grade ``learner_decoder_block(inputs, skip, filters)``."""
    def mistakes(model, steps):
        reference_steps = ["upconv 2x2 stride 2", "concatenate"] + ["conv 3x3", "batchnorm",
                                                                    "relu"] * 2
        return (decoder_mistakes(model, steps)
                + conv_mistakes(model, steps, reference_steps, filters))
    return _grade("decoder block", "decoder", learner_decoder_block, decoder_block,
                  [input_shape, skip_shape], [filters], mistakes)


def grade_output_head(learner_head, input_shape=(16, 16, 8), num_classes=1, activation="sigmoid"):
    """Grade ``learner_head(inputs, num_classes, activation)``: a 1x1 Conv2D and an activation."""
    def mistakes(model, steps):
        return head_mistakes(model, steps, num_classes, activation)
    return _grade("output head", "head", learner_head, output_head, [input_shape],
                  [num_classes, activation], mistakes)


def grade_unet(learner_build, reference_model, what="U-Net"):
    """Grade ``learner_build(input_shape) -> keras.Model`` against a built reference model."""
    report = Report(what)
    try:
        learner = run_learner(learner_build, tuple(reference_model.input.shape[1:]))
        _compare(report, learner, reference_model,
                 lambda model, steps: unet_mistakes(steps, layer_steps(reference_model)))
    except NotImplementedError:
        report.not_implemented = True
    except BuildFailure as failure:
        report.raised = True
        report.bad(explain_failure(failure.original, "model"))
    except Exception as error:  # a grader never raises
        report.bad(f"The grader could not compare your {what} ({type(error).__name__}: "
                   f"{error}). Check that your function returns a keras.Model.")
    return report.finish()
