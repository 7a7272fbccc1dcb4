"""Does the grading command read what instructors download, and grade the same way every time?"""

import csv
import subprocess
import sys
import zipfile

import nbformat
import pytest

from tests.course import ROOT, course_copy, nbgrader, points, submission
from tests.hostile import ASSIGNMENT, WRONG_KINKS

sys.path.insert(0, str(ROOT / "autograder"))
from grader.collect import collect, student_id  # noqa: E402


def write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.mark.parametrize("name, expected", [
    ("alice.ipynb", "alice"), ("alice_01_gradient_checks.ipynb", "alice"),
    ("smithjohn_12345_678_hw1.ipynb", "smithjohn"), ("Jo Doe_late.ipynb", "Jo-Doe")])
def test_student_id_from_lms_file_names(tmp_path, name, expected):
    """Is the student id the file name up to the first underscore, made safe for a folder name?"""
    assert student_id(tmp_path / name) == expected


def test_collect_loose_notebooks_and_zip(tmp_path):
    """Do loose notebooks and a zip of them land in nbgrader's layout, with problems reported?"""
    loose = tmp_path / "download"
    write(loose / "ada_hw1.ipynb", submission(ASSIGNMENT))
    write(loose / "bob_hw1.ipynb", submission(ASSIGNMENT))
    write(loose / "bob_hw1_v2.ipynb", submission(ASSIGNMENT))
    (loose / "carl_hw1.ipynb").write_text("{ not json")
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in loose.iterdir():
            handle.write(path, f"export/{path.name}")
    for source in (loose, archive):
        submitted = tmp_path / f"submitted_{source.suffix or 'dir'}"
        problems = collect(source, submitted, [ASSIGNMENT], ASSIGNMENT)
        assert (submitted / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        reasons = {p.student: p.reason for p in problems}
        assert "several notebooks" in reasons["bob"]
        assert "not a valid notebook" in reasons["carl"]
        assert not (submitted / "carl" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()


def test_collect_needs_the_assignment_of_loose_notebooks(tmp_path):
    """Is a folder of loose notebooks without --assignment refused with a clear message?"""
    write(tmp_path / "in" / "ada.ipynb", submission(ASSIGNMENT))
    with pytest.raises(ValueError, match="--assignment"):
        collect(tmp_path / "in", tmp_path / "submitted", [ASSIGNMENT])


@pytest.mark.slow
@pytest.mark.xdist_group("release")
def test_same_submission_graded_three_times_gets_the_same_score(tmp_path):
    """Is grading deterministic: the same LMS zip, graded three times, gives the same grades?"""
    course = course_copy(tmp_path / "course")
    assert nbgrader(course, "generate_assignment", ASSIGNMENT, "--force").returncode == 0
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("ada_hw.ipynb", nbformat.writes(submission(ASSIGNMENT)))
        handle.writestr("bob_hw.ipynb", nbformat.writes(submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})))
    runs = []
    for _ in range(3):
        result = subprocess.run([sys.executable, "-m", "grader", str(archive), "--assignment", ASSIGNMENT,
                                 "--no-progress"], cwd=course / "autograder", capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        with open(course / "grades" / "grades.csv", newline="") as handle:
            runs.append([(r["student"], r["exercise"], r["score"]) for r in csv.DictReader(handle)])
    assert runs[0] == runs[1] == runs[2]
    total = {(s, e): float(v) for s, e, v in runs[0]}
    assert sum(v for (s, _), v in total.items() if s == "ada") == sum(points(ASSIGNMENT).values())
    assert total["bob", "kinks_crossed"] == 0
