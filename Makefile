# Training Neural Networks in Practice: one-line targets, each sets up what it needs.
#   make course     install, then open JupyterLab on the student notebooks
#   make test       install, then run every test (what CI runs)
#   make release    regenerate notebooks/ and the hidden references from solutions/
#   make grade      autograde everything in submitted/ into grades/ (CSV, analytics)
#   make feedback   write feedback HTML (without hidden tests) to feedback/
#   make bundle     zip what students get (release, support package, data) into dist/
#   make benchmarks print timings
#   make animations redraw the optimizer races of chapter 02 (GIFs), then run make release
#   make check      grade your own notebooks/ (or NOTEBOOK=path) with the hidden tests, on copies
#   make site       build the reading edition (static HTML, offline) into _site/

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# nbgrader calls the `alembic` program: the environment's bin/ must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))
JOBS ?= 2

.PHONY: course test release grade feedback bundle benchmarks clean animations check site

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

# Jupyter refuses to run as root (containers, CI) unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

course: $(BIN)/.installed
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG)

test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

release: $(BIN)/.installed
	$(BIN)/python autograder/make_references.py
	cd autograder && for a in $(ASSIGNMENTS); do $(abspath $(BIN))/nbgrader generate_assignment $$a --force || exit 1; done

# Grades submitted/ (or SOURCE=folder-or-zip ASSIGNMENT=name for an LMS export) in
# parallel sandboxes; writes grades/ (CSV, analytics). Fails if a notebook could not be graded.
grade: $(BIN)/.installed
	cd autograder && $(abspath $(BIN))/python -m grader $(SOURCE) $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) --jobs $(JOBS)

feedback: $(BIN)/.installed
	cd autograder && for a in $(ASSIGNMENTS); do $(abspath $(BIN))/nbgrader generate_feedback $$a --force || exit 1; done
	@echo "feedback written to feedback/<student>/<assignment>/"

bundle: $(BIN)/.installed
	$(BIN)/python autograder/make_bundle.py

benchmarks: $(BIN)/.installed
	$(BIN)/python benchmarks/run_all.py

animations: $(BIN)/.installed
	$(BIN)/python autograder/make_references.py
	$(BIN)/python -m nnpractice.animation solutions/02_optimizers/animations

clean:
	rm -rf submitted autograded feedback gradebook.db grades artifacts dist _site .pytest_cache

# Self-study: the instructor's hidden tests and points on temporary copies of your notebooks.
check: $(BIN)/.installed
	$(BIN)/nnpractice-check $(or $(NOTEBOOK),notebooks) --jobs $(JOBS)

site: $(BIN)/.installed
	$(BIN)/python autograder/make_site.py _site
