"""Shared test setup: quiet TensorFlow, and a fresh Keras session for every test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")  # tests draw figures without a screen (notebooks keep the inline backend)


@pytest.fixture(autouse=True)
def fresh_keras_session():
    keras.backend.clear_session()
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
