"""A class: 100 submissions across every chapter, honest, wrong and hostile mixed, graded in one run.

Builds a temporary course and hands in, for every chapter, correct
notebooks, untouched releases and notebooks with a kept wrong answer
(tests/mutants is not imported: the wrong answers are the chapter's
stubs and the references of the other exercises), plus hostile
chapter-01 notebooks (an infinite loop, a kernel crash, a bounded memory
bomb, a result that lies in comparisons), up to COUNT submissions. Times the
grading command (`nnpractice-grade`, sandbox and judge on) at each --jobs
given, then on the Dask cluster at --scheduler ADDRESS, one after the other
on the same class; prints seconds in all and per submission, and whether
every run wrote the same grades.csv (exit 1 if not). Run from the
repository root:

    .venv/bin/python -m benchmarks.class_size [--count 100] [--jobs 1 --jobs 2] [--scheduler tcp://127.0.0.1:8786]

For the cluster: `dask scheduler --host 127.0.0.1 --port 8786` and, per worker,
`DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://127.0.0.1:8786 --nworkers 1 --nthreads 1`
(without that setting, a worker starts an nbgrader process per submission: see cluster.py).
"""

import argparse
import csv
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import nbformat.v4

from nnpractice_instructor.course import answer_cells, read, scratch_course, submission
from nnpractice_instructor.layout import chapters
from nnpractice_instructor.release import release


def honest_and_wrong(chapter):
    """(kind, notebook) submissions of one chapter: correct, untouched, and one exercise left a stub."""
    stubs = answer_cells(read("notebooks", chapter))
    first = next(iter(stubs))
    yield "correct", submission(chapter)
    yield "untouched", read("notebooks", chapter)
    yield "one stub", submission(chapter, {first: stubs[first].source})


HOSTILE = {
    "infinite loop": "while True:\n    pass\n",
    "kernel crash": "import os\nos._exit(3)\n",
    "memory bomb (untouched pages)": "import numpy as np\nheld = [np.empty(2 ** 30, dtype=np.uint8) for _ in range(40)]\ndel held\n",
    "lying result": ("import numpy as np\n\nclass Liar(np.ndarray):\n    def __eq__(self, other):\n"
                     "        return True\n\nkinks_crossed = lambda z, h: (np.asarray(z) < 0).view(Liar)\n"),
}


def hostile():
    """(kind, notebook): correct chapter-01 notebooks with one hostile cell added after the answers."""
    for kind, source in HOSTILE.items():
        nb = submission("01_gradient_checks")
        nb.cells.insert(next(i for i, c in enumerate(nb.cells) if "def kinks_crossed" in c.source) + 1,
                        nbformat.v4.new_code_cell(source))
        yield f"hostile: {kind}", nb


def hand_in_class(course, count):
    """Hand in `count` submissions, cycling through the chapters' kinds and the hostile cases."""
    pool = [(chapter, kind, nb) for chapter in chapters() for kind, nb in honest_and_wrong(chapter)]
    pool += [("01_gradient_checks", kind, nb) for kind, nb in hostile()]
    kinds = {}
    for index, (chapter, kind, nb) in zip(range(count), itertools.cycle(pool)):
        folder = course / "submitted" / f"student{index:03d}" / chapter
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{chapter}.ipynb")
        kinds[kind.split(":")[0]] = kinds.get(kind.split(":")[0], 0) + 1
    return kinds


def grade(course, where, out):
    """Grade the class (`where`: the grading command's --jobs or --scheduler options) into `out`; returns
    (seconds, exit status, rows of grades.csv)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course), *where,
                             "--timeout", "10", "--no-progress", "--out", str(out)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    with open(out / "grades.csv", newline="") as handle:
        return seconds, result.returncode, list(csv.DictReader(handle))


def main(count, jobs, scheduler=None):
    """Grade one class of `count` submissions at each of `jobs` (a list), then on the Dask cluster at
    `scheduler` (if given); prints the time of each and whether their grades.csv are the same."""
    runs = [["--jobs", str(j)] for j in jobs] + ([["--scheduler", scheduler]] if scheduler else [])
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course")
        release(course)
        kinds = hand_in_class(course, count)
        print(f"{count} submissions: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()), flush=True)
        grades = []
        for index, where in enumerate(runs):
            seconds, status, rows = grade(course, where, Path(tmp) / f"grades-{index}")
            grades.append(rows)
            print(f"graded in {seconds:.1f} s with {' '.join(where)}: {seconds / count:.2f} s a submission, "
                  f"{count / seconds * 3600:.0f} an hour (exit {status}; {len(rows)} rows in grades.csv)", flush=True)
    if len(runs) > 1:
        same = all(rows == grades[0] for rows in grades[1:])
        print(f"grades.csv {'the same' if same else 'DIFFERENT'} in every run")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, action="append", help="submissions graded at a time (repeatable; "
                                                                   "default: 2)")
    parser.add_argument("--scheduler", help="also grade on the Dask cluster at this address")
    arguments = parser.parse_args()
    sys.exit(main(arguments.count, arguments.jobs or [2], arguments.scheduler))
