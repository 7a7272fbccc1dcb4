"""Helpers the tests share: the course's notebooks, their cells, nbgrader runs."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())
sys.path.insert(0, str(ROOT / "autograder"))  # the grader package: one definition of cell roles
from grader.cells import is_answer_cell, is_test_cell, nbgrader_meta  # noqa: E402
from grader.kernels import execute  # noqa: E402,F401 (kernels that start safely in parallel)
from grader.run import grading_environment, nbgrader_command  # noqa: E402

REFERENCE_CANARY = "nnpractice:reference"
HIDDEN_CANARY = "nnpractice:hidden-tests"


def notebook_path(kind, assignment):
    """solutions/ (kind="solutions") or notebooks/ (kind="notebooks") notebook of an assignment."""
    return ROOT / kind / assignment / f"{assignment}.ipynb"


def read(kind, assignment):
    return nbformat.read(notebook_path(kind, assignment), as_version=4)


def answer_cells(nb):
    """{grade_id: cell} of the cells students complete."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if is_answer_cell(c)}


def grade_cells(nb):
    """{grade_id: cell} of the autograded test cells."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if is_test_cell(c)}


def setup_cell(nb):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "setup")


def exercises(assignment):
    """Names of the functions students write, from the test cells' ids (test_<name>)."""
    return [gid.removeprefix("test_") for gid in grade_cells(read("solutions", assignment))]


def depends_on(assignment, exercise, other):
    """Whether the reference answer of `exercise` calls the student's `other` (e.g. grad_check_sparse
    uses rel_error), so that a mistake in `other` may cost `exercise` too."""
    body = answer_cells(read("solutions", assignment))[exercise].source.split('"""', 2)[-1]
    return f"{other}(" in body


def points(assignment):
    """{exercise: points} of an assignment."""
    return {gid.removeprefix("test_"): nbgrader_meta(c)["points"]
            for gid, c in grade_cells(read("solutions", assignment)).items()}


def namespace(assignment, answers="solutions"):
    """A namespace in which the setup cell and every answer cell ran.

    answers: "solutions" (the references) or "notebooks" (the untouched stubs).
    """
    ns = {"__name__": "__notebook__"}
    exec(setup_cell(read("solutions", assignment)).source, ns)
    for cell in answer_cells(read(answers, assignment)).values():
        exec(cell.source, ns)
    return ns


def submission(assignment, replace=None):
    """The student release with every answer filled in from the solutions.

    replace: {grade_id: source} of answer cells to fill in differently
    (e.g. with a wrong implementation). Returns a notebook node.
    """
    nb = read("notebooks", assignment)
    solutions = answer_cells(read("solutions", assignment))
    for gid, cell in answer_cells(nb).items():
        cell.source = (replace or {}).get(gid, solutions[gid].source)
    return nb


def course_copy(destination, release=True):
    """A course directory in `destination`: solutions, the autograder folder,
    and the committed release in notebooks/ unless release=False."""
    for folder in ("solutions", "notebooks") if release else ("solutions",):
        shutil.copytree(ROOT / folder, destination / folder)
    (destination / "autograder").mkdir()
    for name in ("nbgrader_config.py", "make_references.py"):
        shutil.copy(ROOT / "autograder" / name, destination / "autograder")
    for folder in ("references", "grader"):
        shutil.copytree(ROOT / "autograder" / folder, destination / "autograder" / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def nbgrader(course, *args, timeout=900):
    """Run `nbgrader ARGS` in course/autograder; returns the CompletedProcess.

    The kernels find the references by themselves, from the course folder,
    as in a real grading run (no NNPRACTICE_REFERENCES).
    """
    return subprocess.run([nbgrader_command(), *args], cwd=course / "autograder", env=grading_environment(),
                          capture_output=True, text=True, timeout=timeout)
