"""How hidden tests find the instructor's reference solutions.

Reference solutions live in `autograder/references/<assignment>.py`, never in
the student release. Hidden test cells call `load_reference(assignment)`
while a notebook is graded: the folder is found from the environment
variable NNPRACTICE_REFERENCES, or by walking up from the working directory
(nbgrader runs a notebook inside the course directory) to a folder holding
`autograder/references` or `references`.

While the course's grader runs a submission, it loads the references before
any student code runs and sets `_provider`, so that only test cells can
reach them (see autograder/grader/kernel_guard.py).
"""

import importlib.util
import os
from pathlib import Path


class ReferenceNotFound(FileNotFoundError):
    """The reference solutions are not on this machine (e.g. a student's copy)."""


_provider = None  # set by the grader's kernel guard during grading


def references_dir(start=None):
    """The folder of reference modules, searched from `start` (default: cwd)."""
    if os.environ.get("NNPRACTICE_REFERENCES"):
        return Path(os.environ["NNPRACTICE_REFERENCES"])
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "autograder" / "references", folder / "references"):
            if candidate.is_dir():
                return candidate
    raise ReferenceNotFound(
        f"no reference solutions above {here}: hidden tests run only where the "
        "instructor's autograder/references folder is (or set NNPRACTICE_REFERENCES)")


def load_reference(assignment, start=None):
    """Import autograder/references/<assignment>.py and return the module."""
    if _provider is not None:
        return _provider(assignment)
    path = references_dir(start) / f"{assignment}.py"
    if not path.is_file():
        raise ReferenceNotFound(f"{path} does not exist")
    spec = importlib.util.spec_from_file_location(f"reference_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    # Compile the source, not a cached .pyc: a reference regenerated within the
    # same second at the same size would pass the loader's mtime check stale.
    exec(compile(path.read_bytes(), str(path), "exec"), module.__dict__)
    return module
