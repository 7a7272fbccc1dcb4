"""Regenerate what the solution notebooks generate: `nnpractice-release` (or `make release`).

1. the hidden reference modules, autograder/references/<chapter>.py;
2. the student release, notebooks/<chapter>/, with `nbgrader generate_assignment`
   (which also records each chapter, its test cells and points, in the gradebook).
Commit both; the tests fail when either is out of date.
"""

import argparse
import sys

from nnpractice_instructor.layout import COURSE, chapters
from nnpractice_instructor.references import write_references
from nnpractice_instructor.run import NbgraderFailed, generate_assignments


def release(course=COURSE, only=None):
    """Write the references and generate the release of `only` (default: every chapter)."""
    for path in write_references(course):
        print(f"wrote {path.relative_to(course)}")
    names = only or chapters(course)
    generate_assignments(course, names)
    for chapter in names:
        print(f"released notebooks/{chapter}/")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="nnpractice-release", description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapters to release (default: all)")
    args = parser.parse_args(argv)
    try:
        release(only=args.chapters)
    except NbgraderFailed as error:
        print(f"nnpractice-release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
