"""Does one grading run survive a class of broken and hostile submissions, scoring each honestly?

Every case of tests/hostile.py is handed in by its own student, with two
honest students around them, and the whole class is graded by one run of the
grading command (`nnpractice-grade`) with 2 jobs, in the sandbox, under its
limits: the resource bombs run for real (each stops by itself).
"""

import csv
import os
import shutil

import nbformat
import psutil
import pytest

from nnpractice_instructor.course import points, submission
from nnpractice_instructor.layout import SUBMITTED
from nnpractice_instructor.selfcheck import check_many
from tests.helpers import grade as grade_course
from tests.hostile import ASSIGNMENT, CASES, DETACHED_MARKER, WATCHED, listener

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile")]


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """(course, grading result, {student: {exercise: score}}) after grading the hostile class."""
    course = shutil.copytree(released_course, tmp_path_factory.mktemp("hostile") / "course")
    class_folder = course / SUBMITTED
    for case in CASES:
        content, filename, _ = case()
        folder = class_folder / case.__name__ / ASSIGNMENT
        folder.mkdir(parents=True)
        several = isinstance(content, dict) and not isinstance(content, nbformat.NotebookNode)
        for name, data in (content if several else {filename or f"{ASSIGNMENT}.ipynb": content}).items():
            if isinstance(data, nbformat.NotebookNode):
                nbformat.write(data, folder / name)
            else:
                (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
    for honest in ("aaa_honest_first", "zzz_honest_last"):
        (class_folder / honest / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(submission(ASSIGNMENT), class_folder / honest / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    shutil.rmtree(WATCHED, ignore_errors=True)
    WATCHED.mkdir()
    os.chmod(WATCHED, 0o777)  # writable by anyone: only the sandbox keeps the detached process out
    listener()  # listening before any kernel starts
    home = os.environ.get("HOME")
    os.environ["HOME"] = str(course.parent)  # the course in the home folder, for steals_by_home
    try:
        result = grade_course(course, "--assignment", ASSIGNMENT, "--jobs", "2", "--timeout", "8", "--feedback")
    finally:
        if home is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = home
    with open(course / "grades" / "grades.csv", newline="") as handle:
        scores = {}
        for row in csv.DictReader(handle):
            scores.setdefault(row["student"], {})[row["exercise"]] = float(row["score"])
    return course, result, scores


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_hostile_submission_gets_its_honest_score(graded, case):
    """Is this submission graded, with exactly the points of its honestly correct functions?"""
    _, result, scores = graded
    assert scores[case.__name__] == case()[2], result.stdout[-3000:]


def test_honest_students_around_them_get_full_marks(graded):
    """Do the honest students graded before and after the hostile ones get every point?"""
    course, result, scores = graded
    report = result.stdout[-3000:] + result.stderr[-3000:] + (course / "grades" / "problems.csv").read_text()
    assert scores["aaa_honest_first"] == points(ASSIGNMENT), report
    assert scores["zzz_honest_last"] == points(ASSIGNMENT), report


def test_problems_are_reported(graded):
    """Are the unreadable and renamed notebooks named in problems.csv and the summary?"""
    course, result, _ = graded
    problems = (course / "grades" / "problems.csv").read_text()
    assert "invalid_json" in problems and "not a valid notebook" in problems
    assert "renamed_notebook" in problems
    assert "invalid_json" in result.stdout
    assert result.returncode == 1, "a class with an ungradable notebook must make the command fail"


def test_feedback_names_the_mistake_without_hidden_tests(graded):
    """Do grades.csv and the feedback page give the failing check's message, but no hidden test line?"""
    course, _, _ = graded
    with open(course / "grades" / "grades.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["student"] == "patches_numpy_inside_function"]
    message = next(r["message"] for r in rows if r["exercise"] == "kinks_crossed")
    assert message.startswith("GradingIntegrityError: the checks were tampered with") and "array_equal" in message
    page = (course / "feedback" / "edited_test_cells" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "AssertionError" in page and "expected [False" in page
    assert "load_reference" not in page and "rng_check" not in page and "BEGIN HIDDEN" not in page


def test_analytics_are_written(graded):
    """Are pass rates and a grade histogram written for the instructor?"""
    course, _, _ = graded
    rates = (course / "grades" / "pass_rates.csv").read_text()
    assert "kinks_crossed" in rates
    assert (course / "grades" / "histogram.png").stat().st_size > 1000


def test_resource_limits_are_named_in_problems(graded):
    """Does problems.csv name the limit each resource bomb hit, with the submission still graded?"""
    course, _, _ = graded
    with open(course / "grades" / "problems.csv", newline="") as handle:
        reasons = {row["student"]: (row["status"], row["reason"]) for row in csv.DictReader(handle)}
    for student, limit in (("memory_bomb", "memory limit"), ("fork_bomb", "process limit"),
                           ("disk_filler", "disk limit")):
        assert student in reasons, f"{student}: no problem row"
        status, reason = reasons[student]
        assert status == "graded" and f"the sandbox's {limit}" in reason, reasons[student]


def test_nothing_reached_the_network(graded):
    """Did no connection from a graded notebook reach the test's listener on 127.0.0.1?"""
    server = listener()
    server.setblocking(False)
    try:
        connection, address = server.accept()
    except BlockingIOError:
        return
    connection.close()
    pytest.fail(f"a graded notebook connected to 127.0.0.1 from {address}")


def test_no_process_outlives_its_kernel(graded):
    """After grading, is the detached process gone, and did it write nothing into the watched folder?"""
    # process_iter leaves cmdline None for a process it may not read or that ended meanwhile
    alive = [p.pid for p in psutil.process_iter(["cmdline"]) if DETACHED_MARKER in " ".join(p.info["cmdline"] or ())]
    assert alive == [], f"processes left by a graded notebook: {alive}"
    assert list(WATCHED.iterdir()) == [], "a process of a graded notebook wrote outside the sandbox"


@pytest.mark.xdist_group("hostile_selfcheck")
def test_self_check_gives_every_hostile_notebook_its_honest_score(tmp_path):
    """Does the self-check (`make check`: the same judge, sandbox and limits) give every hostile case that
    is one notebook the score the grading command must give it (test_hostile_submission_gets_its_honest_score)?"""
    cases, paths = [], []
    for case in CASES:
        content, filename, expected = case()
        if not isinstance(content, nbformat.NotebookNode) or filename not in (None, f"{ASSIGNMENT}.ipynb"):
            continue  # several files, raw bytes or another name: what collection handles, not the self-check
        folder = tmp_path / case.__name__
        folder.mkdir()
        nbformat.write(content, folder / f"{ASSIGNMENT}.ipynb")
        cases.append((case.__name__, expected))
        paths.append(folder / f"{ASSIGNMENT}.ipynb")
    listener()
    results = check_many(paths, timeout=8, jobs=2)
    wrong = {}
    for (name, expected), result in zip(cases, results):
        got = {e.name: e.score for e in result.exercises}
        if result.problem or got != {e: float(p) for e, p in expected.items()}:
            # what each exercise that scored otherwise said, and what the grading noted about the notebook
            said = {e.name: f"{e.status}: {e.hint}" for e in result.exercises if e.score != expected.get(e.name, 0)}
            wrong[name] = (got, expected, result.problem, said, result.notes)
    assert len(cases) >= 25 and not wrong, wrong
