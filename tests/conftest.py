"""Shared test setup: quiet TensorFlow, figures without a screen, and an opt-in Keras reset.

Test modules that build Keras models opt in to a fresh Keras session with
``pytestmark = pytest.mark.usefixtures("fresh_keras_session")``; tests of plain Python, numpy
or JSON do not pay for it (and do not import Keras at all).
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")  # tests draw figures without a screen (notebooks keep the inline backend)


@pytest.fixture
def fresh_keras_session():
    """Reset Keras' global state (layer name counters, the graph) before a test that builds
    models. ``free_memory=False`` skips a full ``gc.collect()`` (0.14 s each with TensorFlow
    loaded); Python's own collector still frees the models of earlier tests."""
    import keras

    try:
        keras.backend.clear_session(free_memory=False)
    except TypeError:  # an older Keras 3 without free_memory
        keras.backend.clear_session()
    yield


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test drew; free when the test never imported pyplot."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
