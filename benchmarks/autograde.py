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
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.course import ASSIGNMENTS, course_copy, nbgrader, submission  # noqa: E402


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def bare_execution(nb, folder):
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()


def main():
    print(f"{'chapter':<28}{'generate':>10}{'bare run':>10}{'autograde':>11}{'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        course = course_copy(Path(tmp))
        for assignment in ASSIGNMENTS:
            generate, result = timed(nbgrader, course, "generate_assignment", assignment, "--force")
            assert result.returncode == 0, result.stderr
            nb = submission(assignment)
            bare, _ = timed(bare_execution, nbformat.from_dict(nb), course / "notebooks" / assignment)
            folder = course / "submitted" / "student" / assignment
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
            grade, result = timed(nbgrader, course, "autograde", assignment)
            assert result.returncode == 0, result.stderr
            print(f"{assignment:<28}{generate:>9.1f}s{bare:>9.1f}s{grade:>10.1f}s{grade / bare:>7.1f}")


if __name__ == "__main__":
    main()
