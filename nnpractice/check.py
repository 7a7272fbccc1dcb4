"""`nnpractice-check [NOTEBOOK_OR_FOLDER]`: grade your own notebooks as the instructor's autograder would.

The console entry point of the self-check (`make check` runs the same). The
machinery is the course's grader, in autograder/grader/ of the repository
this package was installed from (`pip install -e .`): the same hidden tests,
points and hints, on temporary copies of your notebooks.
"""

import sys
from pathlib import Path

AUTOGRADER = Path(__file__).resolve().parent.parent / "autograder"


def main(argv=None):
    """Run the self-check; returns the exit status (0, or 1 if a notebook could not be graded)."""
    if not (AUTOGRADER / "grader" / "check.py").is_file():
        print("nnpractice-check needs the course's repository: clone it and install with "
              "`pip install -e .` from its root", file=sys.stderr)
        return 2
    sys.path.insert(0, str(AUTOGRADER))
    from grader.check import main as check_main

    return check_main(argv, prog="nnpractice-check")


if __name__ == "__main__":
    sys.exit(main())
