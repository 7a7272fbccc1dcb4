"""Grade submissions in parallel, each in a sandbox of its own.

nbgrader's autograde grades one submission after another. Here every
(student, assignment) runs as its own `nbgrader autograde --student` process,
`jobs` at a time, in a temporary course folder that holds only that
submission, and its kernel runs in an operating-system sandbox (sandbox.py:
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
from pathlib import Path

from tqdm import tqdm

from nnpractice_instructor.collect import GRADED, NOT_GRADED, Problem
from nnpractice_instructor import sandbox as os_sandbox
from nnpractice_instructor.kernels import command_line_options, socket_folder
from nnpractice_instructor.layout import (ATTEMPTS, AUTOGRADED, CELL_TIMEOUT, JOBS, SUBMISSION_TIMEOUT, SUBMITTED,
                                          autograder_dir, gradebook_url)

OVERTIME = "grading took over"
log = logging.getLogger(__name__)


def nbgrader_command(*args):
    """The command line of `nbgrader ARGS` run by this very Python, whatever PATH says."""
    return [sys.executable, "-m", "nbgrader", *args]


def grading_environment():
    """The environment for nbgrader: this Python's bin/ first on PATH, since nbgrader runs the
    `alembic` program to set up a gradebook (found there in a virtual environment)."""
    return {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}


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


def grade_one(course, student, assignment, timeout=CELL_TIMEOUT, submission_timeout=SUBMISSION_TIMEOUT,
              attempts=ATTEMPTS, sandboxed=True):
    """Autograde one submission in a sandbox, up to `attempts` times; returns a Problem or None.

    A submission graded after a failed attempt is still returned as a Problem
    (graded, with the failure), so that the instructor hears of it; so is one
    with a cell that hit a limit of the sandbox. sandboxed=False runs the
    kernel without the operating-system sandbox (the instructor accepted the
    risk); sandboxed=True raises SandboxUnavailable where it cannot run.
    """
    if sandboxed and os_sandbox.unavailable():
        raise os_sandbox.SandboxUnavailable(os_sandbox.unavailable())
    failures = []
    for attempt in range(1, attempts + 1):
        with tempfile.TemporaryDirectory(prefix=f"grade-{student}-") as tmp:
            failure = autograde_in_sandbox(course, student, assignment, Path(tmp), timeout, submission_timeout,
                                           sandboxed)
        notes = limits_hit(course, student, assignment) if failure is None else []
        if failure is None and not failures and not notes:
            return None
        if failure is None:
            graded_after = [f"graded at attempt {attempt} after " + "; ".join(failures)] if failures else []
            return Problem(student, assignment, "; ".join(graded_after + notes), status=GRADED)
        failures.append(f"attempt {attempt}: {failure}")
        if failure.startswith(OVERTIME):
            break  # the notebook's own doing: another attempt would take as long
        log.warning("%s / %s: attempt %d failed (%s)", student, assignment, attempt, failure)
    return Problem(student, assignment, "; ".join(failures), status=NOT_GRADED)


def limits_hit(course, student, assignment):
    """What the autograded notebook says about the sandbox's limits: ['cell N: ... limit ... was hit']."""
    import nbformat
    path = course / AUTOGRADED / student / assignment / f"{assignment}.ipynb"
    return os_sandbox.limits_hit(nbformat.read(path, as_version=4)) if path.is_file() else []


def autograde_in_sandbox(course, student, assignment, sandbox, timeout, submission_timeout, sandboxed=True):
    """Run `nbgrader autograde` on one submission copied into `sandbox` (a folder of its own), its kernel
    in the operating-system sandbox unless sandboxed=False; the reason it failed, or None."""
    # Only the notebooks and nbgrader's timestamp.txt (for late penalties): any other file
    # handed in would sit in the kernel's working folder, where a numpy.py would be imported
    # in place of numpy.
    folder = sandbox / SUBMITTED / student / assignment
    folder.mkdir(parents=True)
    for path in (course / SUBMITTED / student / assignment).iterdir():
        if path.is_file() and (path.suffix == ".ipynb" or path.name == "timestamp.txt"):
            shutil.copy2(path, folder / path.name)
    with socket_folder() as sockets, os_sandbox.uid_slot() as uid:
        env, options = os_sandbox.prepare(sandbox, sockets, uid) if sandboxed else ({}, [])
        try:
            result = run_nbgrader(course, "autograde", assignment, "--student", student, "--force",
                                  f"--CourseDirectory.root={sandbox}",
                                  f"--CourseDirectory.db_url={gradebook_url(course)}",
                                  f"--ExecutePreprocessor.timeout={timeout}", *command_line_options(sockets),
                                  *options, timeout=submission_timeout, env=env)
        except subprocess.TimeoutExpired:
            return f"{OVERTIME} {submission_timeout} s and was stopped"
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


def grade_all(course, pairs, jobs=JOBS, timeout=CELL_TIMEOUT, submission_timeout=SUBMISSION_TIMEOUT, progress=True,
              sandboxed=True):
    """Grade every (student, assignment) pair, `jobs` at a time; returns [Problem]."""
    if sandboxed and os_sandbox.unavailable():
        raise os_sandbox.SandboxUnavailable(os_sandbox.unavailable())
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(grade_one, course, s, a, timeout, submission_timeout, ATTEMPTS, sandboxed)
                   for s, a in pairs]
        results = [f.result() for f in tqdm(as_completed(futures), total=len(futures), desc="grading",
                                            unit="notebook", disable=not progress)]
    return [problem for problem in results if problem]
