"""The feature-map explorer: block names and shapes, activations against Keras' own layer
outputs, the strongest channels by hand, and the widget's readout after a dropdown moves."""

import keras
import numpy as np
import pytest

from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.feature_maps import (STRONGEST, block_activations, block_layers,
                                       feature_map_explorer, feature_map_report,
                                       format_feature_map_report, show_feature_map_report,
                                       strongest_channels)
from unet_helpers.model import build_small_unet

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


@pytest.fixture(scope="module")
def two_models():
    """A depth-2, 4-filter U-Net on 16×16 and a copy whose weights moved ("trained")."""
    keras.utils.set_random_seed(3)
    untrained = build_small_unet(16, base_filters=4, depth=2)
    trained = build_small_unet(16, base_filters=4, depth=2)
    rng = np.random.default_rng(0)
    trained.set_weights([w + rng.normal(0, 0.2, w.shape).astype(w.dtype) * (w.ndim > 1)
                         for w in untrained.get_weights()])
    image = rng.uniform(0, 1, (16, 16, 1)).astype("float32")
    return untrained, trained, image


def test_blocks_in_order_with_their_shapes(two_models):
    untrained, _, image = two_models
    assert block_layers(untrained) == {"encoder 1": "enc1_relu2", "encoder 2": "enc2_relu2",
                                       "bridge": "bridge_relu2", "decoder 2": "dec2_relu2",
                                       "decoder 1": "dec1_relu2"}
    maps = block_activations(untrained, image)
    assert {name: maps[name].shape for name in maps} == {
        "encoder 1": (16, 16, 4), "encoder 2": (8, 8, 8), "bridge": (4, 4, 16),
        "decoder 2": (8, 8, 8), "decoder 1": (16, 16, 4)}
    assert all(float(m.min()) >= 0.0 for m in maps.values())  # each block ends with a ReLU
    one_layer = keras.Model(untrained.input, untrained.get_layer("enc2_relu2").output)
    np.testing.assert_allclose(maps["encoder 2"], one_layer.predict(image[None], verbose=0)[0],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(block_activations(untrained, image[None])["bridge"],
                                  maps["bridge"])


def test_strongest_channels_by_hand():
    activation = np.zeros((2, 2, 5), "float32")
    activation[..., 3] = 2.0
    activation[0, 0, 1] = 4.0  # mean 1.0
    activation[..., 4] = 1.0   # mean 1.0 too: the lower index (1) comes first
    assert strongest_channels(activation, k=3).tolist() == [3, 1, 4]
    assert strongest_channels(activation, k=8).tolist() == [3, 1, 4, 0, 2]
    with pytest.raises(ValueError, match="3 axes"):
        strongest_channels(activation[None])
    with pytest.raises(ValueError, match="positive integer"):
        strongest_channels(activation, k=0)


def test_report_means_and_readout(two_models):
    untrained_model, trained_model, image = two_models
    before = block_activations(untrained_model, image)
    after = block_activations(trained_model, image)
    report = feature_map_report(before, after, "encoder 2", 5)
    assert report["channels"] == [5] and report["shape"] == (8, 8, 8)
    assert report["untrained_mean"] == pytest.approx(float(before["encoder 2"][..., 5].mean()))
    assert report["trained_mean"] == pytest.approx(float(after["encoder 2"][..., 5].mean()))
    assert format_feature_map_report(report) == (
        f"encoder 2 (8×8×8), channel 5: mean activation {report['untrained_mean']:.3f} "
        f"untrained, {report['trained_mean']:.3f} trained")
    strongest = feature_map_report(before, after, "bridge")
    means = after["bridge"].mean(axis=(0, 1))
    assert strongest["channels"] == np.argsort(-means, kind="stable")[:8].tolist()
    assert strongest["trained_mean"] == pytest.approx(float(np.sort(means)[-8:].mean()))
    assert format_feature_map_report(strongest).startswith("bridge (4×4×16), strongest 8 "
                                                           "channels (")
    with pytest.raises(ValueError, match="channel must be 0 to 3"):
        feature_map_report(before, after, "encoder 1", 4)
    with pytest.raises(ValueError, match="block must be one of"):
        feature_map_report(before, after, "encoder 3")
    with pytest.raises(ValueError, match="build_unet"):
        block_layers(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))


def test_explorer_follows_its_dropdowns(two_models):
    untrained_model, trained_model, image = two_models
    before = block_activations(untrained_model, image)
    after = block_activations(trained_model, image)
    mask = (image > 0.5).astype("float32")
    explorer = feature_map_explorer(image, before, after, mask=mask)
    assert explorer.controls["channel"].options == (STRONGEST, 0, 1, 2, 3)  # every block has 4
    assert explorer_readout(explorer) == format_feature_map_report(
        feature_map_report(before, after, "encoder 1", STRONGEST))
    picture = explorer.children[2].value
    set_control(explorer, "block", "encoder 2")  # one step down in the block dropdown
    assert explorer_readout(explorer) == format_feature_map_report(
        feature_map_report(before, after, "encoder 2", STRONGEST))
    assert explorer.children[2].value != picture
    set_control(explorer, "channel", 2)
    assert explorer_readout(explorer) == format_feature_map_report(
        feature_map_report(before, after, "encoder 2", 2))
    with pytest.raises(ValueError, match="offers channels 0 to 3"):
        feature_map_explorer(image, before, after, block="bridge", channel=7)


def test_static_figure_shows_both_rows(two_models):
    import matplotlib.pyplot as plt

    untrained_model, trained_model, image = two_models
    before = block_activations(untrained_model, image)
    after = block_activations(trained_model, image)
    report = show_feature_map_report(image, before, after, "decoder 1", STRONGEST,
                                     mask=(image > 0.5).astype("float32"))
    assert report == feature_map_report(before, after, "decoder 1")
    axes = plt.gcf().axes
    assert len(axes) == 2 * (len(report["channels"]) + 1) == 10  # 4 channels: all of them
    labels = [[text.get_text() for text in ax.texts] for ax in axes]  # row by row
    assert labels[0] == ["image"] and labels[5] == ["true mask"]
    assert labels[1] == [f"untrained ch {report['channels'][0]}"]
    assert labels[6] == [f"trained ch {report['channels'][0]}"]
    one = show_feature_map_report(image, before, after, "bridge", 7)
    assert one["channels"] == [7] and len(plt.gcf().axes) == 4 + 2  # 2 × 2 panels, 2 colour bars
