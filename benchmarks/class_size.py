"""A class: 100 submissions across every chapter, honest, wrong and hostile mixed, graded in one run.

Builds a temporary course and hands in, for every chapter, correct
notebooks, untouched releases and notebooks with a kept wrong answer
(tests/mutants is not imported: the wrong answers are the chapter's
stubs and the references of the other exercises), plus hostile
chapter-01 notebooks (an infinite loop, a kernel crash, a bounded memory
bomb, a result that lies in comparisons), up to COUNT submissions. Times the
grading command (`nnpractice-grade --jobs JOBS`, sandbox and judge on) and
prints seconds in all and per submission.
Run from the repository root:

    .venv/bin/python -m benchmarks.class_size [--count 100] [--jobs 2]
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


def main(count, jobs):
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course")
        release(course)
        kinds = hand_in_class(course, count)
        print(f"{count} submissions: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()), flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course),
                                 "--jobs", str(jobs), "--timeout", "10", "--no-progress"],
                                capture_output=True, text=True)
        seconds = time.perf_counter() - start
        with open(course / "grades" / "totals.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        print(f"graded in {seconds:.1f} s with --jobs {jobs}: {seconds / count:.2f} s a submission "
              f"(exit {result.returncode}; {len(rows)} rows in totals.csv)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    arguments = parser.parse_args()
    sys.exit(main(arguments.count, arguments.jobs))
