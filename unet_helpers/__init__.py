"""unet_helpers: the small helper package of the "U-Net, block by block" notebook series.

One module per concept:

- ``blocks``     conv_block, encoder_block, decoder_block (Keras functional API)
- ``model``      build_unet, output_head
- ``checks``     input checks with messages that name the fix
- ``formulas``   shapes and parameter counts from formulas alone (no TensorFlow)
- ``trace``      shapes and parameters read from a built model, as tables
- ``drawing``    a picture of the U with each block's shape
- ``explorer``   the interactive shape explorer (ipywidgets)
- ``data``       small synthetic images with masks or targets
- ``plotting``   feature maps, parameter bars, overlays
- ``exercises``  checks for the "build it yourself" exercises
- ``receptive_field``, ``upsampling``, ``heads``  what notebooks 02, 03, 05 and 12 measure and check
- ``folders``, ``pipeline``, ``losses``, ``training``, ``sample_data``  data and training
- ``multiclass``, ``regression``, ``tiling``  the variants: classes, real values, the paper's tiles

Importing the package prints nothing, seeds nothing and changes no matplotlib settings.
"""

from .blocks import conv_block, decoder_block, encoder_block
from .checks import check_input_shape, nearby_valid_sizes
from .data import synthetic_cells
from .drawing import draw_unet
from .exercises import (check_conv_block, check_decoder_block, check_encoder_block,
                        check_output_head, compare_models)
from .explorer import explore_unet, shape_explorer, show_exploration
from .formulas import formula_trace, level_filters
from .model import build_unet, output_head
from .plotting import plot_block_parameters, show_feature_maps, show_image_and_mask
from .trace import block_parameters, compare_traces, format_trace, keras_trace

__version__ = "0.1.0"

__all__ = [
    "conv_block", "encoder_block", "decoder_block",
    "build_unet", "output_head",
    "check_input_shape", "nearby_valid_sizes",
    "formula_trace", "level_filters",
    "keras_trace", "format_trace", "compare_traces", "block_parameters",
    "draw_unet",
    "explore_unet", "show_exploration", "shape_explorer",
    "synthetic_cells",
    "show_feature_maps", "plot_block_parameters", "show_image_and_mask",
    "check_conv_block", "check_encoder_block", "check_decoder_block", "check_output_head",
    "compare_models",
]
