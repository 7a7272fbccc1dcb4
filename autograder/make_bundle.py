"""Zip what students get: the release, the support package and the data.

    python autograder/make_bundle.py [OUT.zip]    (default: dist/student-course.zip)

The bundle holds notebooks/, nnpractice/, data/, requirements.txt,
pyproject.toml, README.md and LICENSE, and nothing from solutions/ or
autograder/; tests/test_release.py proves it carries no reference code.
"""

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "nnpractice", "data")
FILES = ("requirements.txt", "pyproject.toml", "README.md", "LICENSE")
SKIP = ("__pycache__", ".ipynb_checkpoints", ".egg-info")


def bundle_files():
    """Paths (relative to the repository root) that go into the bundle."""
    paths = [Path(name) for name in FILES]
    for folder in FOLDERS:
        paths += sorted(p.relative_to(ROOT) for p in (ROOT / folder).rglob("*")
                        if p.is_file() and not any(s in part for part in p.parts for s in SKIP))
    return paths


def make_bundle(out):
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in bundle_files():
            archive.write(ROOT / path, f"nn-practice/{path}")
    return out


if __name__ == "__main__":
    print(make_bundle(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "student-course.zip"))
