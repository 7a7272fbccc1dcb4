"""Zip what students get: the release, the support package and the data.

    nnpractice-bundle [OUT.zip]    (default: dist/student-course.zip; `make bundle`)

The bundle holds notebooks/, nnpractice/, data/, the students' requirements
(requirements.txt without the instructor's tools), pyproject.toml, README.md
and LICENSE, and nothing from solutions/ or autograder/; the tests prove it
carries no reference code and that every chapter's visible tests run from it.
"""

import sys
import zipfile
from pathlib import Path

from nnpractice_instructor.layout import COURSE as ROOT
from nnpractice_instructor.layout import DATA, SUPPORT_PACKAGE, release_dir

FOLDERS = (release_dir(ROOT).name, SUPPORT_PACKAGE, DATA)
FILES = ("pyproject.toml", "README.md", "LICENSE")
SKIP = ("__pycache__", ".ipynb_checkpoints", ".egg-info")


def bundle_files():
    """Paths (relative to the repository root) that go into the bundle."""
    paths = [Path(name) for name in FILES]
    for folder in FOLDERS:
        paths += sorted(p.relative_to(ROOT) for p in (ROOT / folder).rglob("*")
                        if p.is_file() and not any(s in part for part in p.parts for s in SKIP))
    return paths


def student_requirements():
    """requirements.txt as students need it: without the line that installs the instructor's package."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return "\n".join(line for line in lines if "autograder" not in line) + "\n"


def make_bundle(out):
    """Write the bundle to `out` (a .zip path); returns out."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in bundle_files():
            archive.write(ROOT / path, f"nn-practice/{path}")
        archive.writestr("nn-practice/requirements.txt", student_requirements())
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    print(make_bundle(argv[0] if argv else ROOT / "dist" / "student-course.zip"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
