"""Shape traces: the formulas (no TensorFlow) agree with Keras for many sizes, depths and filters."""

import pytest

from unet_helpers.formulas import (batchnorm_params, conv_block_macs, conv_block_params,
                                   conv_params, decoder_block_params, formula_trace,
                                   level_filters, transpose_params)
from unet_helpers.model import build_unet
from unet_helpers.trace import compare_traces, format_trace, keras_trace


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.parametrize("input_shape, depth, base_filters, num_classes", [
    ((512, 512, 3), 4, 64, 1),
    ((64, 64, 1), 2, 8, 1),
    ((128, 96, 3), 3, 16, 4),
    ((48, 80, 2), 4, 4, 2),
    ((32, 32, 1), 5, 2, 1),
    ((8, 8, 3), 1, 1, 1),
])
def test_formula_trace_matches_keras(input_shape, depth, base_filters, num_classes):
    model = build_unet(input_shape, depth=depth, base_filters=base_filters,
                       num_classes=num_classes,
                       output_activation="softmax" if num_classes > 1 else "sigmoid")
    expected = formula_trace(input_shape, base_filters=base_filters, depth=depth,
                             num_classes=num_classes)
    assert keras_trace(model) == expected
    assert sum(params for _, _, params in expected) == model.count_params()
    text, all_match = compare_traces(expected, keras_trace(model))
    assert all_match and " NO" not in text


@pytest.mark.usefixtures("fresh_keras_session")
def test_formula_trace_without_batch_norm():
    model = build_unet((64, 64, 1), base_filters=8, depth=3, batch_norm=False)
    assert keras_trace(model) == formula_trace((64, 64, 1), base_filters=8, depth=3,
                                               batch_norm=False)


def test_reference_trace_rows():
    rows = formula_trace((512, 512, 3))
    assert rows[0] == ("input", (512, 512, 3), 0)
    assert rows[1] == ("encoder 1 skip", (512, 512, 64), 39_232)
    assert rows[2] == ("encoder 1 pooled", (256, 256, 64), 0)
    assert ("bridge", (32, 32, 1024), 14_166_016) in rows
    assert rows[-2] == ("decoder 1", (512, 512, 64), 32_832 + 111_232)
    assert rows[-1] == ("head", (512, 512, 1), 65)


def test_compare_traces_reports_a_difference():
    rows = formula_trace((64, 64, 1), base_filters=8, depth=2)
    changed = list(rows)
    changed[1] = (changed[1][0], (64, 64, 9), changed[1][2])
    text, all_match = compare_traces(rows, changed)
    assert not all_match
    assert "NO" in text.splitlines()[3]


def test_format_trace_is_plain_and_totals():
    text = format_trace(formula_trace((512, 512, 3)))
    assert "bridge" in text and "32 x 32 x 1024" in text
    assert text.splitlines()[-1].endswith("31,055,297")


def test_unit_formulas():
    assert conv_params(3, 3, 64) == 1_792
    assert conv_params(1, 64, 1) == 65
    assert batchnorm_params(64) == 256
    assert transpose_params(1024, 512) == 2_097_664
    assert conv_block_params(512, 1024) == 14_166_016
    assert decoder_block_params(1024, 512, 512) == 2_097_664 + 7_083_008
    assert level_filters(64, 4) == [64, 128, 256, 512, 1024]
    assert level_filters(16, 2) == [16, 32, 64]


def test_conv_block_macs_match_the_reference_table():
    assert round(conv_block_macs(512, 512, 3, 64) / 1e9, 2) == 10.12
    for size, c_in, filters in [(256, 64, 128), (128, 128, 256), (64, 256, 512), (32, 512, 1024)]:
        assert round(conv_block_macs(size, size, c_in, filters) / 1e9, 2) == 14.50
