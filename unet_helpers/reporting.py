"""Print a number that depends on training or floating point together with the check it passes.

``at_least(0.946, 0.85)`` gives ``'0.946 (≥ 0.85 ✓)'``: the learner reads the real number and
the claim it supports on one line. nbval compares outputs after tests/sanitize.cfg replaces the
number in front of such a bracket, so the committed line stays valid when the number moves a
little between machines, and fails when the check turns into ✗.
"""

__all__ = ["at_least", "at_most", "between"]


def _mark(ok):
    return "✓" if ok else "✗"


def _number(value, digits):
    return f"{value:,.{digits}f}"


def at_least(value, bound, digits=3):
    """``'0.946 (≥ 0.85 ✓)'``: ``value`` and whether it is at least ``bound``."""
    return f"{_number(value, digits)} (≥ {bound:g} {_mark(value >= bound)})"


def at_most(value, bound, digits=3):
    """``'0.120 (≤ 0.2 ✓)'``: ``value`` and whether it is at most ``bound``."""
    return f"{_number(value, digits)} (≤ {bound:g} {_mark(value <= bound)})"


def between(value, low, high, digits=3):
    """``'0.503 (between 0.45 and 0.55 ✓)'``: ``value`` and whether ``low <= value <= high``."""
    return f"{_number(value, digits)} (between {low:g} and {high:g} {_mark(low <= value <= high)})"
