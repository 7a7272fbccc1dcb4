"""How long does the reading edition take to build? Seconds per chapter, total, and the site's size.

Builds the site (nnpractice_instructor/site.py, as `make site` does) into a temporary folder:

    .venv/bin/python -m benchmarks.site_build
"""

import tempfile
from pathlib import Path

from nnpractice_instructor import site as make_site

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        make_site.main([str(Path(tmp) / "_site")])
