"""Dense regression helpers: target scaling, the sigmoid floor, errors by bin, compile checks."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from unet_helpers.model import build_small_unet
from unet_helpers.regression_plots import show_error_maps
from unet_helpers.regression_targets import TargetScaler, sigmoid_floor
from unet_helpers.scores import error_by_target
from unet_helpers.training import compile_regression


def test_target_scaler_standardises_and_undoes():
    targets = np.array([-3.0, -1.0, 1.0, 3.0])            # mean 0, std sqrt(5)
    scaler = TargetScaler.fit(targets)
    assert scaler.mean == 0.0 and scaler.std == pytest.approx(np.sqrt(5.0))
    scaled = scaler.scale(targets)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [-3 / 5 ** 0.5, -1 / 5 ** 0.5, 1 / 5 ** 0.5, 3 / 5 ** 0.5],
                               rtol=1e-6)
    np.testing.assert_allclose(scaler.unscale(scaled), targets, atol=1e-6)
    shifted = TargetScaler.fit(np.array([[2.0, 4.0], [6.0, 8.0]]))   # mean 5, std sqrt(5)
    assert shifted.mean == 5.0
    np.testing.assert_allclose(shifted.unscale(np.zeros((2, 2))), np.full((2, 2), 5.0))
    assert repr(shifted) == "TargetScaler(mean=5, std=2.236)"


def test_target_scaler_agrees_with_keras_normalization():
    targets = np.arange(12, dtype="float32").reshape(1, 2, 3, 2) * 1.5 - 4.0
    normalization = keras.layers.Normalization(axis=None)
    normalization.adapt(targets)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalization(targets)),
                               TargetScaler.fit(targets).scale(targets), atol=1e-5)


@pytest.mark.parametrize("targets, message", [
    (np.full((2, 2), 3.0), "nothing to regress"),
    (np.array([1.0, np.nan]), "NaN"),
    (np.array([]), "empty"),
])
def test_target_scaler_refuses_bad_targets(targets, message):
    with pytest.raises(ValueError, match=message):
        TargetScaler.fit(targets)


def test_target_scaler_refuses_a_zero_std():
    with pytest.raises(ValueError, match=r"TargetScaler.fit\(train_targets\)"):
        TargetScaler(0.0, 0.0)


SCALER = TargetScaler(0.0, 2.0)
BAD_TARGET_CALLS = [  # (call, arguments, words the message must hold)
    (TargetScaler, ("0", 1.0), "a finite mean and a positive std"),
    (TargetScaler, (0.0, np.inf), "a finite mean and a positive std"),
    (TargetScaler, (True, 1.0), "a finite mean and a positive std"),
    (TargetScaler.fit, (np.array(["1", "2"]),), "targets hold <U1 values, not numbers"),
    (TargetScaler.fit, ([[1.0, 2.0], [3.0]],), "ragged sequence"),
    (SCALER.scale, (np.array([1.0, np.inf]),), "targets hold NaN or infinite values"),
    (SCALER.scale, (np.array([]),), "targets are empty"),
    (SCALER.unscale, (np.array([0.5, np.nan]),), "the training diverged"),
    (SCALER.unscale, ("0.5",), "outputs hold <U3 values, not numbers"),
    (sigmoid_floor, (np.array([]),), "targets are empty"),
    (sigmoid_floor, (np.array([0.5, np.nan]),), "NaN"),
    (sigmoid_floor, (np.array([0.5]), "0", 1.0), "low and high must be finite numbers"),
    (sigmoid_floor, (np.array([0.5]), 0.0, np.nan), "low and high must be finite numbers"),
]


@pytest.mark.parametrize("call, arguments, words", BAD_TARGET_CALLS,
                         ids=[f"{c.__name__}-{w[:30]}" for c, _, w in BAD_TARGET_CALLS])
def test_regression_target_helpers_bad_calls(call, arguments, words):
    with pytest.raises(ValueError) as error:
        call(*arguments)
    assert words in str(error.value)


def test_sigmoid_floor_on_a_hand_made_target():
    floor = sigmoid_floor(np.array([-2.0, 0.5, 1.0, 3.0]))   # gaps -2, 0, 0, 2
    assert floor == {"mse": 2.0, "mae": 1.0, "outside": 0.5}
    assert sigmoid_floor(np.array([0.0, 0.25, 1.0])) == {"mse": 0.0, "mae": 0.0, "outside": 0.0}
    assert sigmoid_floor(np.array([-1.0, 5.0]), low=-1.0, high=1.0)["mae"] == 2.0
    with pytest.raises(ValueError, match="low=0.0, high=1.0"):
        sigmoid_floor(np.array([1.0]), low=1.0, high=0.0)


def test_error_by_target_bins_exactly():
    targets = np.array([-5.0, -1.0, 0.0, 0.5, 4.0, 9.0])
    predictions = np.array([-4.0, -3.0, 0.0, 1.5, 4.0, 6.0])  # errors 1, 2, 0, 1, 0, 3
    result = error_by_target(targets, predictions, [-np.inf, 0.0, 1.0, 5.0, np.inf])
    assert result["counts"].tolist() == [2, 2, 1, 1]
    np.testing.assert_allclose(result["mae"], [1.5, 0.5, 0.0, 3.0])
    empty = error_by_target(targets, predictions, [-10.0, -6.0, 10.0])
    assert empty["counts"].tolist() == [0, 6]
    assert np.isnan(empty["mae"][0]) and empty["mae"][1] == pytest.approx(7 / 6)


def test_error_by_target_with_infinite_outer_edges_and_an_empty_bin():
    # (N, H, W, 1) like a model's output; bins [-inf, -10), [-10, 0), [0, 1), [1, 5), [5, inf)
    targets = np.array([-5.0, -1.0, 0.0, 1.0, 5.0, 9.0]).reshape(1, 2, 3, 1)
    predictions = np.array([-4.0, -3.0, 0.5, 1.0, 2.0, 6.0]).reshape(1, 2, 3, 1)  # 1 2 .5 0 3 3
    result = error_by_target(targets, predictions, [-np.inf, -10.0, 0.0, 1.0, 5.0, np.inf])
    assert result["counts"].tolist() == [0, 2, 1, 1, 2]   # an edge value opens the next bin
    assert np.isnan(result["mae"][0])                      # no target below -10
    np.testing.assert_allclose(result["mae"][1:], [1.5, 0.5, 0.0, 3.0])


@pytest.mark.parametrize("edges, predictions, message", [
    ([0.0, 1.0, 20.0], np.zeros(6), "Widen the edges"),
    ([-5.0, 0.0, 9.0], np.zeros(6), "Widen the edges"),   # the last bin is [0, 9) too: 9 is out
    ([5.0, 1.0], np.zeros(6), "increasing"),
    ([-np.inf, np.inf], np.zeros(5), "same shape"),
])
def test_error_by_target_bad_input(edges, predictions, message):
    targets = np.array([-5.0, -1.0, 0.0, 0.5, 4.0, 9.0])
    with pytest.raises(ValueError, match=message):
        error_by_target(targets, predictions, edges)


@pytest.mark.usefixtures("fresh_keras_session")
def test_compile_regression_linear_head():
    model = compile_regression(build_small_unet(16, base_filters=2, depth=1,
                                                output_activation="linear"), loss="mae",
                               steps_per_execution=2)
    assert type(model.loss).__name__ == "MeanAbsoluteError"
    assert model.steps_per_execution == 2
    # encoder 74 + bridge 256 + decoder 162 + head (2 weights + 1 bias) 3, as with a sigmoid
    assert model.count_params() == 495


@pytest.mark.usefixtures("fresh_keras_session")
def test_compile_regression_refuses_a_sigmoid_head_for_unbounded_targets():
    sigmoid = build_small_unet(16, base_filters=2, depth=1)
    assert sigmoid.count_params() == 495
    with pytest.raises(ValueError, match=r"range from -2 to 3\. Build the model with "
                                         r"output_activation='linear'"):
        compile_regression(sigmoid, targets=np.array([-2.0, 0.5, 3.0]))
    with pytest.raises(ValueError, match="Pass targets="):
        compile_regression(sigmoid)
    compile_regression(sigmoid, loss="huber", targets=np.array([0.0, 0.5, 1.0]))  # in [0, 1]
    assert type(sigmoid.loss).__name__ == "Huber"


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.parametrize("loss, message", [
    ("rmse", "use 'mse', 'mae' or 'huber'"),
    (keras.losses.BinaryCrossentropy(), "not a regression loss"),
])
def test_compile_regression_refuses_other_losses(loss, message):
    model = build_small_unet(16, base_filters=2, depth=1, output_activation=None)
    with pytest.raises(ValueError, match=message):
        compile_regression(model, loss=loss)


def test_show_error_maps_draws_four_panels_per_row():
    targets = np.zeros((2, 8, 8, 1), "float32") - 2.0
    targets[:, 2:6, 2:6] = 1.0
    fig = show_error_maps(np.zeros((2, 8, 8, 1)), targets, targets + 0.5, n=2)
    image_axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in image_axes[:4]] == [
        "image", "true target (px)", "prediction (px)", "|error| (px)"]
    assert len(image_axes) == 8 and len(fig.axes) == 8 + 6   # 3 colour bars per row
    plt.close(fig)
