"""The shape explorer: sizes that work, parameters, training memory from formulas, the widget."""


import pytest

from unet_helpers.checks import check_unet_arguments
from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.explorers import (BATCH_SIZES, format_shape_report, nearest_sizes,
                                    shape_explorer, shape_figure, shape_report,
                                    show_shape_report)
from unet_helpers.formulas import formula_trace
from unet_helpers.memory import training_memory_bytes, unet_training_memory_bytes

SMALL = dict(size=128, depth=4, base_filters=16, channels=1)   # notebook 06's default


def test_memory_of_a_tiny_unet_counted_by_hand():
    # depth 1, 2 base filters, 8x8x1 input, BatchNorm, "same" padding. Values per image:
    # encoder: conv, bn, relu twice at 8x8x2 (6 * 128) + pool 4x4x2 (32); bridge: 6 * 4x4x4
    # (384); decoder: up 8x8x2 (128) + concat 8x8x4 (256) + 6 * 128; head 8x8x1 (64).
    values = 6 * 128 + 32 + 6 * 64 + 128 + 256 + 6 * 128 + 64
    # parameters: encoder 20 + 8 + 38 + 8, bridge 76 + 16 + 148 + 16, up 34, decoder conv
    # block 74 + 8 + 38 + 8, head 3; BatchNorm keeps 2 per channel out of training (16 channels).
    parameters = 74 + 256 + 34 + 128 + 3
    trainable = parameters - 2 * 16
    assert (values, parameters, trainable) == (2400, 495, 463)
    memory = unet_training_memory_bytes((8, 8, 1), 2, base_filters=2, depth=1)
    assert memory == {"activations": values * 2 * 4, "weights": parameters * 4,
                      "optimizer_and_gradients": 3 * trainable * 4,
                      "total": values * 8 + parameters * 4 + 12 * trainable}


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.parametrize("input_shape, batch_size, options", [
    ((512, 512, 3), 1, {}),                                         # the reference
    ((512, 512, 3), 4, {"bytes_per_value": 2}),                     # float16
    ((64, 64, 1), 8, {"base_filters": 8, "depth": 2}),              # a small one
    ((572, 572, 1), 1, {"padding": "valid", "batch_norm": False, "num_classes": 2}),  # paper
    ((188, 252, 1), 3, {"padding": "valid", "base_filters": 4}),     # crops, not square
    ((64, 64, 1), 16, {"base_filters": 8, "skips": False}),         # notebook 06's comparison
    ((96, 160, 3), 2, {"base_filters": 4, "depth": 3, "num_classes": 3, "bytes_per_value": 8}),
])
def test_formula_memory_equals_the_built_models(input_shape, batch_size, options):
    from unet_helpers.model import build_unet

    build = {key: value for key, value in options.items() if key != "bytes_per_value"}
    activation = "softmax" if options.get("num_classes", 1) > 1 else "sigmoid"
    model = build_unet(input_shape, output_activation=activation, **build)
    bytes_per_value = options.get("bytes_per_value", 4)
    assert unet_training_memory_bytes(input_shape, batch_size, **options) == \
        training_memory_bytes(model, batch_size, bytes_per_value=bytes_per_value)


def test_formula_memory_of_the_reference_in_numbers():
    one = unet_training_memory_bytes((512, 512, 3), 1)
    assert one["weights"] == 31_055_297 * 4
    assert one["optimizer_and_gradients"] == 3 * 31_043_521 * 4
    assert 2.0 <= one["total"] / 2**30 <= 2.5        # measured 2-2.5 GiB (shared notes)
    two = unet_training_memory_bytes((512, 512, 3), 2)
    assert two["activations"] == 2 * one["activations"]


@pytest.mark.parametrize("call, match", [
    (lambda: unet_training_memory_bytes((64, 64, 1), 0), "batch_size must be a positive"),
    (lambda: unet_training_memory_bytes((64, 64, 1), 1, bytes_per_value=0), "bytes_per_value"),
    (lambda: unet_training_memory_bytes((None, None, 1), 1), "open size"),
    (lambda: unet_training_memory_bytes((100, 100, 3), 1), "96 or 112"),
    (lambda: unet_training_memory_bytes((64, 64, 1), 1, skips="yes"), "skips must be True"),
    (lambda: unet_training_memory_bytes((64, 64, 1), 1, padding="full"), "'same' or 'valid'"),
])
def test_formula_memory_refuses_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("size, depth, padding, expected", [
    (100, 4, "same", (96, 112)), (128, 4, "same", (128,)), (16, 6, "same", (64,)),
    (570, 4, "valid", (556, 572)), (100, 4, "valid", (188,)), (572, 4, "valid", (572,)),
])
def test_nearest_sizes_work_and_nothing_between_does(size, depth, padding, expected):
    sizes = nearest_sizes(size, depth, padding)
    assert sizes == expected
    works = []
    for candidate in range(min(sizes[0], size), max(sizes[-1], size) + 1):
        try:
            check_unet_arguments((candidate, candidate, 1), depth, 8, padding)
            works.append(candidate)
        except ValueError:
            pass
    assert tuple(works) == sizes


def test_shape_report_of_a_size_that_works():
    report = shape_report(**SMALL, batch_size=8)
    assert report["ok"] and report["nearest"] == () and report["message"] == ""
    assert report["output_shape"] == (128, 128, 1)
    assert report["parameters"] == 1_946_705
    assert report["memory"] == unet_training_memory_bytes((128, 128, 1), 8, base_filters=16)
    assert format_shape_report(report) == ("1,946,705 parameters; 128×128×1 → 128×128×1; "
                                           "training at batch 8: about 262 MiB (float32)")


@pytest.mark.usefixtures("fresh_keras_session")
def test_shape_report_of_the_unpadded_network_matches_build_unet():
    from unet_helpers.model import build_unet

    report = shape_report(188, depth=4, base_filters=4, channels=1, padding="valid",
                          batch_size=2)
    model = build_unet((188, 188, 1), base_filters=4, padding="valid")
    assert report["output_shape"] == tuple(model.output.shape[1:]) == (4, 4, 1)
    assert report["parameters"] == model.count_params()
    assert report["memory"] == training_memory_bytes(model, 2)
    paper = shape_report(572, channels=1, padding="valid")
    assert paper["output_shape"] == (388, 388, 1)
    assert paper["rows"] == formula_trace((572, 572, 1), padding="valid")


def test_shape_report_of_a_size_that_fails():
    report = shape_report(100, depth=4, padding="same")
    assert not report["ok"] and report["memory"] is None and report["rows"] == []
    assert "Resize or pad to 96 or 112" in report["message"]
    assert format_shape_report(report) == ("size 100 does not work with depth 4 and same "
                                           "padding; nearest sizes that work: 96 and 112")
    unpadded = shape_report(100, depth=4, padding="valid")
    assert format_shape_report(unpadded).endswith("valid padding; nearest size that works: 188")


@pytest.mark.parametrize("arguments, match", [
    ({"size": 12.5}, "size must be a whole number"),
    ({"padding": "full"}, "'same' or 'valid'"),
    ({"batch_size": 0}, "batch_size must be a positive"),
    ({"depth": 0}, "depth must be a positive"),
])
def test_shape_report_refuses_bad_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        shape_report(**arguments)


def test_shape_figure_draws_the_u_and_the_memory_without_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figure = shape_figure(shape_report(**SMALL))
    u_axes, memory_axes = figure.axes
    assert plt.get_fignums() == before
    texts = " ".join(text.get_text() for text in u_axes.texts)
    assert "bridge: 8×8×256" in texts and "same padding" in u_axes.get_title()
    assert [tick.get_text() for tick in memory_axes.get_yticklabels()] == \
        [str(batch) for batch in BATCH_SIZES]
    assert "262 MiB" in " ".join(text.get_text() for text in memory_axes.texts)
    failed = shape_figure(shape_report(100))
    assert failed.axes[0].get_title().startswith("100 does not work with same padding: drawn "
                                                 "for 96")  # 96 and 112 are equally close
    assert "drawn for 112, the closest" in shape_figure(shape_report(110)).axes[0].get_title()
    unpadded = shape_figure(shape_report(571, padding="valid"))
    assert "drawn for 572, the closest" in unpadded.axes[0].get_title()


def test_shape_explorer_follows_its_controls():
    from ipywidgets import SelectionSlider, ToggleButtons

    explorer = shape_explorer(**SMALL)
    controls = explorer.controls
    assert [control.description for control in controls.values()] == \
        ["size", "depth", "filters", "channels", "padding", "batch"]
    assert isinstance(controls["padding"], ToggleButtons)
    assert isinstance(controls["batch_size"], SelectionSlider)
    assert tuple(controls["batch_size"].options) == BATCH_SIZES
    assert not any(getattr(control, "continuous_update", False) for control in controls.values())
    assert explorer_readout(explorer) == format_shape_report(shape_report(**SMALL))
    steps = [("size", 132, {"size": 132}),                         # one keyboard step right
             ("padding", "valid", {"size": 132, "padding": "valid"}),
             ("size", 188, {"size": 188, "padding": "valid"}),
             ("batch_size", 16, {"size": 188, "padding": "valid", "batch_size": 16})]
    for name, value, changed in steps:
        picture = explorer.children[2].value
        set_control(explorer, name, value)   # redraw times: benchmarks/explorers.py
        expected = shape_report(**{**SMALL, "batch_size": 8, **changed})
        assert explorer_readout(explorer) == format_shape_report(expected)
        assert explorer.children[2].value != picture
    assert explorer_readout(explorer).endswith("4×4×1; training at batch 16: about 399 MiB "
                                               "(float32)")


def test_shape_explorer_refuses_a_batch_size_off_the_slider():
    with pytest.raises(ValueError, match="one of the slider's stops"):
        shape_explorer(batch_size=3)


def test_show_shape_report_prints_the_readout_and_the_table(capsys):
    report = show_shape_report(**SMALL)
    out = capsys.readouterr().out
    assert out.startswith(format_shape_report(report) + "\n\n")
    assert report["table"] in out and "Image object" in out   # the figure, as a PNG
    failed = show_shape_report(100)
    out = capsys.readouterr().out
    assert out.startswith(format_shape_report(failed)) and failed["message"] in out
