"""Bring submissions into nbgrader's layout: submitted/<student>/<assignment>/<assignment>.ipynb.

Accepted sources:
- nbgrader's own submitted/ folder (used in place);
- a folder of loose notebooks, one per student, as an LMS exports them
  (`alice.ipynb`, `alice_01_gradient_checks.ipynb`, `alice_12345_hw1.ipynb`):
  the student id is the file name up to the first "_" (or the whole stem);
- a .zip of either.

In nbgrader's layout, an assignment folder holding exactly one notebook
under another name (a renamed notebook) gets it copied to the expected name.
A file that is not a readable notebook (invalid JSON, wrong format) is not
graded; it is reported as a Problem so that nothing is lost silently.
"""

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat


GRADED = "graded"                       # graded all the same; the problem is noted
NOT_GRADED = "not graded"               # no grade: the instructor must act
NO_FEEDBACK = "graded, no feedback"     # graded, but its feedback could not be written


@dataclass
class Problem:
    """A submission that could not be graded as handed in: what happened to it (status) and why."""

    student: str
    assignment: str
    reason: str
    status: str = NOT_GRADED


def student_id(path):
    """The student id of a loose notebook file name (letters, digits, '.', '-')."""
    stem = path.stem.split("_", 1)[0]
    return re.sub(r"[^A-Za-z0-9.-]", "-", stem) or "unknown"


def check_notebook(path):
    """None if path is a readable notebook, else the reason it is not."""
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as error:  # nbformat raises many types for bad files
        return f"{path.name} is not a valid notebook ({type(error).__name__}: {str(error)[:200]})"
    return None


def from_loose_files(folder, submitted, assignment):
    """Copy loose notebooks into submitted/<student>/<assignment>/; returns [Problem]."""
    problems, seen = [], {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or "__MACOSX" in path.parts:
            continue
        student = student_id(path)
        target = submitted / student / assignment / f"{assignment}.ipynb"
        if student in seen:
            problems.append(Problem(student, assignment, f"several notebooks; graded {seen[student]}, not {path.name}",
                                        status=GRADED))
            continue
        seen[student] = path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return problems


def normalize(submitted, assignments):
    """Fix renamed notebooks and set aside unreadable ones, in nbgrader's layout; returns [Problem]."""
    problems = []
    for student_folder in sorted(p for p in submitted.iterdir() if p.is_dir()):
        for assignment in assignments:
            folder = student_folder / assignment
            if not folder.is_dir():
                continue
            expected = folder / f"{assignment}.ipynb"
            notebooks = sorted(p for p in folder.glob("*.ipynb") if p != expected)
            if not expected.exists() and len(notebooks) == 1:
                shutil.copy(notebooks[0], expected)
                problems.append(Problem(student_folder.name, assignment,
                                        f"notebook renamed to {notebooks[0].name}; graded under its proper name",
                                        status=GRADED))
            if not expected.exists():
                problems.append(Problem(student_folder.name, assignment, "no notebook found in the submission"))
                continue
            reason = check_notebook(expected)
            if reason:
                expected.rename(expected.with_suffix(".unreadable"))
                problems.append(Problem(student_folder.name, assignment, reason))
    return problems


def collect(source, submitted, assignments, assignment=None):
    """Fill `submitted` from `source` (folder or zip); returns [Problem].

    Inputs:
    - source: Path of nbgrader's submitted/ folder, a folder of loose
      notebooks, or a .zip of either.
    - submitted: Path of the course's submitted/ folder.
    - assignments: names of the course's assignments.
    - assignment: the assignment loose notebooks belong to.
    """
    source, submitted = Path(source), Path(submitted)
    if source.suffix == ".zip":
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(source) as archive:
            archive.extractall(tmp)
            return collect(Path(tmp), submitted, assignments, assignment)
    submitted.mkdir(parents=True, exist_ok=True)
    problems = []
    if source.resolve() == submitted.resolve():
        pass
    elif any(next(source.glob(f"*/{a}"), None) for a in assignments):  # nbgrader layout
        shutil.copytree(source, submitted, dirs_exist_ok=True)
    else:
        if assignment is None:
            raise ValueError(f"{source} holds loose notebooks: say which assignment they are (--assignment)")
        problems += from_loose_files(source, submitted, assignment)
    return problems + normalize(submitted, assignments)
