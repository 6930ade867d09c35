"""The shipped sample data: regenerated pixel for pixel, never overwritten without --force."""

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
