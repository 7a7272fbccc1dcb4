"""Does grading on a Dask cluster give the grades of local grading, even when a worker dies mid-run?

The test starts a scheduler and two single-threaded workers on localhost
(`dask scheduler`, `dask worker`): one that keeps its grading process and the
unpacked course between tasks (worker processes that may start processes), one
daemonic (Dask's default) that grades each submission in an nbgrader process
of its own. It grades a few submissions of chapter 01 (honest, wrong, hostile)
with `nnpractice-grade --scheduler`, and kills one worker, with everything it
started, as soon as it executes a grading task.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from nbgrader.api import Gradebook

from nnpractice_instructor.course import scratch_course, submission
from nnpractice_instructor.pipeline import ensure_in_gradebook
from nnpractice_instructor.layout import AUTOGRADED, SUBMITTED, gradebook_url
from nnpractice_instructor.run import run_nbgrader
from tests.helpers import grade, hand_in, wait_for
from tests.hostile import ASSIGNMENT, WRONG_KINKS, kernel_crash_in_function, reads_solutions_and_gradebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dask")]

DASK = str(Path(sys.executable).parent / "dask")


def class_of_five():
    """{student: notebook}: two honest, one wrong, two hostile submissions of chapter 01."""
    return {"ada_honest": submission(ASSIGNMENT), "bob_wrong": submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS}),
            "cy_crashes_kernel": kernel_crash_in_function()[0], "dee_steals": reads_solutions_and_gradebook()[0],
            "eve_honest": submission(ASSIGNMENT)}


@pytest.fixture(scope="module")
def handed_in(tmp_path_factory):
    """A course of chapter 01 only, recorded in its gradebook with a due date, with class_of_five() handed
    in (bob a day late, by nbgrader's timestamp.txt). Read only."""
    course = scratch_course(tmp_path_factory.mktemp("dask") / "course", only=[ASSIGNMENT])
    ensure_in_gradebook(course, [ASSIGNMENT])
    assert run_nbgrader(course, "db", "assignment", "add", ASSIGNMENT,
                        "--duedate=2026-03-01 17:00:00 UTC").returncode == 0
    for student, nb in class_of_five().items():
        hand_in(course, student, ASSIGNMENT, nb)
    (course / SUBMITTED / "bob_wrong" / ASSIGNMENT / "timestamp.txt").write_text("2026-03-02 17:00:00 UTC")
    return course


@pytest.fixture
def cluster(tmp_path):
    """The address of a scheduler and two workers on localhost, stopped after."""
    file = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(file)], **quiet)]
    wait_for(file.exists, 60, "the scheduler")
    for daemon in ("False", "True"):  # False: the worker keeps a grading process (cluster.grader)
        processes.append(subprocess.Popen([DASK, "worker", "--scheduler-file", str(file), "--nworkers", "1",
                                           "--nthreads", "1", "--no-dashboard", "--local-directory", str(tmp_path)],
                                          env={**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": daemon}, **quiet))
    address = json.loads(file.read_text())["address"]
    from distributed import Client
    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    yield address
    for process in reversed(processes):
        process.send_signal(signal.SIGINT)
    for process in reversed(processes):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def gradebook_rows(course):
    """{student: (timestamp, seconds late, score, [(cell, auto score, needs manual grade)])} of the gradebook."""
    with Gradebook(gradebook_url(course)) as gradebook:
        return {s.student.id: (s.timestamp, s.total_seconds_late, s.score,
                               sorted((g.name, g.auto_score, g.needs_manual_grade)
                                      for n in s.notebooks for g in n.grades))
                for s in gradebook.assignment_submissions(ASSIGNMENT)}


def grades_csv(course):
    with open(course / "grades" / "grades.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def kill_first_busy_worker(address):
    """Once a worker executes a grading task, kill that worker process and all it started (as if its machine
    died); its nanny starts a new one. Returns whether the killed worker kept a grading process."""
    from distributed import Client

    def grading_now(dask_worker):
        """(this worker's pid, whether it executes a grading task, whether it keeps a grading process); run on
        every worker by Client.run. Defined here: a function of this module would be pickled by reference, and
        workers cannot import the tests."""
        import os

        from nnpractice_instructor import cluster

        executing = any(str(task.key).startswith("grade-") and task.state == "executing"
                        for task in dask_worker.state.tasks.values())
        return os.getpid(), executing, cluster._grader["grader"] is not None

    with Client(address, timeout=60) as client:
        def busy():
            return next(((pid, kept) for pid, executing, kept in client.run(grading_now).values() if executing),
                        None)

        pid, kept = wait_for(busy, 120, "a worker to start grading")
    worker = psutil.Process(pid)
    for process in [worker, *worker.children(recursive=True)]:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass  # ended meanwhile
    return kept


def test_cluster_grades_equal_local_grades_with_a_worker_killed(handed_in, cluster, tmp_path):
    """Local grading and grading on the cluster (one worker killed mid-run) give the same grades.csv,
    the same gradebook rows (timestamps, late seconds, every cell's automatic score), and every submission
    is in the gradebook and in autograded/ exactly once."""
    local, remote = (shutil.copytree(handed_in, tmp_path / name) for name in ("local", "remote"))
    start = time.perf_counter()
    on_cluster = subprocess.Popen([sys.executable, "-m", "nnpractice_instructor", "--course", str(remote),
                                   "--no-progress", "--scheduler", cluster], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    killed_kept_a_grader = kill_first_busy_worker(cluster)
    out, err = on_cluster.communicate(timeout=600)
    middle = time.perf_counter()
    here = grade(local, "--jobs", "2")
    print(f"on the cluster, a worker killed ({'with' if killed_kept_a_grader else 'without'} a kept grading "
          f"process): {middle - start:.1f} s; locally, 2 jobs: {time.perf_counter() - middle:.1f} s")
    assert here.returncode == 0, here.stdout + here.stderr
    assert on_cluster.returncode == 0, out + err
    assert grades_csv(remote) == grades_csv(local)
    students = set(class_of_five())
    with Gradebook(gradebook_url(remote)) as gradebook:
        submissions = [(s.student.id, s.assignment.name) for s in gradebook.assignment_submissions(ASSIGNMENT)]
    assert sorted(submissions) == sorted((s, ASSIGNMENT) for s in students)
    assert gradebook_rows(remote) == gradebook_rows(local)
    assert gradebook_rows(remote)["bob_wrong"][1] == 24 * 3600
    assert {p.name for p in (remote / AUTOGRADED).iterdir()} == students
    scores = {row["student"]: 0.0 for row in grades_csv(remote)}
    for row in grades_csv(remote):
        scores[row["student"]] += float(row["score"])
    assert scores["ada_honest"] == scores["eve_honest"] == 13 and scores["dee_steals"] == 11, scores


def total(result):
    """The automatic score of a grading task's result (cluster.grade_task), from its gradebook rows."""
    return sum(score for notebook in result["gradebook"]["notebooks"].values()
               for score, _ in notebook["grades"].values())


def test_a_worker_keeps_its_grading_process_and_course_for_one_run_only(handed_in, tmp_path):
    """Two tasks of one run are graded by the same grading process in the same unpacked course, which keeps no
    student's files between them; the first task of another run closes both and starts its own."""
    from nnpractice_instructor import cluster

    bundle = cluster.course_bundle(handed_in, {ASSIGNMENT})
    other_run = shutil.copytree(handed_in, tmp_path / "course")
    with Gradebook(gradebook_url(other_run)) as gradebook:
        gradebook.add_student("zed_added_later")  # the next run's bundle holds another gradebook
    try:
        honest = cluster.grade_task(bundle, "ada_honest", ASSIGNMENT,
                                    cluster.submitted_files(handed_in, "ada_honest", ASSIGNMENT))
        kept = cluster._grader["grader"]
        processes = [worker.process for worker in kept.workers.all]
        wrong = cluster.grade_task(bundle, "bob_wrong", ASSIGNMENT,
                                   cluster.submitted_files(handed_in, "bob_wrong", ASSIGNMENT))
        assert cluster._grader["grader"] is kept
        assert [worker.process for worker in kept.workers.all] == processes and all(p.is_alive() for p in processes)
        assert not any((kept.course / SUBMITTED).iterdir()) and not any((kept.course / AUTOGRADED).iterdir())
        assert (honest["problem"], total(honest)) == (None, 13) and total(wrong) < 13, (honest, wrong)
        assert f"{ASSIGNMENT}.ipynb" in honest["autograded"] and f"{ASSIGNMENT}.ipynb" in wrong["autograded"]

        again = cluster.grade_task(cluster.course_bundle(other_run, {ASSIGNMENT}), "ada_honest", ASSIGNMENT,
                                   cluster.submitted_files(other_run, "ada_honest", ASSIGNMENT))
        assert cluster._grader["grader"] is not kept and total(again) == 13
        assert not any(p.is_alive() for p in processes) and not kept.course.exists()
    finally:
        if cluster._grader["grader"] is not None:
            cluster._grader["grader"].close()
        cluster._grader["grader"] = None
