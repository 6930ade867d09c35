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
    save(tmp_path / "m" / "a.png", np.eye(8, dtype=np.uint8))
    save(tmp_path / "m" / "b.PNG", np.eye(8, dtype=np.uint8))
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


def test_the_parent_folder_passed_as_images_dir_says_which_subfolder_to_pass(folders):
    images, masks = folders
    with pytest.raises(ValueError, match=r"has no images .* It holds the folders images, masks: "
                                         r"pass the one with the files"):
        load_folder(images.parent, masks)


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
    save(tmp_path / "m" / "a.png", np.eye(8, dtype=np.uint8))
    save(tmp_path / "i" / "b.png", np.zeros((16, 16), np.uint8))
    save(tmp_path / "m" / "b.png", np.eye(16, dtype=np.uint8))
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
    with pytest.raises(ValueError, match="neither binary .* nor small class ids.*JPEG") as error:
        load_folder(images, masks)
    assert "swapped" not in str(error.value)  # one bad mask among good ones: not a swap


def test_swapped_folders_are_named_as_a_likely_cause(folders):
    images, masks = folders
    with pytest.raises(ValueError, match="Every mask looks like this: are the images and masks "
                                         "folders swapped?"):
        load_folder(masks, images)


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


# --- masks the series cannot be right about: refused, naming the files and the fix ---
def blob_mask(high, shape=(32, 48), shift=0):
    mask = np.zeros(shape, np.uint8)
    mask[8:24, 10 + shift:34 + shift] = high
    return mask


def save_jpeg(path, array, quality):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, "JPEG", quality=quality)


def jpeg_folders(tmp_path, high, quality, count=3):
    rng = np.random.default_rng(0)
    for i in range(count):
        save(tmp_path / "images" / f"cell_{i}.png", rng.integers(0, 256, (32, 48), np.uint8))
        save_jpeg(tmp_path / "masks" / f"cell_{i}.jpg", blob_mask(high, shift=i), quality)
    return tmp_path / "images", tmp_path / "masks"


def stored_values(path):
    with Image.open(path) as image:
        return set(np.unique(np.asarray(image)).tolist())


def test_jpeg_0_1_masks_at_quality_90_gain_a_stray_2_and_are_refused(tmp_path):
    images, masks = jpeg_folders(tmp_path, high=1, quality=90)
    assert any(2 in stored_values(path) for path in masks.iterdir())  # what JPEG really does
    with pytest.raises(ValueError) as error:
        load_folder(images, masks)
    message = str(error.value)
    assert "stored as JPEG (cell_0.jpg, cell_1.jpg, cell_2.jpg)" in message
    assert "JPEG compression changed the labels" in message
    assert "Save masks as PNG" in message and "mask > 127" not in message
    with pytest.raises(ValueError, match="JPEG compression changed the labels"):
        read_mask(masks / "cell_0.jpg")


def test_jpeg_0_1_masks_at_quality_50_lose_their_foreground_and_are_refused(tmp_path):
    images, masks = jpeg_folders(tmp_path, high=1, quality=50)
    assert all(stored_values(path) == {0} for path in masks.iterdir())  # erased, silently
    with pytest.raises(ValueError) as error:
        load_folder(images, masks)
    message = str(error.value)
    assert "JPEG compression changed the labels" in message and "hold 0:" in message
    assert "loses some or all of its foreground" in message and "Save masks as PNG" in message


def test_jpeg_0_255_masks_may_be_thresholded_as_a_last_resort(tmp_path):
    images, masks = jpeg_folders(tmp_path, high=255, quality=90)
    with pytest.raises(ValueError) as error:
        load_folder(images, masks)
    message = str(error.value)
    assert "JPEG compression changed the labels" in message and "Save masks as PNG" in message
    assert "if the originals are lost, threshold these (mask > 127)" in message


def test_a_jpeg_mask_holding_exactly_0_and_255_is_kept(tmp_path):
    save(tmp_path / "i" / "a.png", np.zeros((16, 16), np.uint8))
    checkerboard = np.kron(np.array([[0, 255], [255, 0]], np.uint8), np.ones((8, 8), np.uint8))
    save_jpeg(tmp_path / "m" / "a.jpg", checkerboard, 95)
    assert stored_values(tmp_path / "m" / "a.jpg") == {0, 255}      # 8x8 blocks survive JPEG
    _, masks = load_folder(tmp_path / "i", tmp_path / "m")
    assert set(np.unique(masks).tolist()) == {0.0, 1.0}


def test_every_mask_empty_is_refused(tmp_path):
    for name in ("a", "b"):
        save(tmp_path / "i" / f"{name}.png", np.zeros((8, 8), np.uint8))
        save(tmp_path / "m" / f"{name}.png", np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError) as error:
        load_folder(tmp_path / "i", tmp_path / "m")
    message = str(error.value)
    assert "Every mask is empty (all 2 hold only 0)" in message
    assert "JPEG compression can erase 0/1 masks" in message and "save masks as PNG" in message


def voc_palette():
    palette = [0, 0, 0, 128, 0, 0, 0, 128, 0] + [0, 0, 0] * 252 + [224, 224, 192]
    assert len(palette) == 768
    return palette


def save_palette(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.frombytes("P", array.shape[::-1], array.tobytes())   # indices kept as given
    image.putpalette(voc_palette())
    image.save(path)


@pytest.mark.parametrize("ids", [(0, 1), (0, 15), (0, 1, 2)])
def test_voc_void_border_is_refused_with_the_convention_and_the_fix(tmp_path, ids):
    mask = np.zeros((32, 48), np.uint8)
    mask[8:24, 10:34] = 255                 # the void border ...
    mask[10:22, 12:32] = ids[-1]            # ... around the object
    mask[0:2, 0:2] = ids[-2] if len(ids) > 2 else 0
    save(tmp_path / "images" / "a.png", np.zeros((32, 48, 3), np.uint8))
    save_palette(tmp_path / "masks" / "a.png", mask)
    with Image.open(tmp_path / "masks" / "a.png") as stored:
        assert stored.mode == "P"
    with pytest.raises(ValueError) as error:
        load_folder(tmp_path / "images", tmp_path / "masks")
    message = str(error.value)
    assert "1 mask (a.png) holds 255 next to class ids" in message
    assert "PASCAL VOC convention" in message and "'void'" in message
    assert "mask[mask == 255] = 0" in message and "mask > 127" not in message


def test_voc_palette_mask_of_background_and_void_only_is_not_read_as_foreground(tmp_path):
    mask = np.zeros((16, 16), np.uint8)
    mask[4:12, 4:12] = 255                  # a crop holding void and background only
    save(tmp_path / "i" / "a.png", np.zeros((16, 16), np.uint8))
    save_palette(tmp_path / "m" / "a.png", mask)
    with pytest.raises(ValueError, match="PASCAL VOC convention"):
        load_folder(tmp_path / "i", tmp_path / "m")


def mixed_folders(tmp_path, highs):
    for i, high in enumerate(highs):
        save(tmp_path / "i" / f"m{i}.png", np.zeros((32, 48), np.uint8))
        save(tmp_path / "m" / f"m{i}.png", blob_mask(high, shift=i))
    return tmp_path / "i", tmp_path / "m"


def test_binary_files_mixing_0_1_and_0_255_each_become_0_1(tmp_path):
    _, masks = load_folder(*mixed_folders(tmp_path, [1, 255, 1, 255]))
    assert set(np.unique(masks).tolist()) == {0.0, 1.0}
    assert [int(mask.sum()) for mask in masks] == [16 * 24] * 4


def test_0_255_files_next_to_class_id_files_name_both_groups_and_never_threshold(tmp_path):
    images, masks = mixed_folders(tmp_path, [255, 2, 255, 3, 255, 255, 255])
    with pytest.raises(ValueError) as error:
        load_folder(images, masks)
    message = str(error.value)
    assert "5 masks (m0.png, m2.png, m4.png, m5.png ...) hold 0/255" in message
    assert "2 masks (m1.png, m3.png) hold class ids (0, 2, 3)" in message
    assert "Convert them to one convention" in message
    assert "threshold" not in message and "> 127" not in message


def test_0_1_files_may_sit_among_class_id_files(tmp_path):
    _, masks = load_folder(*mixed_folders(tmp_path, [1, 2, 3]))
    assert sorted(np.unique(masks).tolist()) == [0.0, 1.0, 2.0, 3.0]


# --- arguments: checked before any file is read ---
@pytest.mark.parametrize("size", ["32", 32.0, True, 0, -4, (32,), (32, 32, 3), (32, "32"),
                                  (32.0, 32), (0, 32), (True, 8), [8, -1], {8, 9}])
def test_size_must_be_an_int_or_a_pair_of_ints(folders, size):
    for call in (lambda: load_folder(*folders, size=size),
                 lambda: read_image(folders[0] / "cell_0.png", size=size),
                 lambda: read_mask(folders[1] / "cell_0.png", size=size)):
        with pytest.raises(ValueError) as error:
            call()
        message = str(error.value)
        assert "size must be an int >= 1" in message and "(height, width) pair" in message
        assert repr(size) in message


@pytest.mark.parametrize("size, shape", [(np.int64(16), (16, 16)), ([12, 20], (12, 20)),
                                         ((np.int32(10), 14), (10, 14))])
def test_size_accepts_numpy_integers_and_lists(folders, size, shape):
    images, masks = load_folder(*folders, size=size)
    assert images.shape[1:3] == masks.shape[1:3] == shape


@pytest.mark.parametrize("call, words", [
    (lambda f: load_folder(3, f[1]), "images_dir must be a str or pathlib.Path, got 3"),
    (lambda f: load_folder(f[0], None), "masks_dir must be a str or pathlib.Path, got None"),
    (lambda f: load_folder(f[0], f[0]), "the same folder"),
    (lambda f: pair_files(f[0], 7), "masks_dir must be a str or pathlib.Path, got 7"),
    (lambda f: read_image(["a.png"]), "path must be a str or pathlib.Path"),
    (lambda f: read_mask(b"a.png"), "path must be a str or pathlib.Path"),
])
def test_bad_paths_are_refused_with_a_value_error(folders, call, words):
    with pytest.raises(ValueError, match=words):
        call(folders)


def test_a_file_given_as_a_folder_and_a_missing_file(folders):
    with pytest.raises(NotADirectoryError, match="masks folder .*cell_0.png.* is a file"):
        load_folder(folders[0], folders[1] / "cell_0.png")
    with pytest.raises(FileNotFoundError, match="There is no file .*nope.png.* Check the path"):
        read_image(folders[0] / "nope.png")
