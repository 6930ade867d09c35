"""The skip-connection explorer: per-image Dice and boundary error of two models, the widget."""

import numpy as np
import pytest

from unet_helpers.colours import ERROR_COLOURS
from unet_helpers.explorer_layout import explorer_readout, set_control
from unet_helpers.scores import boundary_error
from unet_helpers.segmentation_plots import error_map
from unet_helpers.skip_explorer import (format_skip_readout, per_image_scores, show_skip_figure,
                                        skip_explorer, skip_figure, skip_scores)
from unet_helpers.synthetic import synthetic_cells


def _square(top, left, height, width, size=8):
    mask = np.zeros((size, size, 1), "float32")
    mask[top:top + height, left:left + width] = 1
    return mask


@pytest.fixture(scope="module")
def held_out():
    """Synthetic cells, and two made-up 'models': the truth shifted by one pixel (close) and
    the truth grown by two pixels in every direction (blobby, like the model without skips)."""
    from scipy.ndimage import binary_dilation

    images, masks = synthetic_cells(6, 48, seed=3)
    close = np.roll(masks, 1, axis=2)
    blobby = np.stack([binary_dilation(m[..., 0], iterations=2)[..., None] for m in masks])
    return images, masks, close, blobby.astype("float32")


def test_dice_per_image_by_hand():
    truth = np.stack([_square(0, 0, 4, 4), _square(0, 0, 4, 4)])          # 16 pixels each
    guess = np.stack([_square(0, 0, 2, 4), _square(0, 0, 4, 4)])          # 8 of them; all
    scores = per_image_scores(truth, guess)
    np.testing.assert_allclose(scores["dice"], [2 * 8 / (16 + 8), 1.0], atol=1e-6)
    assert scores["boundary"][1] == 0.0                                   # same outline


def test_boundary_per_image_averages_to_the_set_score(held_out):
    _, masks, close, blobby = held_out
    for predicted in (close, blobby):
        scores = per_image_scores(masks, predicted)
        assert scores["boundary"].shape == scores["dice"].shape == (6,)
        assert np.nanmean(scores["boundary"]) == pytest.approx(boundary_error(masks, predicted))
        for i in range(6):
            assert scores["boundary"][i] == pytest.approx(boundary_error(masks[i:i + 1],
                                                                         predicted[i:i + 1]))
    blobby_scores = per_image_scores(masks, blobby)
    assert np.all(per_image_scores(masks, close)["dice"] > blobby_scores["dice"])
    assert np.all(blobby_scores["boundary"] >= 1.5)     # outlines moved out by two pixels


def test_an_empty_prediction_has_no_boundary_error_and_dice_zero():
    truth = np.stack([_square(2, 2, 4, 4)])
    scores = per_image_scores(truth, np.zeros_like(truth))
    assert scores["dice"][0] == 0.0 and np.isnan(scores["boundary"][0])
    both = skip_scores(truth, truth, np.zeros_like(truth))
    assert format_skip_readout(both, 0) == ("image 0: Dice 1.00 with skips vs 0.00 without; "
                                            "boundary error 0.0 px vs n/a (no outline)")


def test_skip_scores_and_the_readout(held_out):
    _, masks, close, blobby = held_out
    scores = skip_scores(masks, close, blobby)
    assert sorted(scores) == ["boundary_with", "boundary_without", "dice_with", "dice_without"]
    np.testing.assert_array_equal(scores["dice_without"], per_image_scores(masks, blobby)["dice"])
    line = format_skip_readout(scores, 3)
    assert line == (f"image 3: Dice {scores['dice_with'][3]:.2f} with skips vs "
                    f"{scores['dice_without'][3]:.2f} without; boundary error "
                    f"{scores['boundary_with'][3]:.1f} px vs "
                    f"{scores['boundary_without'][3]:.1f} px")


@pytest.mark.parametrize("call, match", [
    (lambda m: per_image_scores(m, m * 0.7), "threshold them first"),
    (lambda m: per_image_scores(m, m[:, :32]), "differ in shape"),
    (lambda m: per_image_scores(m[..., 0], m[..., 0]), "4 axes"),
    (lambda m: skip_scores(m, m, m[:3]), "differ in shape"),
    (lambda m: format_skip_readout(skip_scores(m, m, m), 6), "from 0 to 5"),
    (lambda m: skip_figure(m, m, m, m, 0, view="probabilities"), "view must be one of"),
])
def test_bad_arguments_are_refused(held_out, call, match):
    with pytest.raises(ValueError, match=match):
        call(held_out[1])


def test_error_colours_read_for_colour_blind_readers_and_in_grayscale():
    """The caption's claim: white, orange, blue and black differ in lightness alone."""
    truth = np.array([[1, 1], [0, 0]], "float32")[..., None]
    guess = np.array([[1, 0], [1, 0]], "float32")[..., None]
    rgb = error_map(truth, guess)
    names = ["true positive", "false negative", "false positive", "true negative"]
    assert [tuple(rgb.reshape(-1, 3)[i]) for i in range(4)] == [ERROR_COLOURS[n] for n in names]
    linear = lambda c: np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)  # noqa
    luminance = [float(linear(np.array(ERROR_COLOURS[n])) @ [0.2126, 0.7152, 0.0722])
                 for n in ("true positive", "false positive", "false negative", "true negative")]
    assert luminance == sorted(luminance, reverse=True)          # white > orange > blue > black
    assert min(-np.diff(luminance)) > 0.05
    orange, blue = ERROR_COLOURS["false positive"], ERROR_COLOURS["false negative"]
    assert orange[0] > orange[2] and blue[2] > blue[0]           # a yellow-blue pair, no red-green


def test_skip_figure_without_pyplot(held_out):
    import matplotlib.pyplot as plt

    images, masks, close, blobby = held_out
    before = plt.get_fignums()
    figure = skip_figure(images, masks, close, blobby, 2)
    assert plt.get_fignums() == before
    titles = [ax.get_title() for ax in figure.axes]
    scores = skip_scores(masks, close, blobby)
    assert titles == ["image 2", "true mask", f"with skips: Dice {scores['dice_with'][2]:.2f}",
                      f"without skips: Dice {scores['dice_without'][2]:.2f}", "all 6 images"]
    np.testing.assert_array_equal(figure.axes[3].images[0].get_array(),
                                  error_map(masks[2], blobby[2]))
    assert "colour blindness" in figure.get_supxlabel()


def test_skip_explorer_follows_its_controls(held_out):
    images, masks, close, blobby = held_out
    explorer = skip_explorer(images, masks, close, blobby)
    assert [c.description for c in explorer.controls.values()] == ["image", "show"]
    assert explorer.controls["index"].max == 5
    assert explorer.controls["index"].continuous_update is False
    scores = skip_scores(masks, close, blobby)
    assert explorer_readout(explorer) == format_skip_readout(scores, 0)
    picture = explorer.children[2].value
    set_control(explorer, "index", 1)                          # one keyboard step right
    assert explorer_readout(explorer) == format_skip_readout(scores, 1)
    assert explorer.children[2].value != picture
    picture = explorer.children[2].value
    set_control(explorer, "view", "masks")                     # same numbers, other panels
    assert explorer_readout(explorer) == format_skip_readout(scores, 1)
    assert explorer.children[2].value != picture
    with pytest.raises(ValueError, match="from 0 to 5"):
        skip_explorer(images, masks, close, blobby, index=6)


def test_show_skip_figure_shows_a_png_and_returns_the_scores(held_out, capsys):
    images, masks, close, blobby = held_out
    scores = show_skip_figure(images, masks, close, blobby, index=1)
    assert "Image object" in capsys.readouterr().out
    np.testing.assert_array_equal(scores["dice_with"],
                                  skip_scores(masks, close, blobby)["dice_with"])
