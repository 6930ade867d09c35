"""stream_folder: the same arrays as load_folder, the same refusals with the same messages (before
the first batch), images and masks kept together by shuffling and augmentation, and model.fit."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from unet_helpers.folders import VOC_VOID_COLOUR, load_folder
from unet_helpers.sample_data import write_sample_data
from unet_helpers.streaming import scan_folder, stream_folder


def save(path, array, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, **options)


def collect(dataset):
    """Every batch of one epoch, concatenated: ``(N, H, W, C)`` images, ``(N, H, W, 1)`` masks."""
    images, masks = zip(*[(i.numpy(), m.numpy()) for i, m in dataset])
    return np.concatenate(images), np.concatenate(masks)


@pytest.fixture
def cells(tmp_path):
    """Five sample cells, 16x16; cell_001's mask stored as 0/1 (the others 0/255) and
    cell_002's image in colour (so every image becomes RGB, as in load_folder)."""
    write_sample_data(tmp_path, count=5, size=16)
    images, masks = tmp_path / "images", tmp_path / "masks"
    mask = np.asarray(Image.open(masks / "cell_001.png"))
    save(masks / "cell_001.png", (mask // 255).astype(np.uint8))
    gray = np.asarray(Image.open(images / "cell_002.png"))
    save(images / "cell_002.png", np.stack([gray, gray // 2, 255 - gray], axis=-1))
    return images, masks


@pytest.mark.parametrize("size", [None, (8, 12)])
def test_streams_exactly_what_load_folder_returns(cells, size):
    expected = load_folder(*cells, size=size)
    assert sorted(np.unique(expected[1])) == [0.0, 1.0]       # the 0/1 file too
    dataset = stream_folder(*cells, batch_size=2, size=size, shuffle=False)
    height, width = size or (16, 16)
    assert dataset.element_spec[0].shape.as_list() == [None, height, width, 3]
    assert dataset.element_spec[1].shape.as_list() == [None, height, width, 1]
    images, masks = collect(dataset)
    assert images.dtype == masks.dtype == np.float32
    assert np.array_equal(images, expected[0]) and np.array_equal(masks, expected[1])


def test_scan_reports_shape_and_which_masks_are_divided(cells):
    scan = scan_folder(*cells, size=12)
    assert [image.name for image, _ in scan.pairs] == [f"cell_00{i}.png" for i in range(5)]
    assert scan.shape == (12, 12, 3)
    assert scan.divide == [True, False, True, True, True]
    assert scan.values.tolist() == [0.0, 1.0]


def test_class_ids_need_task_classes(tmp_path):
    for i in range(2):
        save(tmp_path / "i" / f"{i}.png", np.full((8, 8), 50 * i, np.uint8))
        save(tmp_path / "m" / f"{i}.png", np.array([[0, 1, 2, 3]] * 8, np.uint8).repeat(2, 1))
    with pytest.raises(ValueError, match="task='classes', num_classes=4"):
        stream_folder(tmp_path / "i", tmp_path / "m")
    with pytest.raises(ValueError, match="Use num_classes=4"):
        stream_folder(tmp_path / "i", tmp_path / "m", task="classes", num_classes=3)
    images, masks = collect(stream_folder(tmp_path / "i", tmp_path / "m", task="classes",
                                          num_classes=4, shuffle=False))
    expected = load_folder(tmp_path / "i", tmp_path / "m")
    assert np.array_equal(images, expected[0]) and np.array_equal(masks, expected[1])


def _voc_mask(path):
    mask = Image.fromarray(np.array([[0, 255]] * 8, np.uint8).repeat(4, 1))   # 8x8
    palette = [0] * 768
    palette[765:768] = VOC_VOID_COLOUR
    mask.putpalette(palette)                 # now a palette ("P") image
    mask.save(path)


def _break(case, images, masks):
    """Spoil a good folder of three 8x8 pairs (a, b, c) the way ``case`` names."""
    ones = np.zeros((8, 8), np.uint8)
    ones[2:6, 2:6] = 1
    if case == "jpeg 0/1 mask":
        (masks / "b.png").unlink()
        save(masks / "b.jpg", ones, quality=90)
    elif case == "values neither binary nor ids":
        save(masks / "b.png", ones * 100 + np.eye(8, dtype=np.uint8))
    elif case == "void 255 next to ids":
        save(masks / "b.png", ones + np.where(np.eye(8) > 0, 255, 0).astype(np.uint8))
    elif case == "voc palette":
        _voc_mask(masks / "b.png")
    elif case == "0/255 next to class ids":
        save(masks / "b.png", ones * 2 + np.eye(8, dtype=np.uint8))
    elif case == "every mask empty":
        for name in ("a", "b", "c"):
            save(masks / f"{name}.png", np.zeros((8, 8), np.uint8))
    elif case == "colour mask":
        save(masks / "b.png", np.stack([ones * 255, ones, ones], axis=-1))
    elif case == "mask of another size":
        save(masks / "b.png", np.zeros((8, 9), np.uint8))
    elif case == "images of different sizes":
        save(images / "b.png", np.zeros((10, 10), np.uint8))
        save(masks / "b.png", np.pad(ones, 1) * 255)
    elif case == "unreadable image":
        (images / "b.png").write_bytes(b"not a picture")
    elif case == "float image outside [0, 1]":   # a's is fine, so b's must be read too
        for name, top in (("a", 1), ("b", 2)):
            (images / f"{name}.png").unlink()
            save(images / f"{name}.tif", np.linspace(0, top, 64, dtype=np.float32).reshape(8, 8))
    elif case == "unpaired file":
        save(images / "d.png", np.zeros((8, 8), np.uint8))


CASES = ["jpeg 0/1 mask", "values neither binary nor ids", "void 255 next to ids",
         "voc palette", "0/255 next to class ids", "every mask empty", "colour mask",
         "mask of another size", "images of different sizes", "unreadable image",
         "float image outside [0, 1]", "unpaired file"]


@pytest.fixture
def small(tmp_path):
    images, masks = tmp_path / "images", tmp_path / "masks"
    for i, name in enumerate("abc"):
        save(images / f"{name}.png", np.full((8, 8), 40 * i, np.uint8))
        mask = np.zeros((8, 8), np.uint8)
        mask[i:i + 4, 2:6] = 255
        save(masks / f"{name}.png", mask)
    return images, masks


@pytest.mark.parametrize("case", CASES)
def test_refuses_what_load_folder_refuses_with_its_message(small, case):
    _break(case, *small)
    with pytest.raises(ValueError) as expected:
        load_folder(*small)
    with pytest.raises(type(expected.value)) as got:
        stream_folder(*small)             # raised here, before any batch
    assert str(got.value) == str(expected.value)


def test_bad_size_same_message_as_load_folder(small):
    with pytest.raises(ValueError) as expected:
        load_folder(*small, size=(8, 0))
    with pytest.raises(ValueError) as got:
        stream_folder(*small, size=(8, 0))
    assert str(got.value) == str(expected.value)


def test_corrupt_pixels_fail_at_their_batch_with_load_folder_message(small):
    images, _ = small
    save(images / "b.png", np.random.default_rng(0).integers(0, 256, (8, 8), dtype=np.uint8))
    data = (images / "b.png").read_bytes()
    (images / "b.png").write_bytes(data[:len(data) // 2])  # the header reads, the pixels do not
    with pytest.raises(ValueError) as expected:
        load_folder(*small)
    dataset = stream_folder(*small, batch_size=2, shuffle=False)
    with pytest.raises(tf.errors.InvalidArgumentError) as got:
        next(iter(dataset))
    assert "b.png" in str(expected.value) and "Is the file complete" in str(expected.value)
    assert str(expected.value) in str(got.value).splitlines()[0]


@pytest.mark.parametrize("option, message", [
    ({"batch_size": 0}, "batch_size must be a positive integer"),
    ({"shuffle": "yes"}, "shuffle must be True or False"),
    ({"augment": 1}, "augment must be True or False"),
    ({"seed": -1}, "seed must be a whole number >= 0"),
    ({"task": "regression"}, "task must be 'binary' .* or 'classes'"),
    ({"task": "classes"}, "task='classes' needs num_classes"),
    ({"task": "classes", "num_classes": 1}, "num_classes must be a whole number >= 2"),
    ({"num_classes": 3}, "num_classes is for task='classes' only"),
])
def test_bad_arguments_name_the_fix(small, option, message):
    with pytest.raises(ValueError, match=message):
        stream_folder(*small, **option)


def test_shuffle_keeps_pairs_together_and_repeats_with_a_seed(cells):
    expected_images, expected_masks = load_folder(*cells)
    first = collect(stream_folder(*cells, batch_size=3, seed=7))
    again = collect(stream_folder(*cells, batch_size=3, seed=7))
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    order = [next(k for k, image in enumerate(expected_images) if np.array_equal(image, streamed))
             for streamed in first[0]]
    assert sorted(order) == list(range(5)) and order != list(range(5))
    assert np.array_equal(first[1], expected_masks[order])


def test_augmentation_moves_an_image_and_its_mask_together(tmp_path):
    rng = np.random.default_rng(3)
    for i in range(6):
        image = rng.integers(0, 256, (8, 8), dtype=np.uint8)
        save(tmp_path / "i" / f"{i}.png", image)
        save(tmp_path / "m" / f"{i}.png", np.where(image > 127, 255, 0).astype(np.uint8))
    plain = collect(stream_folder(tmp_path / "i", tmp_path / "m", shuffle=False))
    assert np.array_equal(plain[1], plain[0] > 0.5)     # the mask is the thresholded image
    images, masks = collect(stream_folder(tmp_path / "i", tmp_path / "m", shuffle=False,
                                          augment=True, seed=1))
    assert sum(not np.array_equal(a, b) for a, b in zip(images, plain[0])) >= 3  # moved
    assert np.array_equal(masks, images > 0.5)          # ... and the masks with them
    assert np.array_equal(np.sort(images, axis=None), np.sort(plain[0], axis=None))


@pytest.mark.usefixtures("fresh_keras_session")
def test_model_fit_trains_on_the_stream(tmp_path):
    from unet_helpers.model import build_small_unet
    from unet_helpers.training import compile_binary

    write_sample_data(tmp_path, count=4, size=16)
    dataset = stream_folder(tmp_path / "images", tmp_path / "masks", batch_size=2)
    model = build_small_unet(16, base_filters=2, depth=1)
    compile_binary(model)
    history = model.fit(dataset, epochs=1, steps_per_epoch=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])
