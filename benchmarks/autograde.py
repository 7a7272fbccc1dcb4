"""How long does grading take? Bare execution vs nbgrader autograde, per chapter.

For every chapter: one correct submission is executed with nbclient alone,
then graded by `nbgrader autograde` in a temporary course copy (the
generate_assignment that must precede it is timed apart). Prints seconds and
the autograde / bare ratio. Run from the repository root:

    .venv/bin/python benchmarks/autograde.py
"""

import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.course import ASSIGNMENTS, course_copy, nbgrader, submission  # noqa: E402

from course_execution import execute  # noqa: E402  (this folder: one way to time a bare run)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main():
    print(f"{'chapter':<28}{'generate':>10}{'bare run':>10}{'autograde':>11}{'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        course = course_copy(Path(tmp))
        for assignment in ASSIGNMENTS:
            generate, result = timed(nbgrader, course, "generate_assignment", assignment, "--force")
            assert result.returncode == 0, result.stderr
            folder = course / "submitted" / "student" / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(assignment), folder / f"{assignment}.ipynb")
            bare, _ = execute(folder / f"{assignment}.ipynb", grading=False)
            grade, result = timed(nbgrader, course, "autograde", assignment)
            assert result.returncode == 0, result.stderr
            print(f"{assignment:<28}{generate:>9.1f}s{bare:>9.1f}s{grade:>10.1f}s{grade / bare:>7.1f}")


if __name__ == "__main__":
    main()
