"""Name the mistake in a learner's block from its layers, as a teacher would.

The graders in ``block_exercises`` first compare what a block does; only when it behaves
differently from the reference do they call these rules, which read the learner's layers
(``grading.layer_steps`` and the layers' settings) and return one plain sentence per mistake
they recognise, each naming the fix. ``explain_failure`` does the same for code that did not
even build.
"""

__all__ = ["conv_mistakes", "encoder_mistakes", "decoder_mistakes", "head_mistakes",
           "unet_mistakes", "first_difference", "explain_failure"]


def _convs(model, kind="Conv2D"):
    return [layer for layer in model.layers if type(layer).__name__ == kind]


def conv_mistakes(learner, steps, reference_steps, filters):
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


def encoder_mistakes(learner, steps, reference):
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


def decoder_mistakes(learner, steps):
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


def head_mistakes(learner, steps, num_classes, activation):
    found = []
    convs = _convs(learner)
    if any(tuple(c.kernel_size) != (1, 1) for c in convs):
        found.append("A head with a larger kernel than 1x1: the head is Conv2D(num_classes, 1), "
                     "one value per pixel from that pixel's features.")
    if any(c.filters != num_classes for c in convs[-1:]):
        channels = convs[-1].filters
        found.append(f"The head outputs {channels} channel{'s' if channels != 1 else ''}: it "
                     f"needs one per class, num_classes = {num_classes}.")
    own = steps[-1] if steps and steps[-1] in ("sigmoid", "softmax", "relu", "tanh") else "linear"
    wanted = activation or "linear"
    if own != wanted and wanted == "linear":
        found.append(f"{own} where logits were expected: with a linear head the loss applies the "
                     "sigmoid or softmax itself (from_logits=True). Leave the activation out.")
    elif own != wanted:
        found.append(f"Wrong head activation: yours is {own}, this head needs {wanted} "
                     "(sigmoid for one binary mask, softmax for classes, none for logits).")
    return found


_UNET_PARTS = (("concatenate", "skip connection", "each decoder concatenates the skip of the "
                 "encoder at its level"),
               ("maxpool", "max-pooling", "each encoder ends with MaxPool2D((2, 2))"),
               ("upconv 2x2 stride 2", "2x2 stride-2 transposed convolution", "each decoder "
                "starts with one"),
               ("batchnorm", "BatchNormalization", "one after each 3x3 convolution"),
               ("conv 3x3", "3x3 convolution", "two per encoder, bridge and decoder"))


def unet_mistakes(steps, reference_steps):
    found = []
    for step, name, rule in _UNET_PARTS:
        own, wanted = steps.count(step), reference_steps.count(step)
        if own != wanted:
            found.append(f"{own} {name}{'s' if own != 1 else ''} where the reference has "
                         f"{wanted}: {rule}.")
    if steps[-1:] != reference_steps[-1:]:
        found.append(f"The model ends with '{steps[-1] if steps else 'nothing'}', the reference "
                     f"with '{reference_steps[-1]}': check the output head's activation.")
    return found


def first_difference(steps, reference_steps):
    for i, (mine, theirs) in enumerate(zip(steps, reference_steps)):
        if mine != theirs:
            return f"step {i + 1}: yours is '{mine}', the reference's is '{theirs}'"
    if len(steps) != len(reference_steps):
        return f"yours has {len(steps)} steps, the reference {len(reference_steps)}"
    return "same steps, different numbers: compare the settings of each layer"


def explain_failure(error, kind):
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "Concatenate" in text and "matching shapes" in text and kind == "decoder":
        return ("Your decoder could not concatenate: the upsampled tensor and the skip differ in "
                "height and width. Missing stride 2? Conv2DTranspose(filters, (2, 2), strides=2, "
                f"padding='same') doubles H and W. (Keras said: {text})")
    if "incompatible shapes" in text or "Cannot broadcast" in text:
        return ("Your block adds two tensors of different shapes. In the decoder, concatenate "
                f"the skip instead of adding it: Concatenate()([x, skip]). (Keras said: {text})")
    return f"Your code raised {type(error).__name__}: {text}"
