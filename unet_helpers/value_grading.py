"""How the value graders compare a learner's numbers with the reference's: ``grade_values``.

``grade_values`` calls the learner's function and the reference on the same examples and
compares the results within a tolerance, so any correct way of writing it passes. For the first
example that differs it prints what is wrong (None returned, a wrong shape, NaN, the two
values), the example's arguments, and the first hint whose test fits the wrong result: that is
how ``value_exercises`` names a mistake. Code that raises becomes a finding, with a hint when it
used an attribute of Keras 2 that Keras 3 layers no longer have. It never raises.
"""

import numpy as np

from .grading import BuildFailure, Report, run_learner

__all__ = ["grade_values", "near"]


def _close(a, b, tolerance):
    return a.shape == b.shape and np.allclose(a, b, rtol=tolerance, atol=tolerance, equal_nan=True)


def _problem(got, expected, tolerance):
    """What is wrong with ``got`` (None when it matches ``expected``)."""
    if got is None and expected is not None:
        return "your function returned None: did you forget `return`?"
    if expected is None:
        return None if got is None else f"yours is {got!r}, expected None (this input cannot work)"
    try:
        mine = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"your function returned {type(got).__name__}, expected a number or an array"
    wanted = np.asarray(expected, dtype=np.float64)
    if mine.shape != wanted.shape and mine.size == wanted.size == 1:
        mine = mine.reshape(wanted.shape)
    if mine.shape != wanted.shape:
        return f"your result has shape {mine.shape}, expected {wanted.shape}"
    if np.isinf(mine).any() or (np.isnan(mine) & ~np.isnan(wanted)).any():
        return "your result holds NaN or infinity: a division by zero?"
    if _close(mine, wanted, tolerance):
        return None
    if wanted.size == 1:
        return f"yours is {mine.item():.6g}, expected {wanted.item():.6g}"
    return f"largest difference {np.nanmax(np.abs(mine - wanted)):.3g}"


def grade_values(what, learner, reference, examples, hints=(), tolerance=1e-4, describe=None):
    """Compare ``learner(*args)`` with ``reference(*args)`` for every ``args`` in ``examples``.

    ``hints``: ``(test, text)`` pairs; ``test(got, args)`` returns True when ``got`` shows the
    mistake that ``text`` names. The first failing example is reported, with the first hint
    that fits it, and its arguments: as written when they are numbers, else ``describe(*args)``.
    """
    report = Report(what)
    try:
        for number, args in enumerate(examples, start=1):
            expected = reference(*args)
            got = run_learner(learner, *args)
            problem = _problem(got, expected, tolerance)
            if problem is not None:
                hint = next((text for test, text in hints if _safe(test, got, args)), "")
                if all(np.isscalar(a) for a in args):
                    where = f" ({', '.join(map(repr, args))})"
                else:
                    where = _described(describe, args)
                stop = "" if problem.endswith(("?", ".")) else "."
                report.bad(f"example {number} of {len(examples)}{where}: {problem}{stop} "
                           f"{hint}".strip())
                break
        else:
            report.good(f"same result as the reference on all {len(examples)} examples")
    except NotImplementedError:
        report.not_implemented = True
    except BuildFailure as failure:
        report.raised = True
        report.bad(f"your function raised {type(failure.original).__name__}: {failure}"
                   + _keras_2_hint(failure.original))
    except Exception as error:  # a grader never raises
        report.bad(f"the grader could not compare ({type(error).__name__}: {error})")
    return report.finish()


KERAS_2_ATTRIBUTES = {"output_shape": "layer.output.shape", "input_shape": "layer.input.shape"}


def _keras_2_hint(error):
    """A hint when the learner used an attribute that Keras 3 layers no longer have."""
    for old, new in KERAS_2_ATTRIBUTES.items():
        if isinstance(error, AttributeError) and f"attribute '{old}'" in str(error):
            return f". {old} is Keras 2; in Keras 3 write {new}."
    return ""


def _described(describe, args):
    """`` (what the example is)`` from ``describe(*args)``; empty when there is none or it fails."""
    try:
        return f" ({describe(*args)})" if describe else ""
    except Exception:  # a grader never raises: the finding matters more than its label
        return ""


def _safe(test, got, args):
    try:
        return bool(test(got, args))
    except Exception:
        return False


def near(got, value, tolerance=1e-3):
    return np.allclose(np.asarray(got, dtype=np.float64), value, rtol=tolerance, atol=tolerance)
