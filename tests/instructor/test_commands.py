"""Do the README's instructor commands (make release, grade, feedback) work as written?"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnpractice_instructor.course import points, scratch_course, submission
from nnpractice_instructor.layout import COURSE as ROOT
from nnpractice_instructor.layout import chapters

ASSIGNMENTS = chapters()
# {chapter: students} handed in by test_release_grade_feedback: the first and the last chapter
HANDED_IN = {ASSIGNMENTS[0]: ("ada", "grace"), ASSIGNMENTS[-1]: ("ada",)}

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("instructor")]


def make(course, *targets):
    """`make TARGETS` with the repository's Makefile in a course copy, using this environment."""
    venv = Path(sys.prefix)
    env = {k: v for k, v in os.environ.items() if k not in ("NNPRACTICE_COURSE", "MAKEFLAGS")}
    return subprocess.run(["make", "-f", str(ROOT / "Makefile"), "-C", str(course), f"VENV={venv}",
                           "-o", f"{venv}/bin/.installed", *targets],
                          capture_output=True, text=True, env=env, timeout=1800)


def test_release_grade_feedback(tmp_path):
    """Does release -> collect -> grade -> feedback produce grades.csv and feedback pages?

    Every chapter is released; two chapters (first and last) are handed in and graded, by two students in
    the first. That every chapter's correct answers get full marks from the grading command, and that its
    feedback hides the hidden tests, is test_grade.py's (the same command, on every chapter)."""
    course = scratch_course(tmp_path / "course", release=False)
    result = make(course, "release")
    assert result.returncode == 0, result.stdout + result.stderr
    for assignment in ASSIGNMENTS:
        assert (course / "notebooks" / assignment / f"{assignment}.ipynb").is_file()
        assert (course / "autograder" / "references" / f"{assignment}.py").is_file()
        for student in HANDED_IN.get(assignment, ()):
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(assignment), folder / f"{assignment}.ipynb")

    result = make(course, "grade")
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades" / "totals.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"ada", "grace"}
    for assignment in HANDED_IN:
        assert float(rows["ada"][assignment]) == sum(points(assignment).values())
    assert float(rows["grace"][ASSIGNMENTS[0]]) == sum(points(ASSIGNMENTS[0]).values())

    result = make(course, "feedback")
    assert result.returncode == 0, result.stdout + result.stderr
    for assignment in HANDED_IN:
        page = course / "feedback" / "ada" / assignment / f"{assignment}.html"
        assert "BEGIN HIDDEN TESTS" not in page.read_text()


def test_grade_reports_a_broken_class_but_exports_the_rest(course):
    """Does `make grade` grade a renamed notebook, report an unreadable one, and fail so it is noticed?"""
    assignment = ASSIGNMENTS[0]
    good = course / "submitted" / "ada" / assignment
    renamed = course / "submitted" / "bob" / assignment
    for folder in (good, renamed):
        folder.mkdir(parents=True)
    nbformat.write(submission(assignment), good / f"{assignment}.ipynb")
    nbformat.write(submission(assignment), renamed / "my homework.ipynb")
    (renamed.parent.parent / "carl" / assignment).mkdir(parents=True)
    (renamed.parent.parent / "carl" / assignment / f"{assignment}.ipynb").write_text("{ not json")
    result = make(course, "grade")
    assert result.returncode != 0, "an unreadable notebook must make `make grade` fail"
    assert "carl" in result.stdout and "not a valid notebook" in result.stdout
    with open(course / "grades" / "totals.csv", newline="") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert float(rows["ada"][assignment]) == sum(points(assignment).values())
    assert float(rows["bob"][assignment]) == sum(points(assignment).values()), "a renamed notebook is graded"
    assert float(rows["carl"][assignment]) == 0
