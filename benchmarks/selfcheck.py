"""How long does the self-check take? Bare execution vs `nnpractice-check`, per chapter.

For every chapter, one correct submission (the release with the reference
answers filled in) is executed with nbclient alone (as the reader runs it,
and with NBGRADER_EXECUTION set, as graded), then self-checked (the grading
command's pipeline in a scratch course). Prints seconds and the ratio
self-check / bare run with NBGRADER_EXECUTION. Run from the repository root:

    .venv/bin/python -m benchmarks.selfcheck
"""

import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.course_execution import execute
from nnpractice_instructor.course import submission
from nnpractice_instructor.layout import chapters
from nnpractice_instructor.selfcheck import check


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main():
    print(f"{'chapter':<28}{'bare run':>10}{'bare, graded':>14}{'self-check':>12}{'ratio':>7}{'points':>9}")
    for assignment in chapters():
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
