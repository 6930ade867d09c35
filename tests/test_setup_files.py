"""pyproject.toml and environment.yml list the same dependencies; setup files do what they say."""

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$")


def parse(requirement):
    name, spec = REQUIREMENT.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), (spec or "").replace(" ", "")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pyproject_requirements():
    """Runtime and dev requirements, by name. Entries with an environment marker (``tomli;
    python_version < '3.11'``) are left out: conda installs one Python, so they have no twin."""
    project = pyproject()["project"]
    found = {}
    for item in project["dependencies"] + project["optional-dependencies"]["dev"]:
        if ";" not in item:
            name, spec = parse(item)
            found[name] = spec
    return found


def conda_requirements():
    found = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        item = line.strip()
        if not item.startswith("- ") or item.endswith(":") or item.startswith("- -"):
            continue
        name, spec = parse(item[2:])
        if name not in ("python", "pip"):
            found[name] = spec
    return found


def test_pyproject_and_environment_agree():
    assert pyproject_requirements() == conda_requirements()


def test_both_ask_for_the_same_python():
    conda_python = [line.strip()[2:] for line in
                    (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
                    if line.strip().startswith("- python")]
    assert conda_python == ["python" + pyproject()["project"]["requires-python"]]


def test_floors_that_colab_satisfies():
    requirements = pyproject_requirements()
    assert "tensorflow-cpu" not in requirements
    assert requirements["tensorflow"] == ">=2.16"
    assert requirements["keras"] == ">=3"
    assert requirements["ipywidgets"] == ">=7.7"
    assert all(not spec or spec.startswith(">=") for spec in requirements.values())


def test_ci_runs_make_test_and_makefile_has_the_targets():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("lab:", "test:", "notebooks:", "sync:"):
        assert f"\n{target}" in makefile


def test_the_browser_test_is_wired_up():
    """make test-browser exists and CI runs it after make test; Playwright is its own extra (not
    in dev, so make test installs no browser tooling) and make test does not collect it."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "make test-browser" in ci and ci.index("make test") < ci.index("make test-browser")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest-browser:" in makefile and 'executable_path=CHROMIUM' in (
        ROOT / "browser_tests" / "lab.py").read_text(encoding="utf-8")
    extras = pyproject()["project"]["optional-dependencies"]
    assert [parse(item)[0] for item in extras["browser"]] == ["playwright"]
    assert "playwright" not in pyproject_requirements()
    assert "browser_tests" not in pyproject()["tool"]["pytest"]["ini_options"]["testpaths"]
