"""unet_helpers: the small helper package of the "U-Net, block by block" notebook series.

One concept per module; the notebooks import each name from the module that holds it
(``from unet_helpers.blocks import conv_block``), so you always know which file to open.

Building the network (notebooks 01–06, 11, 12)
  ``checks``           argument checks for building a U-Net, with messages that name the fix
  ``unpadded``         size arithmetic of the paper's unpadded U-Net (572 -> 388, crops)
  ``blocks``           conv_block, encoder_block, decoder_block
  ``head``             output_head, its activation, and the losses that fit it
  ``model``            build_unet (the reference), build_small_unet (the CPU-sized one)
  ``formulas``         shapes, parameters and MACs by formula (no TensorFlow)
  ``trace``            shapes and parameters read from a built model, as tables
  ``receptive_field``  what one pixel can see: by formula and by gradients
  ``transposed_conv``  one transposed convolution: sizes, one pixel spreading, overlapping taps
  ``upsamplers``       three ways to double H and W, compared; checkerboard strength
  ``tiling``           overlap-tile prediction for the unpadded U-Net
  ``grading``          how the exercise graders decide: by behaviour, not by spelling
  ``block_exercises``  graders for the blocks a learner writes (conv, encoder, decoder, head, U-Net)
  ``block_mistakes``   how those graders name a mistake from the learner's layers
  ``value_exercises``  graders for the exercises that compute numbers (Dice, IoU, MAE, sizes, memory)
  ``value_grading``    how those graders compare numbers and name a mistake (``grade_values``)
Data (07)
  ``synthetic``        synthetic cells, shapes and distance maps, made in memory
  ``folders``          your own images and masks from two folders
  ``sample_data``      write the shipped sample data set (``python -m unet_helpers.sample_data``)
  ``pipeline``         numpy arrays -> a batched, augmented ``tf.data.Dataset``
  ``class_masks``      masks of class ids: check, one-hot, shares
  ``data_checks``      checks of images, binary masks and regression targets, with the fix
  ``diagnosis``        ``diagnose``: a plain-words report on a setup before training
  ``regression_targets``  scaling regression targets; what a sigmoid head can reach
Training and evaluation (08–10)
  ``losses``           BCE + Dice and the binary metrics
  ``training``         the series' defaults, compile helpers per task, progress callbacks
  ``evaluation``       predictions and scores on held-out images
  ``scores``           Dice, IoU, confusion matrix, per-class IoU, errors by value
  ``batchnorm``        stale BatchNorm statistics, measured
  ``memory``           the memory training takes, estimated, against this machine's
Scaling up (13)
  ``streaming``        a ``tf.data`` pipeline that streams image/mask files from two folders
  ``distributed``      one model on several devices: ``split_cpu``, synchronized BatchNorm, a custom step
  ``multi_worker``     ``MultiWorkerMirroredStrategy`` on worker processes (``TF_CONFIG``)
Figures and widgets
  ``colours``          the series' palettes
  ``network_plots``    the U drawing, parameters per block, feature maps
  ``segmentation_plots``  images, masks, predictions, errors, classes, confusion matrix
  ``training_plots``   training curves
  ``regression_plots`` regression error maps
  ``upsampling_plots`` overlap maps of upsamplers
  ``explorer_layout``  the shell every explorer shares: controls, a readout line, a PNG picture
  ``explorers``        the shape explorer: sizes, padding, parameters, training memory (06)
  ``receptive_field_explorer``  what one encoder pixel sees, from gradients, beside the formula (02)
  ``transposed_conv_explorer``  one Conv2DTranspose: output size, overlap map, a pixel spreading (03, 12)
  ``skip_explorer``    what the skip connections buy, image by image (06)
  ``threshold_explorer``  Dice, IoU and errors at a threshold; the best one on validation images (08)
  ``feature_maps``     each block's activations for one image, untrained beside trained (08)
  ``live_training``    a training run's curves and a sample prediction, live, in the notebook (08)
  ``reporting``        a measured number printed with the check it passes, "0.946 (≥ 0.85 ✓)"
  ``startup``          what every notebook's setup cell calls: TensorFlow without its start-up lines

For users outside the series, the most used names can also be imported from the top level
(``from unet_helpers import build_unet``). They are loaded on first use, so importing the
package is instant: it imports no TensorFlow or pyplot, prints nothing, seeds nothing and
changes no matplotlib settings.
"""

import importlib

__version__ = "0.1.0"

_TOP_LEVEL = {
    "blocks": ("conv_block", "encoder_block", "decoder_block"),
    "head": ("output_head", "check_head_and_loss"),
    "model": ("build_unet", "build_small_unet"),
    "checks": ("check_input_shape", "nearby_valid_sizes"),
    "formulas": ("formula_trace", "level_filters"),
    "trace": ("keras_trace", "format_trace", "compare_traces", "block_parameters"),
    "synthetic": ("synthetic_cells", "synthetic_shapes", "synthetic_distance"),
    "folders": ("load_folder",),
    "pipeline": ("make_dataset",),
    "training": ("compile_binary", "compile_multiclass", "compile_regression"),
    "network_plots": ("draw_unet",),
    "segmentation_plots": ("show_image_and_mask",),
}
_MODULE_OF = {name: module for module, names in _TOP_LEVEL.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    """Load a top-level name from its module the first time it is used."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'unet_helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__package__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value  # later uses find it directly
    return value


def __dir__():
    return sorted(set(globals()) | set(_MODULE_OF))
