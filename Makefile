# U-Net, block by block: two commands do everything.
#   make lab    install into .venv and open JupyterLab at the repository root (notebook 00 open)
#   make test   install, run every unit test and every notebook (nbval, strict)
# Also: make notebooks (re-execute every notebook in place), make sync, make run-times (the
# notebooks' Run time lines from the last make test), make sample-data, make student (a student
# edition in student_edition/: solutions become stubs; FORCE=1 to regenerate it), make bench,
# make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install lab test notebooks sync run-times sample-data student bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed (found " + sys.version.split()[0] + "). Try: make PYTHON=python3.12 test")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Jupyter refuses to run as root (containers, some classroom images) unless told it is fine.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope

sync: $(STAMP)
	$(BIN)/python tools/sync_notebooks.py

# After a make test: copy its measured notebook times into tools/run_times.json and the
# notebooks' "Run time" lines.
run-times: $(STAMP)
	$(BIN)/python tools/sync_notebooks.py --run-times build/notebook_times.json

notebooks: sync
	$(BIN)/python tools/run_notebooks.py notebooks/*.ipynb

sample-data: $(STAMP)
	$(BIN)/python -m unet_helpers.sample_data --out data/cells

student: $(STAMP)
	$(BIN)/python tools/student_edition.py --out student_edition $(if $(FORCE),--force,)

bench: $(STAMP)
	$(BIN)/python benchmarks/train_speed.py

clean:
	rm -rf $(VENV) build *.egg-info unet_helpers/__pycache__ tests/__pycache__
