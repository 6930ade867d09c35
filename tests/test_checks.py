"""Every input check raises a ValueError (or NotImplementedError) whose message names the fix."""

import pytest

from unet_helpers import build_unet, nearby_valid_sizes
from unet_helpers.checks import check_input_shape


def test_size_not_divisible_names_sizes_that_work():
    with pytest.raises(ValueError) as error:
        build_unet((100, 100, 3))
    message = str(error.value)
    assert "96" in message and "112" in message and "2**depth = 16" in message


def test_width_is_checked_too():
    with pytest.raises(ValueError, match="width 90 .* 88 or 96"):
        build_unet((64, 90, 3), depth=3)


@pytest.mark.parametrize("size, depth, expected", [
    (100, 4, (96, 112)), (358, 4, (352, 368)), (572, 4, (560, 576)), (128, 4, (128, 128)),
    (10, 3, (8, 16)),
])
def test_nearby_valid_sizes(size, depth, expected):
    assert nearby_valid_sizes(size, depth) == expected


def test_depth_too_large_for_the_size():
    with pytest.raises(ValueError, match="depth=5 is too large .* Use depth <= 4"):
        build_unet((16, 16, 1), depth=5)


@pytest.mark.parametrize("depth", [0, -1, 2.5, True])
def test_depth_must_be_a_positive_integer(depth):
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        build_unet((64, 64, 1), depth=depth)


@pytest.mark.parametrize("filters", [0, -8, 16.0])
def test_filters_must_be_positive(filters):
    with pytest.raises(ValueError, match="filters must be a positive integer"):
        build_unet((64, 64, 1), base_filters=filters)


def test_missing_channel_axis():
    with pytest.raises(ValueError, match=r"Add the channel axis: \(64, 64, 1\)"):
        build_unet((64, 64))


def test_batch_axis_included_by_mistake():
    with pytest.raises(ValueError, match=r"Leave out the batch axis: use \(64, 64, 3\)"):
        build_unet((8, 64, 64, 3))


def test_not_a_shape_at_all():
    with pytest.raises(ValueError, match="must be a tuple"):
        build_unet(64)


def test_channels_must_be_positive():
    with pytest.raises(ValueError, match="channels must be a positive integer"):
        build_unet((64, 64, 0))


def test_unknown_activation():
    with pytest.raises(ValueError, match="Unknown output_activation 'relu'.*'sigmoid'"):
        build_unet((64, 64, 1), output_activation="relu")


def test_softmax_with_one_class_is_refused():
    with pytest.raises(ValueError, match="softmax over a single channel always outputs 1.0"):
        build_unet((64, 64, 1), output_activation="softmax")


def test_num_classes_must_be_positive():
    with pytest.raises(ValueError, match="num_classes must be a positive integer"):
        build_unet((64, 64, 1), num_classes=0)


def test_unpadded_size_that_does_not_work_names_sizes_that_do():
    with pytest.raises(ValueError, match="Sizes that work nearby: 556 or 572"):
        build_unet((570, 570, 1), padding="valid", batch_norm=False)


def test_unpadded_size_rules():
    from unet_helpers.checks import nearby_unpadded_sizes, unpadded_output_size

    assert unpadded_output_size(572, 4) == 388
    assert unpadded_output_size(570, 4) is None
    assert unpadded_output_size(60, 4) is None            # too small: the bridge would vanish
    assert nearby_unpadded_sizes(570, 4) == (556, 572)
    assert nearby_unpadded_sizes(572, 4) == (572, 572)
    assert unpadded_output_size(188, 4) == 4


def test_unknown_padding():
    with pytest.raises(ValueError, match="padding must be 'same' or 'valid'"):
        build_unet((64, 64, 1), padding="reflect")


def test_unknown_sizes_are_accepted():
    assert check_input_shape((None, None, 3), 4) == (None, None, 3)
    model = build_unet((None, None, 3), base_filters=4, depth=2)
    assert model.output.shape == (None, None, None, 1)
