"""How long does the course take to execute? Every solution notebook, normally and as under autograding.

Executes each solutions/<chapter>/<chapter>.ipynb headless (as tests/test_notebooks.py does), once
as a student runs it and once with NBGRADER_EXECUTION set (the shortened experiments of autograding),
and prints the wall-clock seconds of each run, the slowest cell, and the totals.

    python -m benchmarks.course_execution [chapter ...]
"""

import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

from nnpractice_instructor.judge import run_here
from nnpractice_instructor.kernels import kernel_config
from nnpractice_instructor.layout import chapters as course_chapters
from nnpractice_instructor.layout import notebook_path


def execute(path, grading):
    """(seconds, slowest cell seconds) of one headless run of the notebook at path."""
    env_before = os.environ.get("NBGRADER_EXECUTION")
    if grading:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    else:
        os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        nb = run_here(nbformat.read(path, as_version=4))
        with kernel_config() as config:
            return timed_cells(NotebookClient(nb, timeout=600, kernel_name="python3", config=config,
                                              resources={"metadata": {"path": str(path.parent)}}))
    finally:
        if env_before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = env_before


def timed_cells(client):
    """(seconds, slowest cell seconds) of executing the client's notebook."""
    nb = client.nb
    slowest = 0.0
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            cell_start = time.perf_counter()
            client.execute_cell(cell, index)
            slowest = max(slowest, time.perf_counter() - cell_start)
    return time.perf_counter() - start, slowest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapter folders (default: every chapter in solutions/)")
    args = parser.parse_args(argv)
    chapters = args.chapters or course_chapters()
    print(f"{os.cpu_count()} cores; seconds per notebook, including kernel start-up")
    print(f"{'chapter':<28} {'normal':>8} {'slowest cell':>13} {'autograding':>12} {'slowest cell':>13}")
    totals = [0.0, 0.0]
    for chapter in chapters:
        path = notebook_path(chapter, "solutions")
        normal, normal_cell = execute(path, grading=False)
        graded, graded_cell = execute(path, grading=True)
        totals[0] += normal
        totals[1] += graded
        print(f"{chapter:<28} {normal:8.1f} {normal_cell:13.1f} {graded:12.1f} {graded_cell:13.1f}", flush=True)
    print(f"{'total':<28} {totals[0]:8.1f} {'':>13} {totals[1]:12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
