"""`python -m nnpractice_instructor.nbgrader_cli ARGS`: nbgrader's own command line (`nbgrader ARGS`).

The course runs nbgrader this way (run.nbgrader_command): the same program,
with its imports under startup.importing(), which saves about 0.3 s of CPU a
run (most of it the interpreter's last garbage collection, at exit).
"""

import sys

from nnpractice_instructor.startup import importing

if __name__ == "__main__":
    with importing():
        from nbgrader.apps.nbgraderapp import main
    sys.argv[0] = "nbgrader"
    sys.exit(main())
