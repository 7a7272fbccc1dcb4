"""The hidden reference solutions: built from the solution notebooks, loaded by the instructor's tools.

The solution notebooks are the one source of truth. For every chapter, the
cells students complete (nbgrader "autograded answer" cells) are copied, with
the solution markers removed, into autograder/references/<chapter>.py:

    nnpractice-release          # writes them, then the student release
    python -m nnpractice_instructor.references [--check]

The instructor's own tools (the animations, the tests) load a chapter's
references with

    from nnpractice_instructor.references import load_reference
    reference = load_reference("01_gradient_checks")

Grading never sends them to a student's kernel: hidden checks are decided
in the grader's process (judge.py), which runs them there.
"""

import argparse
import sys

import nbformat

from nnpractice_instructor.layout import (COURSE, SOLUTION_MARKERS, chapters, is_answer_cell, notebook_path,
                                          references_dir)

HEADER = '''"""Reference solutions of {chapter}: GENERATED from solutions/{chapter}/{chapter}.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np

'''


class ReferenceNotFound(FileNotFoundError):
    """No reference solutions for that chapter here."""


def strip_markers(source):
    """Drop the nbgrader solution marker lines, keep everything else."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def reference_source(chapter, course=COURSE):
    """Text of the reference module of `chapter`, built from its solution notebook."""
    notebook = nbformat.read(notebook_path(chapter, "solutions", course), as_version=4)
    body = "\n\n\n".join(strip_markers(cell.source) for cell in notebook.cells if is_answer_cell(cell))
    return HEADER.format(chapter=chapter) + "\n" + body + "\n"


def write_references(course=COURSE, check=False):
    """Write every chapter's reference module; returns the paths that were (or, with check, would be) written."""
    folder = references_dir(course)
    folder.mkdir(exist_ok=True)
    stale = []
    for chapter in chapters(course):
        target = folder / f"{chapter}.py"
        text = reference_source(chapter, course)
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target)
        if not check:
            target.write_text(text)
    return stale


def load_reference(chapter, course=COURSE):
    """The reference solutions of `chapter`, as a module."""
    path = references_dir(course) / f"{chapter}.py"
    if not path.is_file():
        raise ReferenceNotFound(f"{path} does not exist (run `make release`)")
    import types
    module = types.ModuleType(f"reference_{chapter}")
    module.__file__ = str(path)
    # Compile the source, not a cached .pyc: a reference regenerated within the
    # same second at the same size would pass the loader's mtime check stale.
    exec(compile(path.read_bytes(), str(path), "exec"), vars(module))
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnpractice_instructor.references",
                                     description="Write autograder/references/ from the solution notebooks.")
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    stale = write_references(check=args.check)
    for path in stale:
        print(("out of date (run `make release`): " if args.check else "wrote ") + str(path.relative_to(COURSE)))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
