"""Grade submissions in parallel, each in a sandbox of its own.

nbgrader's autograde grades one submission after another. Here every
(student, assignment) is autograded on its own (`nbgrader autograde
--student`), `jobs` at a time, by long-lived grading processes (workers.py:
nbgrader imported once per job, not once per submission, each kernel started
while the previous submission is graded), in a temporary
course folder that holds only that submission, and its kernel runs in an operating-system sandbox (sandbox.py:
bubblewrap, no network, read-only system, no course root, resource limits).
A cell that hits a limit of the sandbox fails by itself; the submission is
graded, and a problem row names the limit. All
processes write to the course's gradebook; the autograded notebook is copied
back into the course's autograded/ folder for feedback.

A run of nbgrader that fails for a reason outside the submission (a kernel
that dies while starting, a gradebook locked for longer than SQLite waits)
is tried again, `attempts` times in all, before the submission is reported
as ungradable; a notebook that runs over its time limit is not.
"""

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import lru_cache
from pathlib import Path

import nbformat
from tqdm import tqdm

from nnpractice_instructor.collect import GRADED, NOT_GRADED, Problem
from nnpractice_instructor import sandbox as os_sandbox
from nnpractice_instructor.kernels import command_line_options, socket_folder
from nnpractice_instructor.layout import (ATTEMPTS, AUTOGRADED, CELL_TIMEOUT, JOBS, SUBMISSION_TIMEOUT, SUBMITTED,
                                          autograder_dir, gradebook_url, notebook_path, solution_folders)
from nnpractice_instructor.repair import repair
from nnpractice_instructor.workers import WorkerDied, grading_workers

OVERTIME = "grading took over"
log = logging.getLogger(__name__)


def nbgrader_command(*args):
    """The command line of `nbgrader ARGS` run by this very Python, whatever PATH says (nbgrader_cli.py)."""
    return [sys.executable, "-m", "nnpractice_instructor.nbgrader_cli", *args]


def grading_environment():
    """The environment for nbgrader: this Python's bin/ first on PATH, since nbgrader runs the
    `alembic` program to set up a gradebook (found there in a virtual environment)."""
    here, path = str(Path(sys.executable).parent), os.environ.get("PATH", "")
    if path.split(os.pathsep)[:1] == [here]:
        return dict(os.environ)
    return {**os.environ, "PATH": here + os.pathsep + path}


def open_gradebook(course):
    """nbgrader's Gradebook of the course, to use in a `with` block. Opening a new gradebook runs
    nbgrader's `alembic` program: this Python's bin/ is put first on PATH for it, so that it is
    found whatever environment the command was started from."""
    from nbgrader.api import Gradebook
    os.environ["PATH"] = grading_environment()["PATH"]
    return Gradebook(gradebook_url(course))


def run_nbgrader(course, *args, timeout=None, env=None):
    """Run `nbgrader ARGS` for the course in `course` (with `env` added to the grading environment);
    returns the CompletedProcess (text output)."""
    return subprocess.run(nbgrader_command(*args), cwd=autograder_dir(course),
                          env={**grading_environment(), **(env or {})}, capture_output=True, text=True, timeout=timeout)


class NbgraderFailed(RuntimeError):
    """An nbgrader command of the instructor's run failed (not a student's submission)."""


def nbgrader_or_fail(course, *args):
    """Run `nbgrader ARGS` for the course; raise NbgraderFailed with nbgrader's reason if it fails."""
    result = run_nbgrader(course, *args)
    if result.returncode != 0:
        raise NbgraderFailed(f"nbgrader {' '.join(args)} failed: {nbgrader_errors(result)}")
    return result


def nbgrader_per_assignment(course, command, assignments, *options, found):
    """Run `nbgrader COMMAND ASSIGNMENT OPTIONS` for every one of `assignments`; returns {assignment: reason}
    of those that failed (nbgrader_errors).

    found: the names of the assignments nbgrader would find by itself for COMMAND (the folders its
    path pattern matches). When they are exactly `assignments`, one nbgrader process does them all
    (`--assignment "*"`), so that nbgrader's start (about 2.5 s) is paid once, not once per assignment.
    If that run fails, every assignment is run again by itself, so that each failure has its own reason.
    """
    assignments = sorted(set(assignments))
    if len(assignments) > 1 and set(found) == set(assignments):
        if run_nbgrader(course, command, "--assignment", "*", *options).returncode == 0:
            return {}
    failed = {}
    for assignment in assignments:
        result = run_nbgrader(course, command, assignment, *options)
        if result.returncode != 0:
            failed[assignment] = nbgrader_errors(result)
    return failed


def generate_assignments(course, assignments, *options):
    """`nbgrader generate_assignment ASSIGNMENT --force OPTIONS` for every one of `assignments` (one
    nbgrader process for all, when they are every folder of solutions/); raises NbgraderFailed
    naming each assignment that failed, with nbgrader's reason."""
    failed = nbgrader_per_assignment(course, "generate_assignment", assignments, "--force", *options,
                                     found=solution_folders(course))
    if failed:
        raise NbgraderFailed("; ".join(f"nbgrader generate_assignment {assignment} failed: {reason}"
                                       for assignment, reason in failed.items()))


def repaired_submission(course, student, assignment):
    """The submitted notebook with its nbgrader metadata repaired from the release (repair.py),
    and the list of repairs made."""
    nb = nbformat.read(Path(course) / SUBMITTED / student / assignment / f"{assignment}.ipynb", as_version=4)
    release = notebook_path(assignment, "notebooks", course)
    if not release.is_file():
        return nb, []
    return repair(nb, released(release, release.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def released(path, modified):
    """The released notebook at `path`, read once for all its submissions (`modified`, its mtime, reads
    an edited release again). Shared: repair() only reads it, and copies the cells it puts back."""
    return nbformat.read(path, as_version=4)


def grade_one(course, student, assignment, timeout=CELL_TIMEOUT, submission_timeout=SUBMISSION_TIMEOUT,
              attempts=ATTEMPTS, sandboxed=True, worker=None, more=True):
    """Autograde one submission in a sandbox, up to `attempts` times; returns a Problem or None.

    worker: a workers.Worker to grade in (default: a `python -m nbgrader autograde` process of its own).
    more: whether the worker will grade more submissions after this one (False: it starts no kernel
    ahead for a next one).

    A submission repaired before grading, graded after a failed attempt, or
    with a cell that hit a limit of the sandbox, is still returned as a Problem
    (graded, with what happened), so that the instructor hears of it.
    sandboxed=False runs the kernel without the operating-system sandbox (the
    instructor accepted the risk); sandboxed=True raises SandboxUnavailable
    where it cannot run.
    """
    if sandboxed and os_sandbox.unavailable():
        raise os_sandbox.SandboxUnavailable(os_sandbox.unavailable())
    nb, repairs = repaired_submission(course, student, assignment)
    repaired = ["repaired: " + "; ".join(repairs)] if repairs else []
    failures = []
    for attempt in range(1, attempts + 1):
        with tempfile.TemporaryDirectory(prefix=f"grade-{student}-") as tmp:
            failure = autograde_in_sandbox(course, student, assignment, nb, Path(tmp), timeout, submission_timeout,
                                           sandboxed, worker, more)
        if failure is None:
            graded_after = [f"graded at attempt {attempt} after " + "; ".join(failures)] if failures else []
            notes = repaired + graded_after + limits_hit(course, student, assignment)
            return Problem(student, assignment, "; ".join(notes), status=GRADED) if notes else None
        failures.append(f"attempt {attempt}: {failure}")
        if failure.startswith(OVERTIME):
            break  # the notebook's own doing: another attempt would take as long
        log.warning("%s / %s: attempt %d failed (%s)", student, assignment, attempt, failure)
    return Problem(student, assignment, "; ".join(repaired + failures), status=NOT_GRADED)


def limits_hit(course, student, assignment):
    """What the autograded notebook says about the sandbox's limits: ['cell N: ... limit ... was hit']."""
    path = course / AUTOGRADED / student / assignment / f"{assignment}.ipynb"
    return os_sandbox.limits_hit(nbformat.read(path, as_version=4)) if path.is_file() else []


def autograde_in_sandbox(course, student, assignment, nb, sandbox, timeout, submission_timeout, sandboxed=True,
                         worker=None, more=True):
    """Run nbgrader's autograde on the notebook node `nb` of one submission, written into `sandbox` (a
    folder of its own), its kernel in the operating-system sandbox unless sandboxed=False, in `worker`
    (or a process of its own); the reason it failed, or None."""
    # Only the notebook and nbgrader's timestamp.txt (for late penalties): any other file
    # handed in would sit in the kernel's working folder, where a numpy.py would be imported
    # in place of numpy.
    folder = sandbox / SUBMITTED / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    timestamp = course / SUBMITTED / student / assignment / "timestamp.txt"
    if timestamp.is_file():
        shutil.copy2(timestamp, folder / timestamp.name)
    options = [f"--CourseDirectory.root={sandbox}", f"--CourseDirectory.db_url={gradebook_url(course)}",
               f"--ExecutePreprocessor.timeout={timeout}"]
    try:
        if worker is not None and sandboxed:
            # In a kernel the worker started ahead (ahead.py). The kernel name is the sandbox's, which
            # nothing else provides here: were none started ahead, nbgrader would fail, never run unsandboxed.
            options.append(f"--ExecutePreprocessor.kernel_name={os_sandbox.KERNEL_NAME}")
            result = worker.autograde(autograder_dir(course), assignment, student, options, grading_environment(),
                                      submission_timeout, kernels_ahead=True, more=more)
        else:
            with socket_folder() as sockets, os_sandbox.uid_slot() as uid:
                env, kernel = os_sandbox.prepare(sandbox, sockets, uid) if sandboxed else ({}, [])
                options += [*command_line_options(sockets), *kernel]
                if worker is None:
                    result = run_nbgrader(course, "autograde", assignment, "--student", student, "--force",
                                          *options, timeout=submission_timeout, env=env)
                else:
                    result = worker.autograde(autograder_dir(course), assignment, student, options,
                                              {**grading_environment(), **env}, submission_timeout)
    except subprocess.TimeoutExpired:
        return f"{OVERTIME} {submission_timeout} s and was stopped"
    except WorkerDied as died:
        return str(died)
    graded = sandbox / AUTOGRADED / student / assignment
    if result.returncode != 0 or not graded.is_dir():
        return "nbgrader could not grade it: " + nbgrader_errors(result)
    target = course / AUTOGRADED / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(graded, target)
    return None


def nbgrader_errors(result):
    """The reason a run of nbgrader failed, from its log: its error lines, else the end of its output."""
    lines = result.stderr.splitlines()
    errors = [line.strip() for line in lines if "ERROR" in line or "Error" in line]
    reason = " | ".join(errors[-3:] or [line.strip() for line in lines[-3:]])
    return (reason or f"nbgrader exited with status {result.returncode} and no message")[:500]


def kernel_wanted_after(index, jobs, count):
    """Whether the worker grading submission `index` (of `count`, 0-based, graded `jobs` at a time) should
    start a kernel ahead for a next one. The pool starts submissions in order, and the other jobs take the
    next jobs - 1: only if a submission is left after those. (Each worker warmed up with a kernel of its own,
    so `count` submissions start `count` kernels. Should a worker get a submission anyway, it starts the
    kernel then.)"""
    return index + jobs < count


def grade_all(course, pairs, jobs=JOBS, timeout=CELL_TIMEOUT, submission_timeout=SUBMISSION_TIMEOUT, progress=True,
              sandboxed=True, workers=None):
    """Grade every (student, assignment) pair, `jobs` at a time, in `workers` (grading_workers(); default:
    started here, and stopped at the end); returns [Problem]."""
    if sandboxed and os_sandbox.unavailable():
        raise os_sandbox.SandboxUnavailable(os_sandbox.unavailable())
    if workers is None:
        assignments = sorted({assignment for _, assignment in pairs})
        with grading_workers(course, assignments, min(jobs, len(pairs)), sandboxed) as workers:
            return grade_all(course, pairs, jobs, timeout, submission_timeout, progress, sandboxed, workers)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        def grade(index, student, assignment):
            more = kernel_wanted_after(index, jobs, len(pairs))
            with workers.take() as worker:
                return grade_one(course, student, assignment, timeout, submission_timeout, ATTEMPTS, sandboxed,
                                 worker, more)

        futures = [pool.submit(grade, i, s, a) for i, (s, a) in enumerate(pairs)]
        results = [f.result() for f in tqdm(as_completed(futures), total=len(futures), desc="grading",
                                            unit="notebook", disable=not progress)]
    return [problem for problem in results if problem]
