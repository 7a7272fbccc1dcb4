"""How long does grading take? Bare execution vs nbgrader autograde, per chapter, doing the same work.

For every chapter: one correct submission is executed with nbclient alone
under grading settings (NBGRADER_EXECUTION set, the shortened experiments
autograde runs), then graded by `nbgrader autograde` in a scratch course (the
generate_assignment that must precede it is timed apart). Prints seconds and
the autograde / bare ratio. Run from the repository root:

    .venv/bin/python -m benchmarks.autograde
"""

import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.course_execution import execute
from nnpractice_instructor.course import scratch_course, submission
from nnpractice_instructor.layout import chapters
from nnpractice_instructor.run import run_nbgrader


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main():
    print(f"{'chapter':<28}{'generate':>10}{'bare run':>10}{'autograde':>11}{'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course")
        for assignment in chapters():
            generate, result = timed(run_nbgrader, course, "generate_assignment", assignment, "--force")
            assert result.returncode == 0, result.stderr
            folder = course / "submitted" / "student" / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(assignment), folder / f"{assignment}.ipynb")
            bare, _ = execute(folder / f"{assignment}.ipynb", grading=True)
            grade, result = timed(run_nbgrader, course, "autograde", assignment)
            assert result.returncode == 0, result.stderr
            print(f"{assignment:<28}{generate:>9.1f}s{bare:>9.1f}s{grade:>10.1f}s{grade / bare:>7.1f}")


if __name__ == "__main__":
    main()
