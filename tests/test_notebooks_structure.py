"""The notebooks' structure: names, shared first and last cells, badges, links, index, outputs.

nbval (run by `make test` over notebooks/) proves the committed outputs are still true; these
tests prove the outputs come from one clean run and that what every notebook shares is right.
"""

import ast
import importlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import series  # noqa: E402
import sync_notebooks  # noqa: E402

PATHS = series.notebook_paths()
IDS = [p.name for p in PATHS]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def cells(path):
    return series.read_notebook(path)["cells"]


def text(cell):
    return series.cell_text(cell)


def test_the_series_exists_and_follows_the_plan():
    numbers = [series.NAME.match(p.name).group(1) for p in PATHS]
    assert numbers[:7] == ["00", "01", "02", "03", "04", "05", "06"]  # the blocks, all there
    assert len(set(numbers)) == len(numbers)                           # one notebook per number
    assert set(numbers) <= {number for number, _, _ in series.PLAN}   # each one is planned
    assert all(series.NAME.match(p.name) for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_shared_cells_badges_navigation_and_indexes_are_up_to_date():
    assert sync_notebooks.main(["--check"]) == 0, "run: make sync"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_first_cells(path):
    nb_cells = cells(path)
    first = text(nb_cells[0])
    assert first.startswith("# ")
    assert f"]({series.colab_url(path)})" in first
    assert series.colab_url(path).endswith("/blob/main/notebooks/" + path.name)
    intro = text(nb_cells[1])
    assert "**You will learn**" in intro and "**Run time:**" in intro
    setup = [c for c in nb_cells if c["cell_type"] == "code"][0]
    assert text(setup) == sync_notebooks.setup_source()
    assert "## Setup" in text(nb_cells[2])


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_last_cells(path):
    headings = [line for c in cells(path) if c["cell_type"] == "markdown"
                for line in text(c).splitlines() if line.startswith("## ")]
    assert headings[-2:] == ["## Summary", "## Exercises"]
    assert text(cells(path)[-1]).startswith(sync_notebooks.NAV_MARKER)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_outputs_come_from_one_clean_run(path):
    code = [c for c in cells(path) if c["cell_type"] == "code" and text(c).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for i, cell in enumerate(code):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"code cell {i + 1} has an error output"
            assert output.get("name") != "stderr", f"code cell {i + 1} printed to stderr"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_local_links_resolve(path):
    for cell in cells(path):
        if cell["cell_type"] != "markdown":
            continue
        for target in LINK.findall(text(cell)):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            assert (path.parent / target.split("#")[0]).exists(), f"broken link {target}"


def test_readme_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in LINK.findall(readme):
        if not target.startswith(("http://", "https://", "#")):
            assert (ROOT / target).exists(), f"README links to missing {target}"


def exercise_cells(path):
    """The cells from '## Exercises' up to the navigation line."""
    nb_cells = cells(path)
    start = next(i for i, c in enumerate(nb_cells) if text(c).startswith("## Exercises"))
    return nb_cells[start:-1]


def is_solution(cell):
    return "solution" in cell["metadata"].get("tags", [])


@pytest.mark.parametrize("path", PATHS[1:], ids=IDS[1:])
def test_implement_it_yourself_is_graded(path):
    """A solution code cell, then a cell that calls a grader, which says the solution passes."""
    nb_cells = exercise_cells(path)
    solutions = [i for i, c in enumerate(nb_cells) if is_solution(c) and c["cell_type"] == "code"]
    assert solutions, "no code cell tagged 'solution' under '## Exercises'"
    for i in solutions:
        grader = nb_cells[i + 1]
        assert grader["cell_type"] == "code" and re.search(r"\bgrade_\w+\(", text(grader)), \
            f"the cell after solution cell {i} does not call a grade_* function"
        printed = "".join(o.get("text", "") for o in grader["outputs"])
        assert printed.rstrip().endswith("matches the reference."), printed


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_exercise_has_its_answer_in_a_solution_cell(path):
    """Each numbered exercise prompt is followed by its answer in cells tagged 'solution', so
    the student edition can leave them out; no answer sits inside a prompt."""
    nb_cells = exercise_cells(path)
    prompts = [i for i, c in enumerate(nb_cells) if c["cell_type"] == "markdown"
               and not is_solution(c) and re.match(r"(## Exercises\s+)?\d+\. \*\*", text(c))]
    assert prompts, "no numbered exercise"
    for i in prompts:
        assert "<details>" not in text(nb_cells[i]), f"an answer sits inside prompt cell {i}"
        answer = nb_cells[i + 1] if i + 1 < len(nb_cells) else None
        assert answer is not None and is_solution(answer), \
            f"exercise cell {i} is not followed by a cell tagged 'solution'"
        if answer["cell_type"] == "markdown":
            assert len(text(answer).split()) >= 15, f"the answer after cell {i} is too short"


def test_index_lists_every_notebook():
    start = text(cells(PATHS[0])[0])
    assert start.startswith("# ")
    series_map = [text(c) for c in cells(PATHS[0]) if text(c).startswith(sync_notebooks.MAP_MARKER)]
    assert len(series_map) == 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in PATHS:
        assert f"]({path.name})" in series_map[0]
        assert f"](notebooks/{path.name})" in readme


READER_QUESTIONS = {  # the questions readers ask most, each answered in a section of its own
    "09_multi_class.ipynb": "## Which loss and activation for several classes, and `from_logits` or not?",
    "10_dense_regression.ipynb": "## Can the same U-Net do dense regression if the sigmoid becomes linear?",
    "12_upsampling.ipynb": "## Is `kernel_size` needed for `Conv2DTranspose`?",
    "13_scaling_up.ipynb": "## What to do when training runs out of memory at 512²?",
}


@pytest.mark.parametrize("name", sorted(READER_QUESTIONS))
def test_reader_questions_have_a_section_answered_with_code(name):
    nb_cells = cells(ROOT / "notebooks" / name)
    starts = [i for i, c in enumerate(nb_cells) if c["cell_type"] == "markdown"
              and READER_QUESTIONS[name] in text(c).splitlines()]
    assert len(starts) == 1, f"no section headed {READER_QUESTIONS[name]!r}"
    following = nb_cells[starts[0] + 1:]
    end = next((i for i, c in enumerate(following) if c["cell_type"] == "markdown"
                and any(line.startswith("## ") for line in text(c).splitlines())), len(following))
    printed = [o for c in following[:end] if c["cell_type"] == "code" for o in c["outputs"]
               if o.get("name") == "stdout"]
    assert printed, "the section shows no printed answer"


def helper_imports(path):
    """Every import of unet_helpers in a notebook's code cells: ``(cell number, module, names)``;
    ``names`` is None for a plain ``import unet_helpers...``. Magics are turned into Python first."""
    from IPython.core.inputtransformer2 import TransformerManager

    to_python = TransformerManager().transform_cell
    found = []
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    for number, cell in enumerate(code, start=1):
        for node in ast.walk(ast.parse(to_python(text(cell)))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "unet_helpers":
                found.append((number, node.module, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found += [(number, alias.name, None) for alias in node.names
                          if alias.name.split(".")[0] == "unet_helpers"]
    return found


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebooks_import_each_helper_from_its_module(path):
    problems = []
    for number, module, names in helper_imports(path):
        where = f"code cell {number}"
        if names is None:
            problems.append(f"{where}: `import {module}`; import names: from <module> import ...")
        elif module == "unet_helpers":
            problems.append(f"{where}: `from unet_helpers import {', '.join(names)}`; import "
                            "each name from the module that holds it")
        elif "*" in names:
            problems.append(f"{where}: `from {module} import *`; name what you import")
        elif importlib.util.find_spec(module) is None:
            problems.append(f"{where}: there is no module {module}")
        else:
            exported = importlib.import_module(module).__all__
            problems += [f"{where}: {module} does not export {name!r}" for name in names
                         if name not in exported]
    assert problems == [], "\n".join(problems)
