"""Colab's versions (tools/colab-constraints.txt): the pins satisfy the project's floors, the
checker that `make test-colab` runs does what it says, and, inside that target's environment,
every pinned package is installed at exactly its pin."""

import os
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import check_versions  # noqa: E402

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

CONSTRAINTS = ROOT / "tools" / "colab-constraints.txt"
COLAB_PACKAGES = {"tensorflow", "keras", "numpy", "matplotlib", "ipywidgets", "scikit-image",
                  "scipy", "pillow", "ipython"}


def test_constraints_pin_colabs_packages_and_say_which_runtime():
    pins = check_versions.read_pins(CONSTRAINTS)
    assert set(pins) == COLAB_PACKAGES
    assert pins["tensorflow"] == "2.20.0" and pins["keras"] == "3.13.2"
    assert pins["ipywidgets"].startswith("7.")  # Colab renders ipywidgets 8 blank
    assert "2026-08" in CONSTRAINTS.read_text(encoding="utf-8")


def test_colab_pins_satisfy_the_project_floors():
    """Installing the helpers on Colab must not move any of Colab's own packages."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = check_versions.read_pins(CONSTRAINTS)
    checked = 0
    for item in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(item)
        name = check_versions.canonical(requirement.name)
        if name in pins:
            assert requirement.specifier.contains(Version(pins[name])), (item, pins[name])
            checked += 1
    assert checked >= 7  # tensorflow, keras, numpy, scipy, scikit-image, pillow, matplotlib, ...


def test_read_pins_normalises_names_and_refuses_other_lines(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("# a comment\n\nScikit_Image==0.25.2  # why\nPillow == 11.3.0\n")
    assert check_versions.read_pins(good) == {"scikit-image": "0.25.2", "pillow": "11.3.0"}
    loose = tmp_path / "loose.txt"
    loose.write_text("numpy>=2\n")
    with pytest.raises(ValueError, match="loose.txt:1"):
        check_versions.read_pins(loose)


def test_mismatches_name_a_wrong_or_missing_package():
    versions = {"numpy": "2.1.3", "keras": "3.15.1"}
    pins = {"numpy": "2.1.3", "keras": "3.13.2", "ipython": "7.34.0"}
    assert check_versions.mismatches(pins, versions.get) == [("keras", "3.13.2", "3.15.1"),
                                                             ("ipython", "7.34.0", None)]


def test_main_prints_each_version_and_fails_on_a_difference(tmp_path, capsys):
    pins = tmp_path / "pins.txt"
    pins.write_text(f"pytest=={pytest.__version__}\n")
    assert check_versions.main([str(pins)]) == 0
    assert f"pytest         {pytest.__version__}" in capsys.readouterr().out
    pins.write_text("pytest==0.0.1\n")
    assert check_versions.main([str(pins)]) == 1
    assert "pytest" in capsys.readouterr().err


def test_ci_and_makefile_run_the_colab_suite():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test-colab" in ci
    assert re.search(r"make test(?![-\w])", ci).start() < ci.index("make test-colab")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest-colab:" in makefile and "colab-constraints.txt" in makefile


@pytest.mark.skipif(not os.environ.get("UNET_COLAB_CONSTRAINTS"),
                    reason="only inside make test-colab's environment (UNET_COLAB_CONSTRAINTS)")
def test_this_environment_has_colabs_versions():
    pins = check_versions.read_pins(ROOT / os.environ["UNET_COLAB_CONSTRAINTS"])
    assert check_versions.mismatches(pins) == []
    if not os.environ.get("COLAB_PYTHON"):  # unless make test-colab was given another Python
        assert sys.version_info[:2] in {(3, 13), (3, 11)}  # Colab's Python, or the fallback
