"""What does the grading command cost beyond running the notebooks? Same work on both sides, per chapter.

For every chapter, `--students N` correct submissions (default 1) are handed
in to a scratch course, then

- bare: each is executed with nbclient alone under the grading settings:
  NBGRADER_EXECUTION=autograde (as nbgrader autograde sets it), the grading
  cell timeout, errors allowed, its test cells as autograde runs them (the
  hidden tests restored from solutions/), and its kernel in the same
  operating-system sandbox (sandbox.py's kernelspec, IPC sockets), one after
  the other. "kernel start" is the part of it spent starting that kernel
  until it answers: the floor of a fresh kernel per submission;
- grading command: `nnpractice-grade --assignment CHAPTER --jobs 1` grades
  the same submissions (the assignment was recorded in the gradebook before,
  timed apart as "generate").

Prints seconds per chapter and in total, and grading / bare. Run from the
repository root:

    .venv/bin/python -m benchmarks.autograde [--students N] [chapter ...]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from nnpractice_instructor import sandbox
from nnpractice_instructor.course import graded_cells, read, scratch_course, submission
from nnpractice_instructor.pipeline import ensure_in_gradebook
from nnpractice_instructor.kernels import kernel_options, socket_folder
from nnpractice_instructor.layout import CELL_TIMEOUT, SUBMITTED, chapters


def as_autograded(nb, chapter, course):
    """The submitted notebook `nb` with its test cells as nbgrader autograde runs them (hidden tests restored)."""
    hidden = graded_cells(read("solutions", chapter, course))
    for gid, cell in graded_cells(nb).items():
        cell.source = hidden[gid].source
    return nb


@contextmanager
def grading_kernel(folder):
    """(kernel name, traitlets Config) of a kernel started as for grading: sandboxed if this machine can,
    IPC sockets; sets JUPYTER_PATH for its kernelspec meanwhile."""
    with socket_folder() as sockets, sandbox.uid_slot() as uid:
        if sandbox.unavailable():
            yield "python3", Config({"KernelManager": kernel_options(sockets)})
            return
        env, _ = sandbox.prepare(folder, sockets, uid)
        before = os.environ.get("JUPYTER_PATH")
        os.environ.update(env)
        try:
            yield sandbox.KERNEL_NAME, Config({"KernelManager": kernel_options(sockets)})
        finally:
            if before is None:
                del os.environ["JUPYTER_PATH"]
            else:
                os.environ["JUPYTER_PATH"] = before


def bare_run(nb, folder):
    """(kernel start seconds, total seconds) of executing `nb` in `folder` under the grading settings."""
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        with grading_kernel(folder) as (kernel_name, config):
            client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=kernel_name, config=config,
                                    allow_errors=True, resources={"metadata": {"path": str(folder)}})
            start = time.perf_counter()
            with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                ready = time.perf_counter()
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            return ready - start, time.perf_counter() - start
    finally:
        os.environ.pop("NBGRADER_EXECUTION", None)


def grading_command(course, chapter):
    """Seconds of `nnpractice-grade --assignment chapter --jobs 1` on the course; raises if it fails."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course),
                             "--assignment", chapter, "--jobs", "1", "--no-progress"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return time.perf_counter() - start


def measure(course, chapter, students, scratch):
    """(generate, kernel start, bare, grading command) seconds for `students` submissions of `chapter`."""
    start = time.perf_counter()
    ensure_in_gradebook(course, [chapter])
    generate = time.perf_counter() - start
    kernel = bare = 0.0
    for i in range(students):
        nb = submission(chapter, course=course)
        folder = course / SUBMITTED / f"student{i:02d}" / chapter
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{chapter}.ipynb")
        with tempfile.TemporaryDirectory(dir=scratch) as run_folder:
            started, total = bare_run(as_autograded(nb, chapter, course), Path(run_folder))
        kernel, bare = kernel + started, bare + total
    return generate, kernel, bare, grading_command(course, chapter)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapters (default: all)")
    parser.add_argument("--students", type=int, default=1, help="submissions per chapter")
    args = parser.parse_args(argv)
    names = args.chapters or chapters()
    print(f"{os.cpu_count()} cores; {args.students} submission(s) a chapter; sandbox: "
          f"{sandbox.unavailable() or 'bubblewrap'}; seconds")
    print(f"{'chapter':<28}{'generate':>9}{'kernel start':>13}{'bare':>8}{'grading':>9}{'ratio':>7}")
    totals = [0.0] * 4
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course", only=names)
        for chapter in names:
            row = measure(course, chapter, args.students, tmp)
            totals = [t + r for t, r in zip(totals, row)]
            print(f"{chapter:<28}{row[0]:>9.1f}{row[1]:>13.1f}{row[2]:>8.1f}{row[3]:>9.1f}{row[3] / row[2]:>7.2f}",
                  flush=True)
    print(f"{'total':<28}{totals[0]:>9.1f}{totals[1]:>13.1f}{totals[2]:>8.1f}{totals[3]:>9.1f}"
          f"{totals[3] / totals[2]:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
