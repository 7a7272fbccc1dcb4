"""Grade submissions in parallel, each in a sandbox of its own.

nbgrader's autograde grades one submission after another. Here every
(student, assignment) runs as its own `nbgrader autograde --student` process,
`jobs` at a time, in a temporary course folder that holds only that
submission: solutions/, the references (the kernel guard receives them as
source) and the other students are not there to read. All
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

from grader.collect import Problem
from grader.kernels import command_line_options, socket_folder

AUTOGRADER = Path(__file__).resolve().parent.parent
OVERTIME = "grading took over"
log = logging.getLogger(__name__)


def nbgrader_command():
    """The nbgrader program next to this Python (a venv's bin/), else from PATH."""
    local = Path(sys.executable).parent / "nbgrader"
    return str(local) if local.exists() else "nbgrader"


def grading_environment():
    """The environment for nbgrader: this Python's bin/ first on PATH (nbgrader calls `alembic`
    from there) and no NNPRACTICE_REFERENCES (kernels get the references from the guard only)."""
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    env.pop("NNPRACTICE_REFERENCES", None)
    return env


def grade_one(course, student, assignment, timeout, submission_timeout, attempts=2):
    """Autograde one submission in a sandbox, up to `attempts` times; returns a Problem or None.

    A submission graded after a failed attempt is still returned as a Problem
    (graded, with the failure), so that the instructor hears of it.
    """
    failures = []
    for attempt in range(1, attempts + 1):
        with tempfile.TemporaryDirectory(prefix=f"grade-{student}-") as tmp:
            failure = autograde_in_sandbox(course, student, assignment, Path(tmp), timeout, submission_timeout)
        if failure is None and not failures:
            return None
        if failure is None:
            return Problem(student, assignment, f"graded at attempt {attempt} after " + "; ".join(failures))
        failures.append(f"attempt {attempt}: {failure}")
        if failure.startswith(OVERTIME):
            break  # the notebook's own doing: another attempt would take as long
        log.warning("%s / %s: attempt %d failed (%s)", student, assignment, attempt, failure)
    return Problem(student, assignment, "; ".join(failures))


def autograde_in_sandbox(course, student, assignment, sandbox, timeout, submission_timeout):
    """Run `nbgrader autograde` on one submission copied into `sandbox`; the reason it failed, or None."""
    # Only the notebooks and nbgrader's timestamp.txt (for late penalties): any other file
    # handed in would sit in the kernel's working folder, where a numpy.py would be imported
    # in place of numpy.
    folder = sandbox / "submitted" / student / assignment
    folder.mkdir(parents=True)
    for path in (course / "submitted" / student / assignment).iterdir():
        if path.is_file() and (path.suffix == ".ipynb" or path.name == "timestamp.txt"):
            shutil.copy2(path, folder / path.name)
    with socket_folder() as sockets:
        command = [nbgrader_command(), "autograde", assignment, "--student", student, "--force",
                   f"--CourseDirectory.root={sandbox}",
                   f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}",
                   f"--ExecutePreprocessor.timeout={timeout}", *command_line_options(sockets)]
        try:
            result = subprocess.run(command, cwd=AUTOGRADER, env=grading_environment(), capture_output=True,
                                    text=True, timeout=submission_timeout)
        except subprocess.TimeoutExpired:
            return f"{OVERTIME} {submission_timeout} s and was stopped"
    graded = sandbox / "autograded" / student / assignment
    if result.returncode != 0 or not graded.is_dir():
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "Error" in line]
        return "nbgrader could not grade it: " + " | ".join(errors[-3:])[:500]
    target = course / "autograded" / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(graded, target)
    return None


def grade_all(course, pairs, jobs=2, timeout=60, submission_timeout=1800, progress=True):
    """Grade every (student, assignment) pair, `jobs` at a time; returns [Problem]."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(grade_one, course, s, a, timeout, submission_timeout) for s, a in pairs]
        results = [f.result() for f in tqdm(as_completed(futures), total=len(futures), desc="grading",
                                            unit="notebook", disable=not progress)]
    return [problem for problem in results if problem]
