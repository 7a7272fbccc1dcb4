"""How long does the reading edition take to build? Seconds per chapter, total, and the site's size.

Builds the site (autograder/make_site.py, as `make site` does) into a temporary folder:

    .venv/bin/python benchmarks/site_build.py
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "autograder"))
import make_site  # noqa: E402

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        make_site.main([str(Path(tmp) / "_site")])
