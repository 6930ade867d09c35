"""The student edition (`make student`): every solution becomes a stub, nothing else changes.

The edition is built once into a temporary folder. One student notebook (01, the first
exercise) is run top to bottom: the stub raises NotImplementedError and its grader must say
"not implemented yet" instead of crashing.
"""

import ast
import hashlib
import inspect
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import series  # noqa: E402
import student_edition  # noqa: E402

PLACEHOLDER = student_edition.MARKDOWN_PLACEHOLDER
FIRST_EXERCISE = "01_conv_block.ipynb"


def is_solution(cell):
    return "solution" in cell["metadata"].get("tags", [])


def teacher_hashes():
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((ROOT / "notebooks").glob("*.ipynb"))}


def function_names(tree):
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(teacher hashes before, student folder) after one run of the tool."""
    before = teacher_hashes()
    out = tmp_path_factory.mktemp("student") / "student_edition"
    assert student_edition.main(["--out", str(out)]) == 0
    return before, out


def pairs(out):
    """(teacher notebook, student notebook) for every notebook of the series."""
    for path in series.notebook_paths():
        yield (series.read_notebook(path),
               nbformat.read(str(out / "notebooks" / path.name), as_version=4))


def test_writes_every_notebook_the_data_and_a_readme(built):
    _, out = built
    assert sorted(p.name for p in (out / "notebooks").iterdir()) == \
        [p.name for p in series.notebook_paths()]
    shipped = sorted(p.relative_to(ROOT / "data") for p in (ROOT / "data").rglob("*"))
    assert sorted(p.relative_to(out / "data") for p in (out / "data").rglob("*")) == shipped
    assert (out / "data" / "cells" / "masks" / "cell_000.png").read_bytes() == \
        (ROOT / "data" / "cells" / "masks" / "cell_000.png").read_bytes()
    assert "make student FORCE=1" in (out / "README.md").read_text(encoding="utf-8")


def test_the_teacher_edition_is_untouched(built):
    before, _ = built
    assert teacher_hashes() == before


def test_student_notebooks_are_valid_and_saved_like_the_teacher_edition(built):
    _, out = built
    for path in (out / "notebooks").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
        assert text == series.notebook_text(notebook), path.name


def test_same_cells_except_solutions_and_no_outputs(built):
    _, out = built
    for teacher, student in pairs(out):
        assert [c.cell_type for c in student.cells] == [c.cell_type for c in teacher.cells]
        assert student.metadata == teacher.metadata
        for mine, theirs in zip(student.cells, teacher.cells):
            assert mine.metadata == theirs.metadata and mine.get("id") == theirs.get("id")
            if mine.cell_type == "code":
                assert mine.outputs == [] and mine.execution_count is None
            if not is_solution(theirs):
                assert mine.source == theirs.source


def test_solution_code_cells_become_stubs_that_raise(built):
    _, out = built
    stubs = 0
    for teacher, student in pairs(out):
        for mine, theirs in zip(student.cells, teacher.cells):
            if mine.cell_type != "code" or not is_solution(theirs):
                continue
            stubs += 1
            assert mine.source.splitlines()[0].lower().endswith("write your answer here.")
            tree = ast.parse(mine.source)
            names = function_names(tree)
            assert names and names == function_names(ast.parse(theirs.source))
            for node in tree.body:  # nothing of the teacher's function bodies is left
                if isinstance(node, ast.FunctionDef):
                    body = node.body[1:] if student_edition.is_docstring(node.body[0]) \
                        else node.body
                    assert len(body) == 1 and isinstance(body[0], ast.Raise)
            namespace = {}
            exec(compile(tree, f"<{mine.get('id')}>", "exec"), namespace)
            for name in names:
                function = namespace[name]
                arguments = [None for p in inspect.signature(function).parameters.values()
                             if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                                    p.POSITIONAL_OR_KEYWORD)]
                with pytest.raises(NotImplementedError) as raised:
                    function(*arguments)
                assert str(raised.value) == f"{name}: not implemented yet"
    assert stubs >= 12  # at least one per notebook, except 00


def test_solution_markdown_cells_become_a_place_for_the_answer(built):
    _, out = built
    for teacher, student in pairs(out):
        for mine, theirs in zip(student.cells, teacher.cells):
            if mine.cell_type == "markdown" and is_solution(theirs):
                assert mine.source == PLACEHOLDER != theirs.source
                assert "attachments" not in mine


def test_every_committed_solution_cell_can_be_stubbed():
    """Only imports, top-level functions, comments and docstrings: so the stub is well defined."""
    allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef)
    for path in series.notebook_paths():
        for index, cell in enumerate(series.read_notebook(path).cells):
            if cell.cell_type == "code" and is_solution(cell):
                tree = ast.parse(series.cell_text(cell))
                others = [type(node).__name__ for node in tree.body
                          if not isinstance(node, allowed)
                          and not student_edition.is_docstring(node)]
                assert not others, f"{path.name}, cell {index}: {others}"
                assert function_names(tree), f"{path.name}, cell {index}: no function"


def test_a_solution_cell_with_other_statements_is_refused_by_name():
    assert student_edition.solution_problems("import numpy as np\n\ndef f(x):\n    return x\n") \
        == []
    problems = student_edition.solution_problems("def f(x):\n    return x\n\nprint(f(1))\n")
    assert problems and "line 4" in problems[0] and "Expr" in problems[0]
    assert student_edition.solution_problems("import numpy as np\n")  # no function: no exercise


def test_a_notebook_with_such_a_cell_is_refused_naming_the_notebook_and_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("def f(x):\n    return x\n\nanswer = f(1)\n",
                                  metadata={"tags": ["solution"]})])
    path = tmp_path / "99_bad.ipynb"
    nbformat.write(notebook, str(path))
    with pytest.raises(student_edition.TeacherEditionError,
                       match=r"99_bad\.ipynb, cell 1 .*line 4: a top-level Assign"):
        student_edition.student_notebook(path)


def test_a_one_line_function_keeps_its_signature():
    stub = student_edition.stub_source("# Exercise 3 - solution\n"
                                       "def f(a, b=2): return a * b\n")
    assert stub == "\n".join(["# Exercise 3: write your answer here.",
                              "def f(a, b=2):",
                              "    # Your code here.",
                              '    raise NotImplementedError("f: not implemented yet")'])


def test_refuses_a_folder_that_is_not_empty_without_force(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert student_edition.main(["--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_force_never_removes_the_repository_its_folders_or_anything_outside(tmp_path, capsys):
    before = teacher_hashes()
    outside = tmp_path / "mine"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    for out in (ROOT, ROOT / "notebooks", ROOT / "data" / "cells", outside, ROOT.parent):
        assert student_edition.main(["--out", str(out), "--force"]) == 1, out
        assert "will not remove" in capsys.readouterr().err
    assert (outside / "keep.txt").read_text() == "mine"
    assert teacher_hashes() == before
    assert student_edition.force_refusal(ROOT / "student_edition") is None


def test_force_refuses_every_top_level_folder_that_git_tracks():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    folders = {path.split("/")[0] for path in tracked if "/" in path}
    assert {"notebooks", "browser_tests", "docs"} <= folders
    for folder in sorted(folders):
        assert student_edition.force_refusal(ROOT / folder / "x") is not None, folder


def test_the_first_exercise_runs_top_to_bottom_and_its_grader_says_not_implemented(built):
    from nbclient import NotebookClient

    _, out = built
    folder = out / "notebooks"
    notebook = nbformat.read(str(folder / FIRST_EXERCISE), as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                            extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    errors = [(index, output.get("ename"), output.get("evalue"))
              for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert errors == []
    solution = next(i for i, cell in enumerate(notebook.cells)
                    if is_solution(cell) and cell.cell_type == "code")
    grader = notebook.cells[solution + 1]
    printed = "".join(output.get("text", "") for output in grader.outputs)
    assert "not implemented yet" in printed, printed
