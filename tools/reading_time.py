"""How long each notebook takes to read: prose at 200 words a minute, code at 15 lines a minute.

    python tools/reading_time.py        (prints one line per notebook)

docs/teaching.md quotes these numbers; tests/test_teaching_guide.py checks that it still does.
Run time is another matter: `make test` measures it (the "notebook run times" lines).
"""

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import series  # noqa: E402

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 15


def reading_minutes(path):
    """Minutes to read a notebook's prose and code (not its outputs), rounded up."""
    words = lines = 0
    for cell in series.read_notebook(path)["cells"]:
        source = series.cell_text(cell)
        if cell["cell_type"] == "markdown":
            words += len(source.split())
        elif cell["cell_type"] == "code":
            lines += sum(1 for line in source.splitlines() if line.strip())
    return math.ceil(words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE)


def main():
    for path in series.notebook_paths():
        print(f"{path.name:<28}{reading_minutes(path):>4} min")


if __name__ == "__main__":
    main()
