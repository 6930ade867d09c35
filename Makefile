# U-Net, block by block: two commands do everything.
#   make lab    install into .venv and open JupyterLab at the repository root (notebook 00 open)
#   make test   install, run every unit test and every notebook (nbval, strict)
# Also: make test-colab (the same whole suite in a second environment, .venv-colab, pinned to
# Google Colab's versions in tools/colab-constraints.txt: Python 3.13 where this machine has it,
# else 3.11; it prints the versions it got and fails when one differs from its pin).
# Also: make test-browser (JupyterLab in headless Chromium: Run All on each notebook that has an
# explorer, every explorer moved with the keyboard and its readout checked; screenshots in
# build/browser/; it installs Debian's chromium package and Playwright, the 'browser' extra).
# And: make notebooks (re-execute every notebook in place), make sync, make run-times (the
# notebooks' Run time lines from the last make test), make sample-data, make student (a student
# edition in student_edition/: solutions become stubs; FORCE=1 to regenerate it), make bench,
# make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install lab test test-colab test-browser notebooks sync run-times sample-data student \
	bench clean

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

# A second environment with Colab's versions (tools/colab-constraints.txt). Colab runs Python
# 3.13: use python3.13, or pyenv's 3.13 when it is not on PATH, else python3.11 (TensorFlow 2.20
# has wheels for both). COLAB_PYTHON=... chooses another.
COLAB_VENV        := .venv-colab
COLAB_BIN         := $(COLAB_VENV)/bin
COLAB_STAMP       := $(COLAB_VENV)/.installed
COLAB_CONSTRAINTS := tools/colab-constraints.txt
PYENV_ROOT        ?= $(HOME)/.pyenv
COLAB_PYTHON      ?= $(firstword $(foreach candidate,python3.13 \
                       $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13) python3.11,\
                       $(shell $(candidate) -c 'import sys; print(sys.executable)' 2>/dev/null)))

$(COLAB_STAMP): pyproject.toml $(COLAB_CONSTRAINTS)
	@test -n "$(COLAB_PYTHON)" || { echo "make test-colab needs python3.13 (as on Colab)" \
		"or python3.11; none was found: set COLAB_PYTHON=..." >&2; exit 1; }
	@echo "Colab environment: Python $$($(COLAB_PYTHON) -c 'import sys; print(sys.version.split()[0])')" \
		"($(COLAB_PYTHON))"
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_BIN)/python -m pip install --quiet --upgrade pip
	$(COLAB_BIN)/python -m pip install --quiet -c $(COLAB_CONSTRAINTS) -e ".[dev]"
	touch $(COLAB_STAMP)

# Colab's versions, then the whole suite exactly as `make test` runs it (the notebooks' kernels
# run in .venv-colab's Python: --nbval-current-env). Its notebook times go to
# build/notebook_times_colab.json, so that `make run-times` keeps reading make test's.
test-colab: $(COLAB_STAMP)
	$(COLAB_BIN)/python tools/check_versions.py $(COLAB_CONSTRAINTS)
	UNET_NOTEBOOK_TIMES=build/notebook_times_colab.json UNET_COLAB_CONSTRAINTS=$(COLAB_CONSTRAINTS) \
		$(COLAB_BIN)/python -m pytest -n 2 --dist loadscope

# The browser test (browser_tests/). Playwright drives Debian's /usr/bin/chromium and never
# downloads a browser of its own; apt-get installs chromium when it is missing (root only).
# pytest runs without the project's nbval options, so it collects only browser_tests/.
BROWSER_STAMP := $(VENV)/.installed-browser
CHROMIUM      := /usr/bin/chromium

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,browser]"
	touch $(BROWSER_STAMP)

$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "make test-browser needs Debian's chromium package:" \
		"run 'sudo apt-get install chromium', then make test-browser again" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || { apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test-browser: $(BROWSER_STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest browser_tests -p no:nbval -p no:cacheprovider -o addopts="" -v

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
	rm -rf $(VENV) $(COLAB_VENV) build *.egg-info unet_helpers/__pycache__ tests/__pycache__ \
		browser_tests/__pycache__
