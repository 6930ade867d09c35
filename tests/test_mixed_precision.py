"""Mixed precision: the U-Net computes in 16 bits, keeps float32 weights and a float32 head."""

import keras
import numpy as np
import pytest

from unet_helpers.model import build_small_unet, build_unet
from unet_helpers.synthetic import synthetic_cells
from unet_helpers.training import compile_binary


@pytest.fixture
def policy():
    """Set a global dtype policy for one test and always put float32 back."""
    def set_policy(name):
        keras.mixed_precision.set_global_policy(name)
    yield set_policy
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("name, compute", [("mixed_bfloat16", "bfloat16"),
                                           ("mixed_float16", "float16")])
def test_the_network_computes_in_16_bits_and_the_head_in_float32(policy, name, compute):
    policy(name)
    model = build_unet((64, 64, 3), base_filters=8, depth=2)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    head = model.get_layer("head")
    assert {layer.compute_dtype for layer in convs if layer is not head} == {compute}
    assert {weight.dtype for weight in model.weights} == {"float32"}  # weights stay float32
    assert head.compute_dtype == "float32"
    assert model.output.dtype == "float32"
    probabilities = model(np.random.default_rng(0).random((2, 64, 64, 3), dtype="float32"))
    assert keras.backend.standardize_dtype(probabilities.dtype) == "float32"


def test_the_reference_model_keeps_its_parameters_under_mixed_precision(policy):
    policy("mixed_bfloat16")
    assert build_unet((512, 512, 3)).count_params() == 31_055_297


def test_a_short_mixed_bfloat16_run_has_a_finite_falling_loss(policy):
    policy("mixed_bfloat16")
    keras.utils.set_random_seed(0)
    images, masks = synthetic_cells(32, 32, seed=1)
    model = compile_binary(build_small_unet(32, 1, base_filters=4, depth=2))
    history = model.fit(images, masks, batch_size=8, epochs=3, verbose=0, shuffle=False)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses))
    assert losses[-1] < losses[0]


def test_mixed_float16_compile_scales_the_loss(policy):
    policy("mixed_float16")
    model = compile_binary(build_small_unet(32, 1, base_filters=4, depth=2))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
