"""Does the grading command read what instructors download, and grade the same way every time?"""

import csv
import logging
import sqlite3
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook

from tests.course import ROOT, course_copy, execute, nbgrader, points, submission
from tests.hostile import ASSIGNMENT, WRONG_KINKS

sys.path.insert(0, str(ROOT / "autograder"))
from grader.collect import collect, student_id  # noqa: E402
from grader.run import grade_all  # noqa: E402


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


@pytest.mark.slow
@pytest.mark.xdist_group("release")
def test_submission_time_reaches_the_gradebook(tmp_path):
    """Does nbgrader's timestamp.txt reach the gradebook, so that a late submission is recorded late?"""
    course = course_copy(tmp_path / "course")
    assert nbgrader(course, "generate_assignment", ASSIGNMENT, "--force").returncode == 0
    assert nbgrader(course, "db", "assignment", "add", ASSIGNMENT,
                    "--duedate=2026-03-01 17:00:00 UTC").returncode == 0
    for student, stamp in (("on_time", "2026-03-01 16:59:00 UTC"), ("late", "2026-03-02 17:00:00 UTC")):
        write(course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", submission(ASSIGNMENT))
        (course / "submitted" / student / ASSIGNMENT / "timestamp.txt").write_text(stamp)
    result = subprocess.run([sys.executable, "-m", "grader", "--assignment", ASSIGNMENT, "--no-progress"],
                            cwd=course / "autograder", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        late = {s: gradebook.find_submission(ASSIGNMENT, s).total_seconds_late for s in ("on_time", "late")}
    assert late == {"on_time": 0, "late": 24 * 3600}


@pytest.mark.slow
@pytest.mark.xdist_group("release")
def test_a_failure_outside_the_submission_is_graded_at_the_next_attempt(tmp_path):
    """With the gradebook locked during the first attempt, is the submission graded at the second?"""
    course = course_copy(tmp_path / "course")
    assert nbgrader(course, "generate_assignment", ASSIGNMENT, "--force").returncode == 0
    write(course / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", submission(ASSIGNMENT))
    lock = sqlite3.connect(course / "gradebook.db", isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")  # every other connection waits, then gives up: 'database is locked'

    class ReleaseAfterFirstFailure(logging.Handler):
        def emit(self, record):
            if lock.in_transaction:
                lock.execute("ROLLBACK")

    handler = ReleaseAfterFirstFailure()
    logging.getLogger("grader.run").addHandler(handler)
    try:
        problems = grade_all(course, [("ada", ASSIGNMENT)], jobs=1, timeout=60, progress=False)
    finally:
        logging.getLogger("grader.run").removeHandler(handler)
        lock.close()
    assert len(problems) == 1 and problems[0].reason.startswith("graded at attempt 2 after attempt 1:")
    assert "database is locked" in problems[0].reason, problems[0].reason
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").score == sum(points(ASSIGNMENT).values())


def test_kernels_started_together_each_use_sockets_of_their_own(tmp_path):
    """Do six notebooks started at the same moment all run, each kernel on IPC sockets of its own?"""
    source = "from ipykernel.kernelapp import IPKernelApp\napp = IPKernelApp.instance()\nprint(app.transport, app.ip)"
    notebooks = [new_notebook(cells=[new_code_cell(source)]) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda nb: execute(nb, tmp_path, timeout=120), notebooks))
    transports = [nb.cells[0].outputs[0].text.split() for nb in notebooks]
    assert {transport for transport, _ in transports} == {"ipc"}
    assert len({address for _, address in transports}) == 6
