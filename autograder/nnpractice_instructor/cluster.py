"""Grade on a Dask distributed cluster: one task per submission, one writer of the gradebook.

`nnpractice-grade --scheduler ADDRESS` sends every (student, assignment) to
the cluster's workers as a task. A worker grades it exactly as the local
command does (`run.grade_one`, sandbox included), but in a scratch course of
its own, unpacked from a bundle the instructor's process made once per run:
the chapters' solutions/, notebooks/, references and nbgrader_config.py, and a
snapshot of the gradebook (for due dates, extensions and manual scores). So a
worker never writes the instructor's files, and needs the course's Python
environment but not the course's folder.

The task returns what nbgrader wrote: the autograded folder's files and the
submission's rows of the scratch gradebook (timestamp, late penalty, each
cell's automatic score and comment). Only the instructor's process writes
them into the course: the autograded/ folder and the gradebook, through
nbgrader's Gradebook API (one writer, no SQLite over a network file system).

A worker grades as the local command does: in long-lived grading processes
(workers.py, one per thread of the worker, nbgrader imported once), each
submission in a kernel started ahead while the previous one was graded. They
and the unpacked course are kept for the run's next tasks (`grader`), and
replaced when a task of another run arrives. This needs worker processes that
may start processes (`DASK_DISTRIBUTED__WORKER__DAEMON=False`); a daemonic
worker (Dask's default) grades each submission with an nbgrader process of its
own, unpacked afresh, the same grades more slowly.

A worker that dies is replaced (by its nanny, or by the cluster manager) and
the scheduler gives its tasks to another worker; a task that fails with an
exception is tried again (`retries`). Either way the instructor's process
records each submission once, from the one result it receives.
"""

import hashlib
import io
import multiprocessing
import shutil
import sqlite3
import tarfile
import tempfile
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

from tqdm import tqdm

from nnpractice_instructor.collect import NOT_GRADED, Problem
from nnpractice_instructor.course import scratch_course
from nnpractice_instructor.layout import (ATTEMPTS, AUTOGRADED, CELL_TIMEOUT, SUBMISSION_TIMEOUT, SUBMITTED,
                                          chapters, gradebook_url)

RETRIES = 2          # further tries of a task that raised (a dead worker is handled by the scheduler)
SUBMITTED_FILES = ("timestamp.txt",)  # besides the notebook, what run.grade_one reads from submitted/


# ---- the instructor's side: what workers need, once per run ---------------------------------

def course_bundle(course, assignments):
    """A .tar.gz (bytes) of what grading `assignments` reads from `course`, and a snapshot of its gradebook.

    Inputs:
    - course: Path of the instructor's course root.
    - assignments: chapter names to be graded.
    """
    with tempfile.TemporaryDirectory() as tmp:
        scratch = scratch_course(Path(tmp) / "course", only=sorted(assignments), course=course)
        snapshot(Path(course) / "gradebook.db", scratch / "gradebook.db")
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            tar.add(scratch, arcname="course")
    return buffer.getvalue()


def snapshot(database, target):
    """Copy the SQLite database `database` to `target` consistently (SQLite's backup API)."""
    source, copy = sqlite3.connect(database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


def submitted_files(course, student, assignment):
    """{file name: bytes} of a submission's folder that grading reads: the notebook and timestamp.txt."""
    folder = Path(course) / SUBMITTED / student / assignment
    names = (f"{assignment}.ipynb", *SUBMITTED_FILES)
    return {name: (folder / name).read_bytes() for name in names if (folder / name).is_file()}


# ---- the worker's side -------------------------------------------------------------------------

def hold(data):
    """The task that holds the bundle on the cluster: its result is `data`. Unlike scattered data, a
    result the scheduler loses with a worker is computed again from the task."""
    return data


def grade_task(bundle, student, assignment, files, timeout=CELL_TIMEOUT, submission_timeout=SUBMISSION_TIMEOUT,
               sandbox_required=True):
    """Grade one submission on a worker, in a scratch course; returns what to record (see `record`).

    Inputs:
    - bundle: bytes of course_bundle().
    - student, assignment: the submission's ids.
    - files: {file name: bytes} of its submitted folder (submitted_files()).
    - timeout, submission_timeout: seconds per cell and per notebook, as for local grading.
    - sandbox_required: the kernel must run in the operating-system sandbox (else it does where the
      worker can, as `nnpractice-grade --no-sandbox-i-accept-the-risk` does locally).
    Returns {"student", "assignment", "problem": Problem or None, "autograded": {relative path: bytes},
    "gradebook": rows of the submission (exported()) or None}.
    """
    from nnpractice_instructor import sandbox
    from nnpractice_instructor.run import grade_one

    sandboxed = sandbox_required or sandbox.unavailable() is None
    with grader(bundle, sandboxed) as (course, worker):
        folder, graded = (course / kind / student / assignment for kind in (SUBMITTED, AUTOGRADED))
        try:
            folder.mkdir(parents=True)
            for name, data in files.items():
                (folder / name).write_bytes(data)
            problem = grade_one(course, student, assignment, timeout, submission_timeout, ATTEMPTS, sandboxed,
                                worker)
            autograded = {str(p.relative_to(graded)): p.read_bytes() for p in sorted(graded.rglob("*"))
                          if p.is_file()}
            return {"student": student, "assignment": assignment, "problem": problem, "autograded": autograded,
                    "gradebook": exported(course, student, assignment)}
        finally:  # a course kept for the next tasks keeps no student's files
            for kept in (folder, graded):
                shutil.rmtree(kept, ignore_errors=True)
                with suppress(OSError):  # the student's folder, unless another task of theirs uses it
                    kept.parent.rmdir()


class Grader:
    """What a worker process keeps for the tasks of one run: the course unpacked from the run's bundle, and
    long-lived grading processes (workers.Workers, one per thread of the worker) warmed up for its chapters;
    key: what identifies the run (the bundle's sha256, and whether kernels are sandboxed)."""

    def __init__(self, key, bundle, threads, sandboxed):
        from nnpractice_instructor.workers import grading_workers

        self.key = key
        self.folder = tempfile.TemporaryDirectory(prefix="nnp-run-")
        self.course = unpacked(bundle, Path(self.folder.name))
        self.workers = grading_workers(self.course, chapters(self.course), threads, sandboxed)

    def close(self):
        self.workers.close()  # its kernels started ahead die with it
        self.folder.cleanup()


_grader = {"grader": None}  # this worker process's Grader, for the run of its key
_grader_lock = threading.Lock()


@contextmanager
def grader(bundle, sandboxed):
    """(course, workers.Worker or None) to grade one submission of the run of `bundle` in this process.

    Where this process may start processes, the run's Grader (made by its first task, closed when a task of
    another run comes) lends one of its grading processes; else (a daemonic Dask worker) the course is
    unpacked for this task alone and None says: grade in an nbgrader process of its own.
    """
    if multiprocessing.current_process().daemon:
        with tempfile.TemporaryDirectory(prefix="nnp-task-") as tmp:
            yield unpacked(bundle, Path(tmp)), None
        return
    key = (hashlib.sha256(bundle).hexdigest(), sandboxed)
    with _grader_lock:
        current = _grader["grader"]
        if current is None or current.key != key:
            if current is not None:
                _grader["grader"] = None  # closed, even if the next one cannot be made
                current.close()
            current = _grader["grader"] = Grader(key, bundle, worker_threads(), sandboxed)
    with current.workers.take() as worker:
        yield current.course, worker


def worker_threads():
    """How many tasks this Dask worker runs at a time (1 outside a worker)."""
    from distributed import get_worker

    try:
        return get_worker().state.nthreads
    except ValueError:
        return 1


def unpacked(bundle, folder):
    """The course of `bundle` (course_bundle()'s bytes) unpacked into `folder`; returns its Path."""
    with tarfile.open(fileobj=io.BytesIO(bundle), mode="r:gz") as tar:
        tar.extractall(folder, filter="data")
    return folder / "course"


def exported(course, student, assignment):
    """What nbgrader autograde wrote about one submission in the gradebook of `course`, as plain data:
    {"timestamp", "notebooks": {name: {"late_submission_penalty", "grades": {grade_id: (auto_score,
    needs_manual_grade)}, "comments": {grade_id: auto_comment}}}}; None if there is no submission."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {"timestamp": submission.timestamp, "notebooks": {
            notebook.name: {"late_submission_penalty": notebook.late_submission_penalty,
                            "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in notebook.grades},
                            "comments": {c.name: c.auto_comment for c in notebook.comments}}
            for notebook in submission.notebooks}}


# ---- back on the instructor's side: the one writer ---------------------------------------------

def record(course, result):
    """Write a task's result into the course: its autograded/ folder (replaced, as local grading does when
    nbgrader succeeded), then its gradebook rows."""
    student, assignment = result["student"], result["assignment"]
    if result["autograded"]:
        target = Path(course) / AUTOGRADED / student / assignment
        shutil.rmtree(target, ignore_errors=True)
        for relative, data in result["autograded"].items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if result["gradebook"] is not None:
        import_submission(course, student, assignment, result["gradebook"])


def import_submission(course, student, assignment, rows):
    """Set the submission's rows in the course's gradebook to `rows` (from exported()), creating the
    student and the submission if needed, as nbgrader autograde does; manual scores stay."""
    from nnpractice_instructor.run import open_gradebook

    with open_gradebook(course) as gradebook:
        gradebook.update_or_create_student(student)
        submission = gradebook.update_or_create_submission(assignment, student)
        submission.timestamp = rows["timestamp"]
        for name, notebook in rows["notebooks"].items():
            gradebook.find_submission_notebook(name, assignment, student).late_submission_penalty = \
                notebook["late_submission_penalty"]
            for grade_id, (auto_score, needs_manual_grade) in notebook["grades"].items():
                grade = gradebook.find_grade(grade_id, name, assignment, student)
                grade.auto_score, grade.needs_manual_grade = auto_score, needs_manual_grade
            for grade_id, auto_comment in notebook["comments"].items():
                gradebook.find_comment(grade_id, name, assignment, student).auto_comment = auto_comment
        gradebook.db.commit()


class ClusterUnreachable(RuntimeError):
    """The Dask scheduler given to the grading command cannot be reached."""


def connect(scheduler):
    """A distributed.Client of the scheduler at address `scheduler`; raises ClusterUnreachable."""
    from distributed import Client

    try:
        return Client(scheduler)
    except OSError as error:
        raise ClusterUnreachable(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error


def sandbox_unavailable(client):
    """{worker address: why its kernels cannot be sandboxed} for every worker that cannot."""
    from nnpractice_instructor import sandbox

    return {worker: why for worker, why in client.run(sandbox.unavailable).items() if why}


def grade_on_cluster(course, pairs, scheduler, timeout=CELL_TIMEOUT, submission_timeout=SUBMISSION_TIMEOUT,
                     progress=True, sandbox_required=True, retries=RETRIES):
    """Grade every (student, assignment) pair on the Dask cluster at `scheduler`; returns [Problem].

    Inputs:
    - course: Path of the instructor's course root (the only one written).
    - pairs: [(student, assignment)] handed in under submitted/.
    - scheduler: the scheduler's address, e.g. tcp://10.0.0.5:8786, or a distributed.Client.
    - timeout, submission_timeout: seconds per cell and per notebook.
    - progress: show a progress bar.
    - sandbox_required: every worker must run kernels in the sandbox (else those that can do).
    - retries: further tries of a task that raised an exception.
    """
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else connect(scheduler)
    try:
        if sandbox_required and (cannot := sandbox_unavailable(client)):
            from nnpractice_instructor.sandbox import SandboxUnavailable
            raise SandboxUnavailable("; ".join(f"worker {w}: {why}" for w, why in cannot.items()))
        bundle = client.submit(hold, course_bundle(course, {a for _, a in pairs}), pure=False)
        futures = {client.submit(grade_task, bundle, s, a, submitted_files(course, s, a), timeout,
                                 submission_timeout, sandbox_required, key=f"grade-{a}-{s}-{i}", pure=False,
                                 retries=retries): (s, a) for i, (s, a) in enumerate(pairs)}
        problems = [recorded(course, future, futures[future])
                    for future in tqdm(as_completed(futures), total=len(futures), desc="grading",
                                       unit="notebook", disable=not progress)]
    finally:
        if client is not scheduler:
            client.close()
    return [problem for problem in problems if problem]


def recorded(course, future, pair):
    """Record the result of a finished task; returns its Problem, or one saying why the task failed."""
    try:
        result = future.result()
    except Exception as error:  # the task failed on every try, or its workers kept dying
        return Problem(*pair, f"not graded on the cluster: {type(error).__name__}: {error}"[:500], status=NOT_GRADED)
    record(course, result)
    return result["problem"]
