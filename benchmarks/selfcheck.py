"""How long does the self-check take? Bare execution vs `python -m grader.check`, per chapter.

For every chapter, one correct submission (the release with the reference
answers filled in) is executed with nbclient alone (as the reader runs it,
and with NBGRADER_EXECUTION set, as graded), then self-checked (restore the
test cells, guarded execution, scoring). Prints seconds and the ratio
self-check / bare run with NBGRADER_EXECUTION. Run from the repository root:

    .venv/bin/python benchmarks/selfcheck.py
"""

import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "autograder")]
from grader.selfcheck import check  # noqa: E402
from tests.course import ASSIGNMENTS, submission  # noqa: E402

from course_execution import execute  # noqa: E402  (this folder: one way to time a bare run)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main():
    print(f"{'chapter':<28}{'bare run':>10}{'bare, graded':>14}{'self-check':>12}{'ratio':>7}{'points':>9}")
    for assignment in ASSIGNMENTS:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / assignment / f"{assignment}.ipynb"
            path.parent.mkdir()
            nbformat.write(submission(assignment), path)
            bare, _ = execute(path, grading=False)
            graded, _ = execute(path, grading=True)
            seconds, result = timed(check, path)
            print(f"{assignment:<28}{bare:>9.1f}s{graded:>13.1f}s{seconds:>11.1f}s{seconds / graded:>7.2f}"
                  f"{f'{result.score:g}/{result.max_score:g}':>9}", flush=True)


if __name__ == "__main__":
    main()
