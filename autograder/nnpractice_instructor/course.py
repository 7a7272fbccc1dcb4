"""A course's notebooks and cells, and scratch copies of a course to grade in.

The grading command, the self-check, the release and the tests read
notebooks through these helpers, so that "the answer cells of chapter 01"
means the same thing everywhere.
"""

import shutil
from pathlib import Path

import nbformat

from nnpractice_instructor.layout import (COURSE, autograder_dir, chapters, exercise_of, grade_id, is_answer_cell,
                                          is_test_cell, nbgrader_meta, notebook_path, references_dir)

NOT_COPIED = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")


def read(kind, chapter, course=COURSE):
    """The notebook of `chapter` in solutions/ (kind="solutions") or notebooks/ (kind="notebooks")."""
    return nbformat.read(notebook_path(chapter, kind, course), as_version=4)


def answer_cells(nb):
    """{grade_id: cell} of the cells students complete (grade_id = the function's name)."""
    return {grade_id(c): c for c in nb.cells if is_answer_cell(c)}


def graded_cells(nb):
    """{grade_id: cell} of the autograded test cells (grade_id = test_<function>)."""
    return {grade_id(c): c for c in nb.cells if is_test_cell(c)}


def setup_cell(nb):
    """The locked cell with grade_id "setup" that holds a chapter's imports."""
    return next(c for c in nb.cells if grade_id(c) == "setup")


def submission(chapter, replace=None, course=COURSE):
    """The student release of `chapter` with every answer filled in from the solutions.

    Inputs:
    - chapter: the chapter's name, e.g. "01_gradient_checks".
    - replace: {grade_id: source} of answer cells to fill in differently
      (e.g. with a wrong implementation).

    Returns a notebook node, as a student would hand it in.
    """
    nb = read("notebooks", chapter, course)
    solutions = answer_cells(read("solutions", chapter, course))
    for gid, cell in answer_cells(nb).items():
        cell.source = (replace or {}).get(gid, solutions[gid].source)
    return nb


def scratch_course(destination, only=None, release=True, course=COURSE):
    """A course folder in `destination` that nbgrader can grade in, apart from the real one.

    Inputs:
    - destination: Path of an empty or missing folder.
    - only: chapter names to copy (default: every chapter).
    - release: also copy the committed release (notebooks/).
    - course: the course to copy from.

    It holds solutions/ (and notebooks/) of those chapters, autograder/nbgrader_config.py
    and their references; the grading code itself is the installed package.
    Returns destination.
    """
    destination = Path(destination)
    names = only or chapters(course)
    for kind in ("solutions", "notebooks") if release else ("solutions",):
        for chapter in names:
            shutil.copytree(Path(course) / kind / chapter, destination / kind / chapter, ignore=NOT_COPIED)
    (references_dir(destination)).mkdir(parents=True)
    shutil.copy(autograder_dir(course) / "nbgrader_config.py", autograder_dir(destination))
    for chapter in names:
        shutil.copy(references_dir(course) / f"{chapter}.py", references_dir(destination))
    return destination


def exercises(chapter, course=COURSE):
    """Names of the functions students write in `chapter`, in notebook order (from its test cells)."""
    return [exercise_of(gid) for gid in graded_cells(read("solutions", chapter, course))]


def points(chapter, course=COURSE):
    """{exercise: points} of `chapter`."""
    return {exercise_of(gid): nbgrader_meta(cell)["points"]
            for gid, cell in graded_cells(read("solutions", chapter, course)).items()}
