"""What does the sandbox cost? Seconds to grade one correct submission per chapter, with and without it.

For every chapter, one correct submission is graded by the grading
pipeline (`run.grade_one`, as `nnpractice-grade` grades each notebook) in
a scratch course, once with its kernel in the bubblewrap sandbox and once
without (`--no-sandbox-i-accept-the-risk`), alternating, `REPEATS` times
each; prints the median seconds, the difference, and whether both runs gave
full marks. Run from the repository root:

    .venv/bin/python -m benchmarks.sandbox_overhead
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from nnpractice_instructor import sandbox
from nnpractice_instructor.course import points, scratch_course, submission
from nnpractice_instructor.grade import ensure_in_gradebook
from nnpractice_instructor.layout import SUBMITTED, chapters
from nnpractice_instructor.report import read_grades
from nnpractice_instructor.run import grade_one

REPEATS = 2


def graded_seconds(course, assignment, sandboxed):
    """Seconds to grade the submission of 'student'; raises if it is not graded with full marks."""
    start = time.perf_counter()
    problem = grade_one(course, "student", assignment, sandboxed=sandboxed)
    seconds = time.perf_counter() - start
    score = sum(row["score"] for row in read_grades(course, [assignment], ["student"]))
    if problem is not None or score != sum(points(assignment).values()):
        raise RuntimeError(f"{assignment} (sandboxed={sandboxed}): {score} points, {problem}")
    return seconds


def main():
    why = sandbox.unavailable()
    if why:
        print(f"no sandbox on this machine: {why}")
        return 1
    print(f"limits: {sandbox.LIMITS.describe()}")
    print(f"{'chapter':<28}{'sandboxed':>11}{'bare':>9}{'overhead':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course", release=False)
        ensure_in_gradebook(course, chapters())
        for assignment in chapters():
            folder = course / SUBMITTED / "student" / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(assignment), folder / f"{assignment}.ipynb")
            times = {True: [], False: []}
            for _ in range(REPEATS):
                for sandboxed in (True, False):
                    times[sandboxed].append(graded_seconds(course, assignment, sandboxed))
            inside, bare = statistics.median(times[True]), statistics.median(times[False])
            print(f"{assignment:<28}{inside:>10.1f}s{bare:>8.1f}s{inside - bare:>+9.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
