"""The receptive-field formula, checked by hand and by measuring gradients."""

import pytest

from unet_helpers.receptive_field import measured_receptive_field, receptive_field_sizes


def test_receptive_field_by_hand():
    # encoder 1: 1 + 2 + 2 = 5; pool: +1, jump 2; encoder 2: 6 + 4 + 4 = 14; pool: +2, jump 4;
    # encoder 3: 16 + 8 + 8 = 32; pool: +4, jump 8; encoder 4: 36 + 16 + 16 = 68;
    # pool: +8, jump 16; bridge: 76 + 32 + 32 = 140
    assert receptive_field_sizes(4) == {"encoder 1": 5, "encoder 2": 14, "encoder 3": 32,
                                        "encoder 4": 68, "bridge": 140}
    assert receptive_field_sizes(1) == {"encoder 1": 5, "bridge": 14}


@pytest.mark.parametrize("level, expected", [(1, 5), (2, 14), (3, 32), (4, 68), (5, 140)])
def test_gradients_agree_with_the_formula(level, expected):
    side, gradient = measured_receptive_field(level)
    assert side == expected
    assert gradient.shape == (192, 192)
