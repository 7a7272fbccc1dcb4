"""Does the grading command grade the same way every time, keep late penalties, and retry what is not
the student's fault? Kernels started together each get sockets of their own."""

import csv
import logging
import os
import sqlite3
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook

from nnpractice_instructor.course import points, submission
from nnpractice_instructor.kernels import execute
from nnpractice_instructor.layout import autograder_dir, gradebook_url
from nnpractice_instructor.collect import GRADED, NOT_GRADED
from nnpractice_instructor.run import OVERTIME, grade_all, grade_one, kernel_wanted_after, run_nbgrader
from nnpractice_instructor.workers import WarmUp, Workers, job_cores, submission_config
from tests.helpers import command_line, grade, hand_in, wait_for
from tests.hostile import ASSIGNMENT, WRONG_KINKS, infinite_loop_cell


@pytest.mark.slow
def test_same_submission_graded_three_times_gets_the_same_score(course, tmp_path):
    """Is grading deterministic: the same LMS zip, graded three times, gives the same grades?"""
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("ada_hw.ipynb", nbformat.writes(submission(ASSIGNMENT)))
        handle.writestr("bob_hw.ipynb", nbformat.writes(submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})))
    runs = []
    for _ in range(3):
        result = grade(course, str(archive), "--assignment", ASSIGNMENT)
        assert result.returncode == 0, result.stdout + result.stderr
        with open(course / "grades" / "grades.csv", newline="") as handle:
            runs.append([(r["student"], r["exercise"], r["score"]) for r in csv.DictReader(handle)])
    assert runs[0] == runs[1] == runs[2]
    total = {(s, e): float(v) for s, e, v in runs[0]}
    assert sum(v for (s, _), v in total.items() if s == "ada") == sum(points(ASSIGNMENT).values())
    assert total["bob", "kinks_crossed"] == 0


@pytest.mark.slow
def test_submission_time_reaches_the_gradebook(course):
    """Does nbgrader's timestamp.txt reach the gradebook, so that a late submission is recorded late?"""
    assert run_nbgrader(course, "db", "assignment", "add", ASSIGNMENT,
                    "--duedate=2026-03-01 17:00:00 UTC").returncode == 0
    for student, stamp in (("on_time", "2026-03-01 16:59:00 UTC"), ("late", "2026-03-02 17:00:00 UTC")):
        hand_in(course, student, ASSIGNMENT, submission(ASSIGNMENT))
        (course / "submitted" / student / ASSIGNMENT / "timestamp.txt").write_text(stamp)
    result = grade(course, "--assignment", ASSIGNMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    with Gradebook(gradebook_url(course)) as gradebook:
        late = {s: gradebook.find_submission(ASSIGNMENT, s).total_seconds_late for s in ("on_time", "late")}
    assert late == {"on_time": 0, "late": 24 * 3600}


@pytest.mark.slow
def test_a_failure_outside_the_submission_is_graded_at_the_next_attempt(course):
    """With the gradebook locked during the first attempt, is the submission graded at the second?"""
    hand_in(course, "ada", ASSIGNMENT, submission(ASSIGNMENT))
    lock = sqlite3.connect(course / "gradebook.db", isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")  # every other connection waits, then gives up: 'database is locked'

    class ReleaseAfterFirstFailure(logging.Handler):
        def emit(self, record):
            if lock.in_transaction:
                lock.execute("ROLLBACK")

    handler = ReleaseAfterFirstFailure()
    logging.getLogger("nnpractice_instructor.run").addHandler(handler)
    try:
        problems = grade_all(course, [("ada", ASSIGNMENT)], jobs=1, timeout=60, progress=False)
    finally:
        logging.getLogger("nnpractice_instructor.run").removeHandler(handler)
        lock.close()
    assert len(problems) == 1 and problems[0].reason.startswith("graded at attempt 2 after attempt 1:")
    assert "database is locked" in problems[0].reason, problems[0].reason
    with Gradebook(gradebook_url(course)) as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").score == sum(points(ASSIGNMENT).values())


@pytest.mark.slow
def test_kernels_started_together_each_use_sockets_of_their_own(tmp_path):
    """Do six notebooks started at the same moment all run, each kernel on IPC sockets of its own?"""
    source = "from ipykernel.kernelapp import IPKernelApp\napp = IPKernelApp.instance()\nprint(app.transport, app.ip)"
    notebooks = [new_notebook(cells=[new_code_cell(source)]) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda nb: execute(nb, tmp_path, timeout=120), notebooks))
    transports = [nb.cells[0].outputs[0].text.split() for nb in notebooks]
    assert {transport for transport, _ in transports} == {"ipc"}
    assert len({address for _, address in transports}) == 6


@pytest.mark.slow
def test_students_named_in_any_script_are_each_graded_under_their_name(course, tmp_path):
    """Does an LMS zip of students named in Chinese, Arabic, with spaces and accents (two of them
    alike once accents are dropped) give every student their own grade, under their own name?"""
    names = ["张伟", "王芳", "محمد علي", "José Núñez", "Jose Nunez"]
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for name in names:
            nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS} if name == "王芳" else None)
            handle.writestr(f"{name}_hw1.ipynb", nbformat.writes(nb))
    result = grade(course, str(archive), "--assignment", ASSIGNMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades" / "totals.csv", newline="", encoding="utf-8") as handle:
        totals = {row["name"]: float(row[ASSIGNMENT]) for row in csv.DictReader(handle)}
    full = sum(points(ASSIGNMENT).values())
    assert totals == {name: full - (points(ASSIGNMENT)["kinks_crossed"] if name == "王芳" else 0) for name in names}


def descendants(pid):
    """The pids of every process started, directly or not, by process `pid` and running now."""
    return {child.pid for child in psutil.Process(pid).children(recursive=True)}


def kill_once_it_grades(process, timeout=60):
    """Kill the grading process `process` as soon as it has started a kernel (a child): while it grades."""
    wait_for(lambda: descendants(process.pid), timeout, "the grading process to start a kernel")
    process.kill()


@pytest.mark.slow
def test_a_worker_over_time_or_killed_is_replaced_and_the_next_submission_graded(course):
    """A submission over its time limit stops its grading process; a process killed while it grades is
    replaced and the submission graded at the next attempt; nothing is lost either way."""
    looping, _, _ = infinite_loop_cell()
    hand_in(course, "slow", ASSIGNMENT, looping)
    hand_in(course, "ada", ASSIGNMENT, submission(ASSIGNMENT))
    with Workers(1) as workers, workers.take() as worker:
        first = worker.process.pid
        problem = grade_one(course, "slow", ASSIGNMENT, timeout=60, submission_timeout=12, worker=worker)
        assert problem.status == NOT_GRADED and problem.reason.startswith(f"attempt 1: {OVERTIME}"), problem
        second = worker.process.pid
        assert second != first and worker.process.is_alive()
        killer = threading.Thread(target=kill_once_it_grades, args=(worker.process,))
        killer.start()
        problem = grade_one(course, "ada", ASSIGNMENT, worker=worker)
        killer.join()
    assert problem.status == GRADED and problem.reason.startswith("graded at attempt 2 after attempt 1: the grading "
                                                                  "process ended"), problem
    with Gradebook(gradebook_url(course)) as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").score == sum(points(ASSIGNMENT).values())


@pytest.mark.parametrize("available, jobs, expected", [
    ({0, 1}, 2, [{0}, {1}]),
    ({0, 1, 2, 3}, 2, [{0, 2}, {1, 3}]),
    ({4, 5, 6}, 3, [{4}, {5}, {6}]),
    ({0, 1, 2, 3, 4}, 2, [{0, 2, 4}, {1, 3}]),
    ({0, 1}, 1, [None]),        # one job: any core
    ({0, 1}, 3, [None] * 3),    # more jobs than cores: the system balances them
])
def test_jobs_get_cores_of_their_own(available, jobs, expected):
    """Are the cores dealt out so that no two jobs share one and every core has a job?"""
    cores = [job_cores(index, jobs, available) for index in range(jobs)]
    assert cores == expected
    assert job_cores(jobs, jobs, available) == cores[0]  # a job index past the last wraps around


@pytest.mark.slow
def test_each_grading_process_and_its_kernels_run_on_the_cores_of_its_job(course):
    """At 2 jobs, does each grading process run on its job's cores (none shared when the machine has two or
    more), and every process it starts (the kernel warming up, its sandbox) on the same?"""
    with Workers(2, WarmUp(str(course), [ASSIGNMENT], kernels_ahead=True)) as workers:
        for index, worker in enumerate(workers.all):
            expected = job_cores(index, 2) or os.sched_getaffinity(0)
            kernel = wait_for_kernel(worker.process.pid)
            cores = {}
            for pid in descendants(worker.process.pid):
                try:
                    cores[pid] = os.sched_getaffinity(pid)
                except ProcessLookupError:
                    pass  # ended meanwhile (a launcher's short-lived helper)
            assert kernel in cores, "the kernel ended while it waited"
            assert os.sched_getaffinity(worker.process.pid) == expected
            assert cores == {pid: expected for pid in cores}
    if len(os.sched_getaffinity(0)) >= 2:
        assert job_cores(0, 2).isdisjoint(job_cores(1, 2))


def wait_for_kernel(pid, timeout=60):
    """The pid of the sandboxed kernel that process `pid` started (ahead.py), once it runs."""
    def kernel():
        return next((child.pid for child in psutil.Process(pid).children(recursive=True)
                     if "IPKernelApp" in command_line(child)), None)
    return wait_for(kernel, timeout, "the grading process to start a kernel")


def test_one_submissions_options_never_reach_the_next():
    """A grading process keeps the course configuration; does a submission's option (here the sandbox's
    kernel) stay out of the next submission's configuration?"""
    folder = str(autograder_dir())
    first = submission_config(folder, ["--ExecutePreprocessor.kernel_name=nnpractice-sandbox",
                                       "--CourseDirectory.root=/tmp/first"])
    second = submission_config(folder, ["--CourseDirectory.root=/tmp/second"])
    assert first.ExecutePreprocessor.kernel_name == "nnpractice-sandbox"
    assert "kernel_name" not in second.ExecutePreprocessor and second.CourseDirectory.root == "/tmp/second"
    assert second.Autograde.autograde_preprocessors[0] == "nnpractice_instructor.judge.Probe"


@pytest.mark.parametrize("jobs", [1, 2, 3])
@pytest.mark.parametrize("count", [1, 2, 5, 20])
def test_every_kernel_started_is_used(jobs, count):
    """Graded in order, `jobs` at a time (each worker warmed up with one kernel), do `count` submissions
    start exactly `count` kernels: none started ahead for a submission that never comes, none missing?"""
    workers = min(jobs, count)  # grade_all starts no more workers than submissions
    ahead = sum(kernel_wanted_after(index, jobs, count) for index in range(count))
    assert workers + ahead == count
