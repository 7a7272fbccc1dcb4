"""Do the README's instructor commands (make release, grade, feedback) work as written?"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.course import ASSIGNMENTS, ROOT, course_copy, points, submission

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]


def make(course, *targets):
    """`make TARGETS` with the repository's Makefile in a course copy, using this environment."""
    venv = Path(sys.prefix)
    env = {k: v for k, v in os.environ.items() if k not in ("NNPRACTICE_REFERENCES", "MAKEFLAGS")}
    return subprocess.run(["make", "-f", str(ROOT / "Makefile"), "-C", str(course), f"VENV={venv}",
                           "-o", f"{venv}/bin/.installed", *targets],
                          capture_output=True, text=True, env=env, timeout=1800)


def test_release_grade_feedback(tmp_path):
    """Does release -> collect -> grade -> feedback produce grades.csv and feedback pages?"""
    course = course_copy(tmp_path, release=False)
    result = make(course, "release")
    assert result.returncode == 0, result.stdout + result.stderr
    for assignment in ASSIGNMENTS:
        assert (course / "notebooks" / assignment / f"{assignment}.ipynb").is_file()
        assert (course / "autograder" / "references" / f"{assignment}.py").is_file()
        for student in ("ada", "grace"):
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(assignment), folder / f"{assignment}.ipynb")

    result = make(course, "grade")
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["assignment"], r["student_id"]) for r in rows} == {(a, s) for a in ASSIGNMENTS for s in ("ada", "grace")}
    for row in rows:
        assert float(row["score"]) == sum(points(row["assignment"]).values())

    result = make(course, "feedback")
    assert result.returncode == 0, result.stdout + result.stderr
    for assignment in ASSIGNMENTS:
        page = course / "feedback" / "ada" / assignment / f"{assignment}.html"
        assert "BEGIN HIDDEN TESTS" not in page.read_text()


def test_grade_reports_a_broken_class_but_exports_the_rest(tmp_path):
    """Does `make grade` export everyone's grades and still fail when a notebook was renamed?"""
    course = course_copy(tmp_path)
    assert make(course, "release").returncode == 0
    assignment = ASSIGNMENTS[0]
    good = course / "submitted" / "ada" / assignment
    renamed = course / "submitted" / "bob" / assignment
    for folder in (good, renamed):
        folder.mkdir(parents=True)
    nbformat.write(submission(assignment), good / f"{assignment}.ipynb")
    nbformat.write(submission(assignment), renamed / "my homework.ipynb")
    result = make(course, "grade")
    assert result.returncode != 0
    assert "some submissions could not be graded" in result.stderr
    with open(course / "grades.csv", newline="") as handle:
        rows = {(r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(handle)}
    assert rows[assignment, "ada"] == sum(points(assignment).values())
