"""Training helpers, and a folder of PNG images with 0/255 masks training with no conversion."""

import keras
import numpy as np
import pytest
from PIL import Image

from unet_helpers.batchnorm import batchnorm_drift
from unet_helpers.evaluation import evaluate_binary, predict_masks
from unet_helpers.folders import load_folder
from unet_helpers.model import build_small_unet
from unet_helpers.pipeline import make_dataset
from unet_helpers.sample_data import write_sample_data
from unet_helpers.training import LEARNING_RATE, EpochProgress, compile_binary

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
