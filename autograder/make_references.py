"""Write the hidden reference solutions from the instructor's notebooks.

The solution notebooks are the one source of truth. For every assignment
solutions/<a>/<a>.ipynb, the cells that students complete (nbgrader
"autograded answer" cells) are copied, with the solution markers removed,
into autograder/references/<a>.py, which hidden tests import at grading time
(see nnpractice.grading). Run with --check to fail if a file is out of date.

    python autograder/make_references.py [--check]
"""

import argparse
import sys
from pathlib import Path

import nbformat

from grader.cells import is_answer_cell

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
REFERENCES = Path(__file__).resolve().parent / "references"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HEADER = '''"""Reference solutions of {assignment}: GENERATED from solutions/{assignment}/{assignment}.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np

'''


def answer_cells(notebook):
    """The sources of the cells students complete, in notebook order."""
    return [cell.source for cell in notebook.cells if is_answer_cell(cell)]


def strip_markers(source):
    """Drop the nbgrader solution marker lines, keep everything else."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def reference_source(notebook_path):
    """Text of the reference module built from one solution notebook."""
    notebook = nbformat.read(notebook_path, as_version=4)
    assignment = notebook_path.parent.name
    body = "\n\n\n".join(strip_markers(source) for source in answer_cells(notebook))
    return HEADER.format(assignment=assignment) + "\n" + body + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    REFERENCES.mkdir(exist_ok=True)
    stale = []
    for notebook_path in sorted(SOLUTIONS.glob("*/*.ipynb")):
        if notebook_path.stem != notebook_path.parent.name:
            continue
        target = REFERENCES / f"{notebook_path.stem}.py"
        text = reference_source(notebook_path)
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target)
        if not args.check:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    if args.check and stale:
        print("out of date (run `make release`):", *[str(p.relative_to(ROOT)) for p in stale], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
