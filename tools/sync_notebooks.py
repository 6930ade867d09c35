"""Write the parts every notebook shares, so they are generated rather than hand-copied.

- the first cell: the H1 title with the Colab badge and a GitHub link for this notebook's path;
- the setup cell: the code cell that starts with SETUP_MARKER (installs the helpers on Colab only);
- the last cell: the navigation line (previous | contents | next);
- the "**Run time:**" line of the introduction, from the times `make test` measured
  (tools/run_times.json; ``--run-times build/notebook_times.json`` copies the latest measurement);
- the series map in 00_start_here.ipynb and the notebook table in README.md.

Idempotent: running it twice changes nothing the second time. ``--check`` changes nothing and
exits with 1 when something is out of date (the tests run it that way).

    python tools/sync_notebooks.py           # update in place
    python tools/sync_notebooks.py --check   # only report
    python tools/sync_notebooks.py --run-times build/notebook_times.json   # new measured times
"""

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import series  # noqa: E402

SETUP_MARKER = "# Setup: the same cell in every notebook (written by tools/sync_notebooks.py)."
NAV_MARKER = "<!-- navigation: written by tools/sync_notebooks.py -->"
MAP_MARKER = "<!-- series map: written by tools/sync_notebooks.py -->"
README_START = "<!-- notebooks: start (written by tools/sync_notebooks.py) -->"
README_END = "<!-- notebooks: end -->"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def setup_source():
    return "\n".join([
        SETUP_MARKER,
        "import sys",
        "",
        'if "google.colab" in sys.modules:  # on Colab only: install the helpers from GitHub',
        "    import subprocess",
        "",
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\",",
        f"                    \"unet-helpers @ {series.install_url()}\"], check=True)",
        "",
        "from unet_helpers.startup import quiet_tensorflow",
        "",
        "quiet_tensorflow()  # imports TensorFlow without its C++ start-up lines (unet_helpers/startup.py)",
    ])


RUN_TIMES = series.ROOT / "tools" / "run_times.json"
RUN_TIME_PREFIX = "**Run time:**"


def run_times():
    """Seconds per notebook name, as `make test` last measured them (tools/run_times.json)."""
    return json.loads(RUN_TIMES.read_text(encoding="utf-8"))["seconds"]


def run_time_line(seconds):
    """The introduction's run-time line: the measured time rounded up to 5 seconds."""
    rounded = max(5, 5 * math.ceil(seconds / 5))
    return (f"{RUN_TIME_PREFIX} about {rounded} seconds on a 2-core CPU, as measured by "
            "`make test`; no GPU needed.")


def header_source(path, title):
    return (f"# {title}\n\n"
            f"[![Open In Colab]({BADGE})]({series.colab_url(path)}) "
            f"[View on GitHub]({series.github_url(path)})")


def nav_source(paths, index):
    parts = []
    if index > 0:
        prev = paths[index - 1]
        parts.append(f"[< {series.title_of(prev)}]({prev.name})")
    contents = paths[0]
    parts.append(f"[Contents]({contents.name})")
    if index + 1 < len(paths):
        nxt = paths[index + 1]
        parts.append(f"[{series.title_of(nxt)} >]({nxt.name})")
    return NAV_MARKER + "\n\n" + " | ".join(parts)


def series_table(paths, link_prefix=""):
    existing = {series.NAME.match(p.name).group(1): p for p in paths}
    lines = ["| # | notebook | what it teaches | open |", "|---|---|---|---|"]
    for number, title, teaches in series.PLAN:
        path = existing.get(number)
        if path is None:
            lines.append(f"| {number} | {title} *(coming)* | {teaches} | |")
        else:
            link = f"[{series.title_of(path)}]({link_prefix}{path.name})"
            badge = f"[![Open In Colab]({BADGE})]({series.colab_url(path)})"
            lines.append(f"| {number} | {link} | {teaches} | {badge} |")
    return "\n".join(lines)


def markdown_cell(text, cell_id):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(text)
    cell["id"] = cell_id
    return cell


def synced_notebook(path, paths, index):
    """The notebook as it should be (a dict); nothing is written."""
    notebook = series.read_notebook(path)
    cells = notebook["cells"]
    cells[0]["source"] = header_source(path, series.title_of(path))
    seconds = run_times().get(path.name)
    intro = series.cell_text(cells[1]).splitlines()
    if seconds is not None and any(line.startswith(RUN_TIME_PREFIX) for line in intro):
        cells[1]["source"] = "\n".join(run_time_line(seconds) if line.startswith(RUN_TIME_PREFIX)
                                       else line for line in intro)
    for cell in cells:
        text = series.cell_text(cell)
        if cell["cell_type"] == "code" and text.startswith(SETUP_MARKER):
            cell["source"] = setup_source()
        if cell["cell_type"] == "markdown" and text.startswith(MAP_MARKER):
            cell["source"] = MAP_MARKER + "\n\n" + series_table(paths)
    navigation = nav_source(paths, index)
    if cells[-1]["cell_type"] == "markdown" and series.cell_text(cells[-1]).startswith(NAV_MARKER):
        cells[-1]["source"] = navigation
    else:
        cells.append(markdown_cell(navigation, "navigation"))
    return notebook


def synced_readme(paths):
    """README.md's text with the notebook table brought up to date."""
    text = (series.ROOT / "README.md").read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    table = series_table(paths, link_prefix="notebooks/")
    return text[:start] + README_START + "\n" + table + "\n" + text[end:]


def update_run_times(measured_file):
    """Copy the times of the latest `make test` (written by conftest.py) into tools/run_times.json."""
    measured = json.loads(series.ROOT.joinpath(measured_file).read_text(encoding="utf-8"))
    table = json.loads(RUN_TIMES.read_text(encoding="utf-8"))
    table["seconds"].update({name: round(seconds, 1) for name, seconds in measured.items()})
    RUN_TIMES.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")


def main(argv):
    if "--run-times" in argv:
        update_run_times(argv[argv.index("--run-times") + 1])
    check = "--check" in argv
    paths = series.notebook_paths()
    targets = [(path, series.notebook_text(synced_notebook(path, paths, i)))
               for i, path in enumerate(paths)]
    targets.append((series.ROOT / "README.md", synced_readme(paths)))
    stale = [(path, text) for path, text in targets
             if path.read_text(encoding="utf-8") != text]
    for path, text in stale:
        if check:
            print(f"out of date: {path.name} (run: make sync)")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"updated {path.name}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
