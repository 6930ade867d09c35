"""How the exercise graders decide: by what a learner's code does, not by how it is spelled.

A grader builds the learner's block and the reference on the same Keras inputs, gives both the
same random weights, runs both on the same random input and compares the outputs. So
``layers.ReLU()`` and ``Activation("relu")``, ``MaxPool2D`` and ``MaxPooling2D(2, strides=2)``,
``concatenate`` and ``Concatenate()``, ``3`` and ``(3, 3)``, an activation inside a layer or as a
layer of its own: all give the same outputs, so all pass. When the outputs differ, the graders
in ``block_exercises`` ask ``block_mistakes``, which reads the learner's layers
(``layer_steps``), to name the mistake.

A grader never raises: code that fails to build, or is not written yet (``NotImplementedError``,
what the student edition's stubs raise), becomes a line of the report. ``Report`` prints one
line per finding, then one verdict line that agrees with them.
"""

import numpy as np

__all__ = ["NOT_IMPLEMENTED", "Report", "BuildFailure", "build_block", "layer_steps",
           "same_behaviour", "run_learner"]

NOT_IMPLEMENTED = "not implemented yet"


class BuildFailure(Exception):
    """The learner's code raised while building; ``original`` is what it raised."""

    def __init__(self, original):
        super().__init__(str(original))
        self.original = original


class Report:
    """Lines of ✓ and ✗ findings for one exercise, then one verdict (``finish``)."""

    def __init__(self, what):
        self.what = what
        self.lines = []
        self.not_implemented = False
        self.raised = False  # the learner's code raised before anything could be compared

    def good(self, text):
        self.lines.append((True, text))

    def bad(self, text):
        self.lines.append((False, text))

    @property
    def passed(self):
        return not self.not_implemented and all(ok for ok, _ in self.lines)

    def finish(self):
        """Print the findings and the verdict; return True when the answer is right."""
        for ok, text in self.lines:
            print(("✓ " if ok else "✗ ") + text)
        if self.not_implemented:
            print(f"Your {self.what}: {NOT_IMPLEMENTED}. Write it in the cell above (replace the "
                  "`raise NotImplementedError`), run that cell, then this one again.")
        elif self.passed:
            print(f"Your {self.what} matches the reference.")
        elif self.raised:
            print(f"Not yet: your {self.what} raised an error (see ✗ above).")
        else:
            print(f"Not yet: your {self.what} differs from the reference (see ✗ above).")
        return self.passed


def run_learner(function, *args, **kwargs):
    """Call the learner's function; its exceptions come back as ``BuildFailure`` (raised), and
    ``NotImplementedError`` as itself, so a grader can tell the two apart."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code: anything can happen
        raise BuildFailure(error) from None


def build_block(function, input_shapes, *args, **kwargs):
    """``keras.Model`` from ``function(*inputs, *args)`` on ``keras.Input`` of each shape."""
    import keras

    inputs = [keras.Input(shape) for shape in input_shapes]
    outputs = run_learner(function, *inputs, *args, **kwargs)
    try:
        return keras.Model(inputs if len(inputs) > 1 else inputs[0], outputs)
    except Exception as error:
        raise BuildFailure(error) from None


def _activation_step(activation):
    name = getattr(activation, "__name__", str(activation))
    return [] if name == "linear" else [name]


def _steps_of(operation):
    kind = type(operation).__name__
    config = operation.get_config() if hasattr(operation, "get_config") else {}
    if kind in ("Conv2D", "Conv2DTranspose"):
        k = "x".join(str(n) for n in config["kernel_size"])
        stride = config["strides"][0]
        name = "conv" if kind == "Conv2D" else "upconv"
        step = f"{name} {k}" + (f" stride {stride}" if stride != 1 else "")
        return [step] + _activation_step(operation.activation)
    if kind == "Activation":
        return _activation_step(operation.activation)
    if kind == "ReLU":
        return ["relu"]
    names = {"BatchNormalization": "batchnorm", "MaxPooling2D": "maxpool",
             "AveragePooling2D": "avgpool", "Concatenate": "concatenate", "Add": "add",
             "Cropping2D": "crop", "Dropout": "dropout"}
    return [names.get(kind, kind.lower())]   # keras.ops.relu is the operation "Relu"


def layer_steps(model):
    """What a model does, in order, as short words: ``['conv 3x3', 'batchnorm', 'relu', ...]``.

    Equivalent spellings give the same words (``ReLU()`` and ``Activation("relu")`` are both
    'relu'; an activation inside ``Conv2D`` is a step of its own after the convolution).
    """
    steps = []
    for operation in model.operations:
        if type(operation).__name__ != "InputLayer":
            steps.extend(_steps_of(operation))
    return steps


def _weighted(model):
    return [layer for layer in model.layers if layer.weights]


def _random_like(weight, rng):
    shape, name = tuple(weight.shape), weight.name
    if "variance" in name:
        return rng.uniform(0.5, 2.0, shape).astype("float32")   # BatchNorm: must be positive
    return rng.normal(0.0, 0.5, shape).astype("float32")


def same_behaviour(learner, reference, seed=0, tolerance=1e-4):
    """Give both models the same random weights, run both on one random input, compare.

    Weighted layers are paired in order; each pair must be of one class with matching weight
    shapes, except that a learner's convolution may leave out the bias (``use_bias=False``, a
    common choice before BatchNorm): the reference's bias is then set to 0. Returns
    ``(same, detail)``: ``detail`` is the largest difference, or why no comparison was possible.
    """
    rng = np.random.default_rng(seed)
    own, ref = _weighted(learner), _weighted(reference)
    if len(own) != len(ref):
        return False, f"{len(own)} layers with weights, the reference has {len(ref)}"
    for mine, theirs in zip(own, ref):
        if type(mine).__name__ != type(theirs).__name__:
            return False, f"{type(mine).__name__} where the reference has {type(theirs).__name__}"
        values = [_random_like(w, rng) for w in theirs.weights]
        mine_shapes = [tuple(w.shape) for w in mine.weights]
        if mine_shapes == [v.shape for v in values]:
            mine.set_weights(values)
        elif len(mine_shapes) == 1 and mine_shapes[0] == values[0].shape:  # no bias
            values[1] = np.zeros_like(values[1])
            mine.set_weights(values[:1])
        else:
            wanted = [v.shape for v in values]
            return False, f"{mine.name} has weights {mine_shapes}, the reference {wanted}"
        theirs.set_weights(values)
    probes = [rng.normal(0.0, 1.0, (2,) + tuple(t.shape[1:])).astype("float32")
              for t in reference.inputs]
    feed = probes if len(probes) > 1 else probes[0]
    outputs = [learner(feed, training=False), reference(feed, training=False)]
    outputs = [[np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]
               for out in outputs]
    if [o.shape for o in outputs[0]] != [o.shape for o in outputs[1]]:
        return False, "the outputs have different shapes"
    gap = max(float(np.max(np.abs(a - b))) for a, b in zip(*outputs))
    scale = max(float(np.max(np.abs(b))) for b in outputs[1]) or 1.0
    return gap <= tolerance * max(scale, 1.0), f"largest difference {gap:.2g}"
