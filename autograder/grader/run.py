"""Grade submissions in parallel, each in a sandbox of its own.

nbgrader's autograde grades one submission after another. Here every
(student, assignment) runs as its own `nbgrader autograde --student` process,
`jobs` at a time, in a temporary course folder that holds only that
submission: solutions/, the references (the kernel guard receives them as
source) and the other students are not there to read. All
processes write to the course's gradebook; the autograded notebook is copied
back into the course's autograded/ folder for feedback.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from grader.collect import Problem

AUTOGRADER = Path(__file__).resolve().parent.parent


def nbgrader_command():
    """The nbgrader program next to this Python (a venv's bin/), else from PATH."""
    local = Path(sys.executable).parent / "nbgrader"
    return str(local) if local.exists() else "nbgrader"


def grade_one(course, student, assignment, timeout, submission_timeout):
    """Autograde one submission in a sandbox; returns a Problem or None."""
    with tempfile.TemporaryDirectory(prefix=f"grade-{student}-") as tmp:
        sandbox = Path(tmp)
        shutil.copytree(course / "submitted" / student / assignment, sandbox / "submitted" / student / assignment)
        env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
        env.pop("NNPRACTICE_REFERENCES", None)
        command = [nbgrader_command(), "autograde", assignment, "--student", student, "--force",
                   f"--CourseDirectory.root={sandbox}",
                   f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}",
                   f"--ExecutePreprocessor.timeout={timeout}"]
        try:
            result = subprocess.run(command, cwd=AUTOGRADER, env=env, capture_output=True, text=True,
                                    timeout=submission_timeout)
        except subprocess.TimeoutExpired:
            return Problem(student, assignment, f"grading took over {submission_timeout} s and was stopped")
        graded = sandbox / "autograded" / student / assignment
        if result.returncode != 0 or not graded.is_dir():
            errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "Error" in line]
            return Problem(student, assignment, "nbgrader could not grade it: " + " | ".join(errors[-3:])[:500])
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
