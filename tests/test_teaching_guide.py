"""docs/teaching.md stays true: its reading times, its notebook list and the grader messages it
quotes are what the tools and the graders produce today."""

import contextlib
import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import reading_time  # noqa: E402
import series  # noqa: E402
import sync_notebooks  # noqa: E402


def table_after(marker):
    """Rows of the markdown table that follows an HTML comment containing ``marker``."""
    start = GUIDE.index(marker)
    rows = []
    for line in GUIDE[start:].splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[2:]  # after the header and the --- line


def test_the_readme_links_the_guide():
    assert "(docs/teaching.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_notebook_is_listed_with_its_reading_time_and_a_run_time():
    rows = {row[0][:2]: row for row in table_after("notebook table")}
    paths = series.notebook_paths()
    assert sorted(rows) == [p.name[:2] for p in paths]
    for path in paths:
        number, title, run, reading = path.name[:2], series.title_of(path), *rows[path.name[:2]][1:3]
        assert rows[number][0] == f"{number} {title}" or title.startswith(rows[number][0][3:])
        assert reading == f"{reading_time.reading_minutes(path)} min", path.name
        measured = sync_notebooks.run_times()[path.name]     # what make test measured
        assert run == f"{round(measured)} s", f"{path.name}: the guide says {run}, measured {measured}"


def wrong_answers():
    """One wrong answer per mistake the guide's table lists: (grader, function, options)."""
    import test_graders as t
    from unet_helpers.model import build_unet

    unet = {"reference_model": build_unet((32, 32, 1), base_filters=16, depth=2)}
    return [
        (t.grade_conv_block, t.conv_forgot_batchnorm, {}),
        (t.grade_conv_block, t.conv_relu_before_batchnorm, {}),
        (t.grade_conv_block, t.conv_one_convolution, {}),
        (t.grade_conv_block, t.conv_valid_padding, {}),
        (t.grade_conv_block, t.conv_fixed_filters, {}),
        (t.grade_conv_block, t.conv_no_relu, {}),
        (t.grade_encoder_block, t.encoder_swapped, {}),
        (t.grade_encoder_block, t.encoder_pooled_skip, {}),
        (t.grade_encoder_block, t.encoder_average_pooling, {}),
        (t.grade_decoder_block, t.decoder_missing_stride, {}),
        (t.grade_decoder_block, t.decoder_missing_stride_upsampled_later, {}),
        (t.grade_decoder_block, t.decoder_skip_first, {}),
        (t.grade_decoder_block, t.decoder_added, {}),
        (t.grade_decoder_block, t.decoder_added, {"skip_shape": (32, 32, 8)}),
        (t.grade_output_head, t.head_three_by_three, {}),
        (t.grade_output_head, t.head_always_relu, {}),
        (t.grade_output_head, t.head_always_sigmoid, {"activation": None}),
        (t.grade_output_head, t.head_one_channel, {"num_classes": 3, "activation": "softmax"}),
        (t.grade_unet, t.unet_without_skips, unet),
        (t.grade_unet, t.unet_explicit, {"reference_model": build_unet((32, 32, 1), base_filters=8,
                                                                       depth=2)}),
        (t.grade_dice, lambda a, b: np.sum(a * b) / (np.sum(a) + np.sum(b)), {}),
        (t.grade_dice, lambda a, b: np.sum(a * b) / (np.sum(a) + np.sum(b) - np.sum(a * b)), {}),
        (t.grade_dice, lambda a, b: 1 - t.dice_numpy(a, b), {}),
        (t.grade_dice, lambda a, b: None, {}),
        (t.grade_bce_dice, lambda a, b: t.bce_dice_numpy(a, b) - 1 + t.dice_numpy(a, b), {}),
        (t.grade_bce_dice, lambda a, b: 1 - t.dice_numpy(a, b), {}),
        (t.grade_bce_dice, lambda a, b: t.bce_dice_numpy(a, b) - 1 + 2 * t.dice_numpy(a, b), {}),
        (t.grade_per_class_iou, lambda c: np.diag(c) / np.asarray(c).sum(axis=1), {}),
        (t.grade_per_class_iou, lambda c: 2 * np.diag(c) / (np.sum(c, 0) + np.sum(c, 1)), {}),
        (t.grade_per_class_iou, lambda c: np.diag(c) / np.zeros(len(c)), {}),
        (t.grade_mae, lambda a, b: np.mean((b - a) ** 2), {}),
        (t.grade_mae, lambda a, b: np.mean(b - a), {}),
        (t.grade_output_size, lambda s, d: s - 184, {}),
        (t.grade_output_size, lambda s, d: None, {}),
        (t.grade_overlap_counts, lambda k, s, n: t.overlap_loop(k, s, n)[:n * s, :n * s], {}),
        (t.grade_training_memory, lambda m, b, v=4: t.memory_loop(m, b, v) - 3 * v * sum(
            np.size(w) for w in m.trainable_weights), {}),
        (t.grade_training_memory, lambda m, b, v=4: t.memory_loop(m, 1, v), {}),
        (t.grade_training_memory, lambda m, b, v=4: v * (b * sum(
            np.prod(layer.output.shape[1:]) for layer in m.layers[1:]) + 4 * m.count_params()), {}),
    ]


@pytest.mark.usefixtures("fresh_keras_session")
@pytest.mark.filterwarnings("ignore:divide by zero")
def test_every_message_the_guide_quotes_is_what_a_grader_prints():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for grader, function, options in wrong_answers():
            assert grader(function, **options) is False
    findings = [line for line in printed.getvalue().splitlines() if line.startswith("✗")]
    quoted = [double or single for row in table_after("grader table")
              for double, single in re.findall(r"``(.+?)``|`([^`]+)`", row[2])]
    assert len(quoted) >= 25
    for message in quoted:
        assert any(message in line for line in findings), f"no grader prints {message!r}"
