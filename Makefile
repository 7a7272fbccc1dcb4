# Training Neural Networks in Practice: one-line targets, each sets up what it needs.
#   make course     install, then open JupyterLab on the student notebooks
#   make test       install, then run every test (what CI runs)
#   make test-fast  install, then run the unit tests (no notebook execution, no nbgrader run)
#   make release    regenerate notebooks/ and the hidden references from solutions/
#   make grade      autograde everything in submitted/ into grades/ (CSV, analytics)
#   make feedback   write feedback HTML (without hidden tests) to feedback/
#   make bundle     zip what students get (release, support package, data) into dist/
#   make benchmarks print timings
#   make animations redraw the optimizer races of chapter 02 (GIFs), then run make release
#   make check      grade your own notebooks/ (or NOTEBOOK=path) with the hidden tests, on copies
#   make site       build the reading edition (static HTML, offline) into _site/
#   make mutation   mutate every reference answer; score per chapter, survivors in artifacts/mutation/
#   make hub        (root) set up a class from ROSTER (default deploy/roster.example.csv), start JupyterHub

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: course test test-fast release grade feedback bundle benchmarks clean animations check site mutation hub

$(BIN)/.installed: requirements.txt pyproject.toml autograder/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

# Jupyter refuses to run as root (containers, CI) unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

course: $(BIN)/.installed
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG)

test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --durations=25

test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow"

release: $(BIN)/.installed
	$(BIN)/nnpractice-release

# Grades submitted/ (or SOURCE=folder-or-zip ASSIGNMENT=name for an LMS export) in
# parallel sandboxes; writes grades/ (CSV, analytics). Fails if a notebook could not be graded.
grade: $(BIN)/.installed
	$(BIN)/nnpractice-grade $(SOURCE) $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) --jobs $(JOBS)

feedback: $(BIN)/.installed
	$(BIN)/nnpractice-feedback

bundle: $(BIN)/.installed
	$(BIN)/nnpractice-bundle

benchmarks: $(BIN)/.installed
	$(BIN)/python -m benchmarks.run_all

animations: $(BIN)/.installed
	$(BIN)/python -m nnpractice_instructor.references
	$(BIN)/nnpractice-animations

clean:
	rm -rf submitted autograded feedback gradebook.db grades artifacts dist _site .pytest_cache

# Self-study: the instructor's hidden tests and points on temporary copies of your notebooks.
check: $(BIN)/.installed
	$(BIN)/nnpractice-check $(or $(NOTEBOOK),notebooks) --jobs $(JOBS)

site: $(BIN)/.installed
	$(BIN)/nnpractice-site _site

# Mutation testing of the hidden tests: fails when a chapter rejects under 98% of its
# non-equivalent mutants (equivalents: autograder/mutation_equivalents.toml).
mutation: $(BIN)/.installed
	$(BIN)/nnpractice-mutation --jobs $(JOBS)

# One class on this server (run as root): system users from the roster, then JupyterHub on
# 127.0.0.1:$(HUB_PORT). See deploy/README.md.
ROSTER ?= deploy/roster.example.csv
HUB_PORT ?= 8000
hub:
	NNPRACTICE_HUB_PORT=$(HUB_PORT) deploy/hub.sh $(ROSTER)
