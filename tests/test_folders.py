"""load_folder and read_image: pairing, reading and scaling, mask conventions, resizing, and
every error they promise."""

import numpy as np
import pytest
from PIL import Image

from unet_helpers.folders import load_folder, pair_files, read_image, read_mask


def save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


@pytest.fixture
def folders(tmp_path):
    images, masks = tmp_path / "images", tmp_path / "masks"
    rng = np.random.default_rng(0)
    for i in range(3):
        save(images / f"cell_{i}.png", rng.integers(0, 256, (32, 48), dtype=np.uint8))
        mask = np.zeros((32, 48), np.uint8)
        mask[8:20, 10 + i:30] = 255
        save(masks / f"cell_{i}.png", mask)
    return images, masks


def test_binary_masks_stored_as_0_255_become_0_1(folders):
    images, masks = load_folder(*folders)
    assert images.shape == (3, 32, 48, 1) and images.dtype == np.float32
    assert masks.shape == (3, 32, 48, 1) and masks.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert set(np.unique(masks)) == {0.0, 1.0}


def test_binary_masks_stored_as_0_1(tmp_path):
    save(tmp_path / "i" / "a.png", np.full((8, 8), 200, np.uint8))
    mask = np.zeros((8, 8), np.uint8)
    mask[2:5, 2:5] = 1
    save(tmp_path / "m" / "a.png", mask)
    _, masks = load_folder(tmp_path / "i", tmp_path / "m")
    assert masks.sum() == 9 and masks.max() == 1.0


def test_class_id_masks_are_kept_as_ids(tmp_path):
    save(tmp_path / "i" / "a.png", np.zeros((8, 8, 3), np.uint8))
    save(tmp_path / "m" / "a.png", np.array([[0, 1, 2, 3]] * 8, np.uint8).repeat(2, axis=1))
    images, masks = load_folder(tmp_path / "i", tmp_path / "m")
    assert images.shape == (1, 8, 8, 3)
    assert sorted(np.unique(masks).tolist()) == [0.0, 1.0, 2.0, 3.0]


def test_pairs_by_stem_across_extensions(tmp_path):
    save(tmp_path / "i" / "b.jpg", np.zeros((8, 8, 3), np.uint8))
    save(tmp_path / "i" / "a.tif", np.zeros((8, 8), np.uint8))
    save(tmp_path / "m" / "a.png", np.zeros((8, 8), np.uint8))
    save(tmp_path / "m" / "b.PNG", np.zeros((8, 8), np.uint8))
    pairs = pair_files(tmp_path / "i", tmp_path / "m")
    assert [(i.name, m.name) for i, m in pairs] == [("a.tif", "a.png"), ("b.jpg", "b.PNG")]
    images, _ = load_folder(tmp_path / "i", tmp_path / "m")
    assert images.shape == (2, 8, 8, 3)  # grayscale and RGB mixed: all become RGB


def test_resize_keeps_mask_labels(folders):
    images, masks = load_folder(*folders, size=(20, 30))
    assert images.shape == (3, 20, 30, 1) and masks.shape == (3, 20, 30, 1)
    assert set(np.unique(masks)) <= {0.0, 1.0}


def test_resize_with_an_int(folders):
    images, masks = load_folder(*folders, size=16)
    assert images.shape[1:3] == masks.shape[1:3] == (16, 16)


def test_empty_folder(tmp_path, folders):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="images folder .*empty.* has no images"):
        load_folder(tmp_path / "empty", folders[1])


def test_missing_folder(tmp_path, folders):
    with pytest.raises(FileNotFoundError, match="masks folder .* does not exist"):
        load_folder(folders[0], tmp_path / "nope")


def test_unpaired_files_are_listed(folders):
    images, masks = folders
    (masks / "cell_2.png").rename(masks / "cell_9.png")
    save(images / "extra.png", np.zeros((32, 48), np.uint8))
    with pytest.raises(ValueError) as error:
        load_folder(images, masks)
    message = str(error.value)
    assert "images without a mask: cell_2.png, extra.png" in message
    assert "masks without an image: cell_9.png" in message


def test_size_mismatch_between_image_and_mask(folders):
    images, masks = folders
    save(masks / "cell_1.png", np.zeros((30, 48), np.uint8))
    with pytest.raises(ValueError, match="cell_1.png is 32x48 but its mask cell_1.png is 30x48"):
        load_folder(images, masks)


def test_images_of_different_sizes_need_a_size(tmp_path):
    save(tmp_path / "i" / "a.png", np.zeros((8, 8), np.uint8))
    save(tmp_path / "m" / "a.png", np.zeros((8, 8), np.uint8))
    save(tmp_path / "i" / "b.png", np.zeros((16, 16), np.uint8))
    save(tmp_path / "m" / "b.png", np.zeros((16, 16), np.uint8))
    with pytest.raises(ValueError, match="different sizes .* Pass size="):
        load_folder(tmp_path / "i", tmp_path / "m")
    images, _ = load_folder(tmp_path / "i", tmp_path / "m", size=8)
    assert images.shape == (2, 8, 8, 1)


def test_unreadable_file(folders):
    images, masks = folders
    (images / "cell_0.png").write_bytes(b"not a png at all")
    with pytest.raises(ValueError, match="Cannot read .*cell_0.png"):
        load_folder(images, masks)


def test_mask_values_neither_binary_nor_ids(folders):
    images, masks = folders
    blurred = np.linspace(0, 255, 32 * 48).reshape(32, 48).astype(np.uint8)
    save(masks / "cell_0.png", blurred)
    with pytest.raises(ValueError, match="neither binary .* nor small class ids.*JPEG"):
        load_folder(images, masks)


def test_colour_masks_with_different_channels(folders):
    images, masks = folders
    colour = np.zeros((32, 48, 3), np.uint8)
    colour[:, :, 0] = 255
    save(masks / "cell_0.png", colour)
    with pytest.raises(ValueError, match="in colour"):
        load_folder(images, masks)


def test_read_mask_resizes_with_nearest_neighbour(tmp_path):
    mask = np.zeros((10, 10), np.uint8)
    mask[:, 5:] = 255
    save(tmp_path / "m.png", mask)
    assert set(np.unique(read_mask(tmp_path / "m.png", size=(7, 7))).tolist()) == {0, 255}


def test_read_image_scales_8_bit_by_255(tmp_path):
    pixels = np.array([[0, 1, 128, 255], [3, 64, 200, 254]], np.uint8)
    save(tmp_path / "a.png", pixels)
    image = read_image(tmp_path / "a.png")
    assert image.shape == (2, 4, 1) and image.dtype == np.float32
    np.testing.assert_allclose(image[:, :, 0], pixels / 255, rtol=1e-6, atol=0)


def test_read_image_scales_16_bit_by_65535(tmp_path):
    pixels = np.array([[0, 1000, 65535], [300, 40000, 2]], np.uint16)
    save(tmp_path / "a.png", pixels)
    with Image.open(tmp_path / "a.png") as stored:
        assert stored.mode == "I;16"  # really a 16-bit PNG
    image = read_image(tmp_path / "a.png")
    assert image.shape == (2, 3, 1) and image.dtype == np.float32
    np.testing.assert_allclose(image[:, :, 0], pixels / 65535, rtol=1e-6, atol=0)


def test_read_image_keeps_a_float_tiff_inside_0_1(tmp_path):
    pixels = np.array([[0.0, 0.25, 1.0]], np.float32)
    save(tmp_path / "a.tif", pixels)
    np.testing.assert_array_equal(read_image(tmp_path / "a.tif")[:, :, 0], pixels)


@pytest.mark.parametrize("values, shown", [([0.0, 0.5, 2.0], "from 0 to 2"),
                                           ([-0.5, 0.5, 1.0], "from -0.5 to 1")])
def test_read_image_refuses_a_float_tiff_outside_0_1(tmp_path, values, shown):
    save(tmp_path / "a.tif", np.array([values], np.float32))
    with pytest.raises(ValueError, match=f"{shown}, but images must lie in \\[0, 1\\]. Rescale it"):
        read_image(tmp_path / "a.tif")


def test_read_image_colour_keeps_three_channels(tmp_path):
    pixels = np.zeros((4, 6, 3), np.uint8)
    pixels[:, :, 0], pixels[:, :, 2] = 255, 51
    save(tmp_path / "a.png", pixels)
    image = read_image(tmp_path / "a.png")
    assert image.shape == (4, 6, 3)
    np.testing.assert_allclose(image[0, 0], [1.0, 0.0, 0.2], rtol=1e-6)


def test_resize_keeps_class_ids(tmp_path):
    save(tmp_path / "i" / "a.png", np.zeros((8, 8), np.uint8))
    save(tmp_path / "m" / "a.png", np.array([[0, 1, 2, 3]] * 8, np.uint8).repeat(2, axis=1))
    for size in [(5, 7), (6, 6), 13]:
        _, masks = load_folder(tmp_path / "i", tmp_path / "m", size=size)
        assert set(np.unique(masks).tolist()) <= {0.0, 1.0, 2.0, 3.0}
        assert masks.shape[1:] == ((size, size) if isinstance(size, int) else size) + (1,)
