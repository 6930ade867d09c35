"""The series' colours, in one place: blocks of the U, prediction errors, and classes.

Okabe-Ito colours (distinguishable with common colour-vision deficiencies) for errors and
classes; viridis tones for the blocks, which also read in grayscale.
"""

__all__ = ["BLOCK_COLOURS", "ERROR_COLOURS", "CLASS_COLOURS", "block_colour", "class_cmap"]

BLOCK_COLOURS = {"input": "#777777", "encoder": "#3b528b", "bridge": "#440154",
                 "decoder": "#21918c", "head": "#5ec962"}

ERROR_COLOURS = {"true positive": (1.0, 1.0, 1.0), "false positive": (0.90, 0.62, 0.0),
                 "false negative": (0.0, 0.45, 0.70), "true negative": (0.0, 0.0, 0.0)}

# Background black, then one colour per class id.
CLASS_COLOURS = ((0.0, 0.0, 0.0), (0.90, 0.62, 0.0), (0.34, 0.71, 0.91), (0.0, 0.62, 0.45),
                 (0.94, 0.89, 0.26), (0.0, 0.45, 0.70), (0.84, 0.37, 0.0), (0.80, 0.47, 0.65))


def block_colour(block):
    """The colour of a block by its name: 'encoder 2' and 'enc2' -> the encoder colour."""
    for kind in ("enc", "dec", "bridge", "head", "input"):
        if block.startswith(kind):
            return BLOCK_COLOURS[{"enc": "encoder", "dec": "decoder"}.get(kind, kind)]
    raise ValueError(f"Unknown block {block!r}: expected a name starting with encoder, decoder, "
                     "bridge, head or input.")


def class_cmap(num_classes):
    """A categorical colour map, one fixed colour per class id (use ``vmin=0``, ``vmax=C−1``)."""
    from matplotlib.colors import ListedColormap

    if not 2 <= num_classes <= len(CLASS_COLOURS):
        raise ValueError(f"class_cmap has colours for 2 to {len(CLASS_COLOURS)} classes, got "
                         f"{num_classes}; pass your own ListedColormap for more.")
    return ListedColormap(CLASS_COLOURS[:num_classes], name=f"classes{num_classes}")
