"""Training helpers, and a folder of PNG images with 0/255 masks training with no conversion."""

import keras
import numpy as np
import pytest
from PIL import Image

from unet_helpers.batchnorm import batchnorm_drift
from unet_helpers.evaluation import evaluate_binary, predict_class_ids, predict_masks
from unet_helpers.folders import load_folder
from unet_helpers.model import build_small_unet
from unet_helpers.pipeline import make_dataset
from unet_helpers.sample_data import write_sample_data
from unet_helpers.synthetic import synthetic_cells
from unet_helpers.training import (LEARNING_RATE, EpochProgress, compile_binary,
                                   compile_multiclass, compile_regression)

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def test_small_unet_defaults():
    model = build_small_unet()
    assert model.count_params() == 1_946_705
    assert tuple(model.output.shape) == (None, 64, 64, 1)
    momenta = {layer.momentum for layer in model.layers
               if isinstance(layer, keras.layers.BatchNormalization)}
    assert momenta == {0.9}


def test_own_png_folder_with_0_255_masks_trains_without_conversion(tmp_path, capsys):
    write_sample_data(tmp_path, count=8, size=32, seed=5)
    with Image.open(tmp_path / "masks" / "cell_000.png") as mask:
        assert set(np.unique(np.asarray(mask)).tolist()) == {0, 255}
    images, masks = load_folder(tmp_path / "images", tmp_path / "masks")
    model = compile_binary(build_small_unet(32, base_filters=4, depth=2))
    history = model.fit(make_dataset(images, masks, 4), epochs=2, verbose=0, shuffle=False,
                        callbacks=[EpochProgress(2)])
    assert capsys.readouterr().out == "epoch 1/2 done\nepoch 2/2 done\n"
    assert all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][-1] < 2.0  # BCE + Dice of targets in [0, 1], not 0..255
    probabilities, predicted = predict_masks(model, images)
    assert probabilities.shape == predicted.shape == (8, 32, 32, 1)
    scores = evaluate_binary(model, images, masks)
    assert 0.0 <= scores["dice"] <= 1.0 and 0.0 <= scores["iou"] <= scores["dice"] + 1e-9


def test_compile_binary_uses_the_series_defaults():
    model = compile_binary(build_small_unet(32, base_filters=4, depth=2))
    assert model.steps_per_execution == 1 and model.jit_compile is False
    assert float(model.optimizer.learning_rate) == pytest.approx(LEARNING_RATE, rel=1e-6)
    assert model.loss.__name__ == "bce_dice_loss"
    assert compile_binary(model, steps_per_execution=4).steps_per_execution == 4
    assert float(compile_binary(model, 1e-4).optimizer.learning_rate) == pytest.approx(1e-4)


@pytest.mark.parametrize("compile_helper, model_arguments, targets", [
    (compile_binary, {}, lambda masks: masks),
    (compile_multiclass, {"num_classes": 3, "output_activation": "softmax"},
     lambda masks: (masks * 2).astype("int32")),
    (lambda model: compile_regression(model, loss="mse"), {"output_activation": "linear"},
     lambda masks: masks),
], ids=["binary", "multiclass", "regression"])
def test_compile_helpers_make_adam_s_slots_so_the_first_fit_traces_its_step_once(
        compile_helper, model_arguments, targets):
    images, masks = synthetic_cells(8, 32, seed=2)
    model = compile_helper(build_small_unet(32, base_filters=4, depth=1, **model_arguments))
    slots = [v for v in model.optimizer.variables if v.path.endswith(("_momentum", "_velocity"))]
    assert model.optimizer.built and len(slots) == 2 * len(model.trainable_variables)  # made now
    traced = []
    train_step = model.train_step
    model.train_step = lambda data: traced.append(1) or train_step(data)  # runs once per trace
    model.fit(images, targets(masks), batch_size=4, epochs=2, verbose=0)
    assert len(traced) == 1  # with Adam built lazily inside the step, TensorFlow traces it twice
    assert int(model.optimizer.iterations) == 4


def test_batchnorm_drift_is_zero_when_the_statistics_match_and_grows_when_they_do_not():
    model = build_small_unet(16, base_filters=2, depth=1)
    images = np.random.default_rng(0).uniform(0.2, 0.8, (4, 16, 16, 1)).astype("float32")
    first = model.get_layer("enc1_bn1")
    features = keras.Model(model.inputs, first.input).predict(images, verbose=0).reshape(-1, 2)
    first.moving_mean.assign(features.mean(axis=0))
    assert batchnorm_drift(model, images)["enc1_bn1"] < 1e-4        # matches the data
    first.moving_mean.assign(features.mean(axis=0) + 2 * features.std(axis=0))
    assert abs(batchnorm_drift(model, images)["enc1_bn1"] - 2.0) < 1e-3  # two std off
    assert len(batchnorm_drift(model, images)) == 6                  # 2 per conv block, 3 blocks


def test_batchnorm_drift_needs_batchnorm():
    model = build_small_unet(16, base_filters=2, depth=1, batch_norm=False)
    with pytest.raises(ValueError, match="no BatchNormalization"):
        batchnorm_drift(model, np.zeros((1, 16, 16, 1), "float32"))


# --- bad calls: each names the problem and the fix, and nothing is compiled or predicted ---
L = keras.losses
IMAGES, MASKS = synthetic_cells(4, 16, seed=0)          # (4, 16, 16, 1) in [0, 1], 0/1 masks


def small(classes=1, head="sigmoid"):
    """A 16x16 U-Net of 2 base filters; ``head`` 'softmax1' is a hand-made 1-channel softmax."""
    if head == "softmax1":
        inputs = keras.Input((16, 16, 1))
        return keras.Model(inputs, keras.layers.Conv2D(1, 1, activation="softmax")(inputs))
    return build_small_unet(16, base_filters=2, depth=1, num_classes=classes,
                            output_activation=head)


BAD_COMPILES = [  # (helper, model (classes, head), keyword arguments, words the message holds)
    (compile_binary, (2, "softmax"), {}, "For class ids use compile_multiclass"),
    (compile_binary, (1, "softmax1"), {}, "softmax over a single channel always outputs 1.0"),
    (compile_binary, (1, None), {}, "bce_dice_loss expects probabilities in [0, 1]"),
    (compile_binary, (1, None), {"loss": "binary_crossentropy"}, "output_activation='sigmoid'"),
    (compile_binary, (1, None), {"loss": L.BinaryCrossentropy()}, "Pass from_logits=True"),
    (compile_binary, (1, None), {"loss": L.MeanSquaredError()}, "not a cross-entropy with "
                                                                 "from_logits=True"),
    (compile_binary, (1, "sigmoid"), {"loss": L.BinaryCrossentropy(from_logits=True)},
     "apply a sigmoid again"),
    (compile_binary, (1, "sigmoid"), {"loss": L.SparseCategoricalCrossentropy()},
     "needs one channel per class"),
    (compile_binary, (1, "sigmoid"), {"loss": 3}, "loss must be a Keras loss object"),
    (compile_binary, (1, "sigmoid"), {"learning_rate": 0}, "learning_rate must be a number in "
                                                           "(0, 1]"),
    (compile_binary, (1, "sigmoid"), {"learning_rate": 2}, "e.g. 0.002"),
    (compile_binary, (1, "sigmoid"), {"learning_rate": "2e-3"}, "learning_rate must be"),
    (compile_binary, (1, "sigmoid"), {"steps_per_execution": 0}, "steps_per_execution must be "
                                                                 "a positive integer"),
    (compile_binary, (1, "sigmoid"), {"jit_compile": "auto"}, "jit_compile must be True or False"),
    (compile_multiclass, (1, "sigmoid"), {}, "Compile it with compile_binary"),
    (compile_multiclass, (4, "sigmoid"), {}, "use a softmax head"),
    (compile_multiclass, (4, "softmax"), {"num_classes": 3}, "build the model with num_classes=3"),
    (compile_multiclass, (4, "softmax"), {"num_classes": 4.0}, "num_classes must be a positive"),
    (compile_multiclass, (4, "softmax"), {"learning_rate": -1e-3}, "learning_rate must be"),
    (compile_multiclass, (4, None), {"steps_per_execution": 2.0}, "steps_per_execution must be"),
    (compile_regression, (1, None), {"learning_rate": float("nan")}, "learning_rate must be"),
    (compile_regression, (1, None), {"steps_per_execution": True}, "steps_per_execution must be"),
    (compile_regression, (1, "sigmoid"), {"targets": np.array([0.0, np.nan])}, "NaN"),
]


@pytest.mark.parametrize("helper, spec, options, words", BAD_COMPILES,
                         ids=[f"{h.__name__}-{w[:30]}" for h, _, _, w in BAD_COMPILES])
def test_compile_helpers_refuse_a_head_or_setting_that_would_train_on_nonsense(
        helper, spec, options, words):
    model = small(*spec)
    with pytest.raises(ValueError) as error:
        helper(model, **options)
    assert words in str(error.value)
    assert not model.compiled


@pytest.mark.parametrize("helper", [compile_binary, compile_multiclass, compile_regression])
def test_compile_helpers_refuse_what_is_not_a_model(helper):
    with pytest.raises(ValueError, match="compiles a Keras model, got str"):
        helper("unet")


def test_compile_binary_takes_a_linear_head_with_a_logits_loss_and_a_schedule():
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, 100)
    model = compile_binary(small(1, None), schedule, L.BinaryCrossentropy(from_logits=True))
    assert model.compiled and model.loss.get_config()["from_logits"] is True


def test_epoch_progress_needs_a_positive_number_of_epochs():
    for epochs in (0, 2.0, "4", True):
        with pytest.raises(ValueError, match="epochs must be a positive integer"):
            EpochProgress(epochs)


BAD_PREDICTIONS = [  # (function, model (classes, head), arguments after the model, words)
    (evaluate_binary, (2, "softmax"), (IMAGES, MASKS), "for class ids use predict_class_ids"),
    (evaluate_binary, (1, None), (IMAGES, MASKS), "Threshold the logits at 0 (logits > 0)"),
    (evaluate_binary, (1, "softmax1"), (IMAGES, MASKS), "softmax over a single channel"),
    (evaluate_binary, (1, "sigmoid"), (IMAGES, MASKS * 255), "divide them by 255"),
    (evaluate_binary, (1, "sigmoid"), (IMAGES, MASKS * 3), "compile_multiclass"),
    (evaluate_binary, (1, "sigmoid"), (IMAGES, MASKS[:2]), "4 images but 2 masks"),
    (evaluate_binary, (1, "sigmoid"), (IMAGES, MASKS, 1.0), "threshold must be a number "
                                                            "between 0 and 1"),
    (evaluate_binary, (1, "sigmoid"), (IMAGES * 255, MASKS), "divide by 255"),
    (predict_masks, (1, "sigmoid"), (np.repeat(IMAGES, 3, -1),), "build the model with "
                                                                 "channels=3"),
    (predict_masks, (1, "sigmoid"), (np.tile(IMAGES, (1, 2, 1, 1)),), "resize or crop the "
                                                                       "images to 16x16"),
    (predict_masks, (1, "sigmoid"), (IMAGES, 0.5, 0), "batch_size must be a positive integer"),
    (predict_masks, (1, "sigmoid"), (IMAGES, -0.5), "threshold must be a number"),
    (predict_masks, (2, "softmax"), (IMAGES,), "one per class"),
    (predict_class_ids, (1, "sigmoid"), (IMAGES,), "argmax over one channel is always 0"),
    (predict_class_ids, (3, "softmax"), (IMAGES[..., 0],), "Add the channel axis"),
    (predict_class_ids, (3, "softmax"), (IMAGES * 255,), "divide by 255"),
    (batchnorm_drift, (1, "sigmoid"), (IMAGES * 255,), "divide by 255"),
    (batchnorm_drift, (1, "sigmoid"), (np.repeat(IMAGES, 3, -1),), "channels=3"),
]


@pytest.mark.parametrize("function, spec, arguments, words", BAD_PREDICTIONS,
                         ids=[f"{f.__name__}-{w[:30]}" for f, _, _, w in BAD_PREDICTIONS])
def test_prediction_and_scoring_refuse_what_they_cannot_be_right_about(function, spec,
                                                                       arguments, words):
    with pytest.raises(ValueError) as error:
        function(small(*spec), *arguments)
    assert words in str(error.value)


@pytest.mark.parametrize("function", [evaluate_binary, predict_masks, predict_class_ids,
                                      batchnorm_drift])
def test_prediction_helpers_refuse_what_is_not_a_model(function):
    arguments = (IMAGES, MASKS) if function is evaluate_binary else (IMAGES,)
    with pytest.raises(ValueError, match="Keras model, got str"):
        function("unet", *arguments)


def test_evaluate_binary_accepts_masks_with_no_foreground():
    # A held-out set may hold no foreground: the scores then only count false positives.
    model, empty = small(), np.zeros_like(MASKS)
    everything = evaluate_binary(model, IMAGES, empty, threshold=1e-6)   # all called foreground
    assert everything == {"dice": 0.0, "iou": 0.0, "foreground_predicted": 1.0}
    nothing = evaluate_binary(model, IMAGES, empty, threshold=1 - 1e-6)  # none called foreground
    assert nothing == {"dice": 0.0, "iou": 1.0, "foreground_predicted": 0.0}
