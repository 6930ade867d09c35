"""The shipped sample data: regenerated pixel for pixel, never overwritten without --force."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from unet_helpers.folders import load_folder
from unet_helpers.sample_data import main, sample_file_names, write_sample_data

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "cells"


def pixels(path):
    with Image.open(path) as image:
        return np.asarray(image)


def test_shipped_data_is_complete():
    for folder in ("images", "masks"):
        assert sorted(p.name for p in (SHIPPED / folder).glob("*.png")) == sample_file_names()


def test_regenerating_gives_the_same_pixels(tmp_path):
    write_sample_data(tmp_path)
    for folder in ("images", "masks"):
        for name in sample_file_names():
            np.testing.assert_array_equal(pixels(tmp_path / folder / name),
                                          pixels(SHIPPED / folder / name))


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    write_sample_data(tmp_path, count=2)
    mine = tmp_path / "images" / "cell_000.png"
    mine.write_bytes(b"the learner's own file")
    assert main(["--out", str(tmp_path), "--count", "2"]) == 1
    assert "Nothing was written" in capsys.readouterr().err
    assert mine.read_bytes() == b"the learner's own file"
    with pytest.raises(FileExistsError):
        write_sample_data(tmp_path, count=2)
    assert main(["--out", str(tmp_path), "--count", "2", "--force"]) == 0
    assert mine.read_bytes() != b"the learner's own file"


def test_shipped_masks_are_0_255_and_load_as_0_1():
    assert set(np.unique(pixels(SHIPPED / "masks" / "cell_000.png")).tolist()) == {0, 255}
    images, masks = load_folder(SHIPPED / "images", SHIPPED / "masks")
    assert images.shape == masks.shape == (48, 128, 128, 1)
    assert set(np.unique(masks).tolist()) == {0.0, 1.0}


def snapshot(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("arguments, words", [
    (["--count", "0"], "count must be a whole number >= 1 (e.g. --count 48), got 0."),
    (["--count", "-3"], "count must be a whole number >= 1 (e.g. --count 48), got -3."),
    (["--size", "4"], "size must be a whole number >= 8 (e.g. --size 128), got 4."),
    (["--size", "0"], "size must be a whole number >= 8 (e.g. --size 128), got 0."),
    (["--seed", "-1"], "seed must be a whole number >= 0 (e.g. --seed 2026), got -1."),
    (["--count", "ten"], "invalid int value: 'ten' (see python -m unet_helpers.sample_data"),
    (["--colour"], "unrecognized arguments: --colour (see python -m unet_helpers.sample_data"),
])
def test_bad_arguments_get_one_error_line_and_exit_code_2(tmp_path, capsys, arguments, words):
    out = tmp_path / "out"
    assert main(["--out", str(out)] + arguments) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ")
    assert captured.err.count("\n") == 1 and words in captured.err
    assert "Traceback" not in captured.err and not out.exists()


def test_out_pointing_to_a_file_is_refused_and_the_file_kept(tmp_path, capsys):
    mine = tmp_path / "notes.txt"
    mine.write_text("the learner's own file")
    assert main(["--out", str(mine), "--count", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "notes.txt' is a file, not a folder. Nothing was written" in err and "--out" in err
    assert mine.read_text() == "the learner's own file" and snapshot(tmp_path) == ["notes.txt"]


def test_out_in_a_read_only_place_is_refused_before_writing(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.access(locked, os.W_OK):          # root writes anywhere: let os.access say no
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != locked
                            and real_access(path, mode))
    try:
        assert main(["--out", str(locked / "cells"), "--count", "2"]) == 2
    finally:
        locked.chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot write under") and err.count("\n") == 1
    assert "is read-only. Nothing was written: choose a folder you can write to" in err
    assert snapshot(tmp_path) == ["locked"]


def test_a_folder_the_system_refuses_is_reported_without_a_traceback(tmp_path, monkeypatch,
                                                                      capsys):
    def refuse(self, *args, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(self))
    monkeypatch.setattr(Path, "mkdir", refuse)  # a read-only file system os.access misses
    assert main(["--out", str(tmp_path / "cells"), "--count", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot create") and "(Operation not permitted)" in err
    assert snapshot(tmp_path) == []


@pytest.mark.parametrize("keywords, words", [
    (dict(count=0), "count must be a whole number >= 1"),
    (dict(count=2.0), "got 2.0: write it without the decimal point, 2"),
    (dict(count="2"), "got '2': pass a number, not text"),
    (dict(size=7), "size must be a whole number >= 8"),
    (dict(size=None), "size must be a whole number >= 8"),
    (dict(seed=-1), "seed must be a whole number >= 0"),
    (dict(seed=1.5), "seed must be a whole number >= 0"),
    (dict(force="yes"), "force must be True or False"),
])
def test_write_sample_data_checks_its_arguments_before_writing(tmp_path, keywords, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        write_sample_data(tmp_path / "out", **{"count": 2, **keywords})
    assert snapshot(tmp_path) == []


@pytest.mark.parametrize("out", [None, 3, ["data"]])
def test_write_sample_data_needs_a_folder_path(out):
    with pytest.raises(ValueError, match="out must be a folder path"):
        write_sample_data(out, count=1)


@pytest.mark.parametrize("count", [0, -1, 1.0, "3", True])
def test_sample_file_names_needs_a_whole_count(count):
    with pytest.raises(ValueError, match="count must be a whole number >= 1"):
        sample_file_names(count)


def test_the_command_line_reports_a_bad_argument_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "unet_helpers.sample_data", "--out",
                             str(tmp_path / "cells"), "--count", "0"],
                            capture_output=True, text=True, cwd=SHIPPED.parent.parent, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("error: count must be a whole number >= 1 (e.g. --count 48), "
                             "got 0.\n")
    assert snapshot(tmp_path) == []
