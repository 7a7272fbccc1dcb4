"""Does the environment `pip install -r requirements.txt` makes keep the start of every tool cheap?

Every nbgrader run, grading process, self-check and notebook execution is a
Python that imports nbformat. jsonschema 4.25 and later import rfc3987-syntax,
which builds an Earley parser at import: 1.1 s of CPU in each of those
processes, hundreds per graded class (benchmarks/imports.py measures it).
requirements.txt keeps jsonschema below 4.25.
"""

import subprocess
import sys


def test_importing_nbformat_and_nbgrader_builds_no_rfc3987_parser():
    code = "import sys, nbformat, nbclient, nbgrader.apps; print(sorted(m for m in sys.modules if 'rfc3987' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"imported at every start of a tool: {out.strip()} (see requirements.txt)"
