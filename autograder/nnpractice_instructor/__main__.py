"""`python -m nnpractice_instructor`: the grading command (same as `nnpractice-grade`)."""

import sys

from nnpractice_instructor.grade import main

sys.exit(main())
