"""Grade a class: `nnpractice-grade [SOURCE] [options]` (or `python -m nnpractice_instructor`).

SOURCE is nbgrader's submitted/ folder (the default), a folder of loose
notebooks (with --assignment), or a .zip of either. With --collect, the
submissions are first collected from nbgrader's exchange (`nbgrader collect
--update`, on a JupyterHub) into submitted/. Grades go to the course's
gradebook, the one the Formgrader shows; a manual score or comment given in
the Formgrader is kept when a notebook is graded again. Prints a summary, writes
grades/ (CSV files, analytics) in the course root and, with --feedback,
feedback/<student>/<assignment>/<assignment>.html without hidden tests. With
--scheduler ADDRESS, every submission is graded as a task on that Dask
cluster (cluster.py); only this process writes the gradebook and the reports.
"""

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

from nnpractice_instructor import sandbox
from nnpractice_instructor.layout import CELL_TIMEOUT, COURSE, JOBS, SUBMISSION_TIMEOUT, chapters
from nnpractice_instructor.startup import importing
from nnpractice_instructor.workers import grading_workers


def main(argv=None):
    parser = argparse.ArgumentParser(prog="nnpractice-grade", description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", help="submitted/ folder, folder of loose notebooks, or .zip "
                                                  "(default: the course's submitted/)")
    parser.add_argument("--course", default=str(COURSE), help="the course root (default: %(default)s)")
    parser.add_argument("--assignment", action="append",
                        help="grade only this assignment (repeatable); required for loose notebooks")
    parser.add_argument("--jobs", type=int, default=JOBS, help="submissions graded at the same time")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds allowed to each cell")
    parser.add_argument("--submission-timeout", type=int, default=SUBMISSION_TIMEOUT,
                        help="seconds allowed to one notebook")
    parser.add_argument("--out", help="folder for the CSV files and analytics (default: the course's grades/)")
    parser.add_argument("--feedback", action="store_true", help="also write feedback HTML")
    parser.add_argument("--collect", action="store_true",
                        help="first collect submissions from nbgrader's exchange into submitted/ (nbgrader collect)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade each submission as a task on this Dask cluster (e.g. tcp://host:8786); "
                             "the workers need the course's Python environment and bubblewrap")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-sandbox-i-accept-the-risk", dest="no_sandbox", action="store_true",
                        help="grade where bubblewrap cannot run: student code then runs with your rights, network "
                             "and files (see the threat model in autograder/README.md)")
    args = parser.parse_args(argv)

    why = None if args.scheduler else sandbox.unavailable()  # on a cluster, the workers are asked
    if why and not args.no_sandbox:
        print(f"nnpractice-grade: student code cannot be sandboxed here: {why}.\nGrading stopped. Grade on "
              "Linux with bubblewrap, or in a container (autograder/README.md); to grade without the sandbox "
              "anyway, pass --no-sandbox-i-accept-the-risk.", file=sys.stderr)
        return 2
    if why:
        print(f"nnpractice-grade: WARNING: grading WITHOUT the sandbox ({why})", file=sys.stderr)

    course = Path(args.course).resolve()
    assignments = args.assignment or chapters(course)
    # The grading processes (none on a cluster) start first and warm up while this one imports the
    # pipeline (seconds: nbformat, nbgrader, matplotlib) and collects the submissions.
    workers = None if args.scheduler else grading_workers(course, assignments, args.jobs, sandboxed=not why)
    with workers or nullcontext():
        with importing():
            from nnpractice_instructor.pipeline import grade_class
        return grade_class(course, assignments, args, why, workers)


if __name__ == "__main__":
    sys.exit(main())
