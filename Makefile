# Training Neural Networks in Practice: one-line targets, each sets up what it needs.
#   make course     install, then open JupyterLab on the student notebooks
#   make test       install, then run every test (what CI runs)
#   make release    regenerate notebooks/ and the hidden references from solutions/
#   make grade      autograde everything in submitted/, export grades.csv
#   make feedback   write feedback HTML (without hidden tests) to feedback/
#   make benchmarks print timings

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# nbgrader calls the `alembic` program: the environment's bin/ must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))
JOBS ?= 2

.PHONY: course test release grade feedback benchmarks clean

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

# A broken or renamed submission makes nbgrader exit non-zero after grading the
# others: grades are exported all the same, and `make grade` fails afterwards.
grade: $(BIN)/.installed
	cd autograder && status=0; \
	for a in $(ASSIGNMENTS); do $(abspath $(BIN))/nbgrader autograde $$a || status=1; done; \
	$(abspath $(BIN))/nbgrader export --to ../grades.csv && echo "grades written to grades.csv"; \
	if [ $$status -ne 0 ]; then echo "some submissions could not be graded: see the log above" >&2; exit 1; fi

feedback: $(BIN)/.installed
	cd autograder && for a in $(ASSIGNMENTS); do $(abspath $(BIN))/nbgrader generate_feedback $$a --force || exit 1; done
	@echo "feedback written to feedback/<student>/<assignment>/"

benchmarks: $(BIN)/.installed
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf submitted autograded feedback gradebook.db grades.csv artifacts .pytest_cache
