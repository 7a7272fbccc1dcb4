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
import tempfile
from pathlib import Path

from nnpractice_instructor import sandbox
from nnpractice_instructor.cluster import ClusterUnreachable, grade_on_cluster
from nnpractice_instructor.collect import GRADED, collect
from nnpractice_instructor.feedback import write_feedback
from nnpractice_instructor.layout import CELL_TIMEOUT, COURSE, JOBS, SUBMISSION_TIMEOUT, SUBMITTED, chapters
from nnpractice_instructor.report import write_reports
from nnpractice_instructor.run import NbgraderFailed, grade_all, nbgrader_or_fail, open_gradebook


def ensure_in_gradebook(course, assignments):
    """Record assignments in the gradebook (generate_assignment into a scratch release folder)."""
    from nbgrader.api import MissingEntry
    with open_gradebook(course) as gradebook:
        missing = []
        for assignment in assignments:
            try:
                if not gradebook.find_assignment(assignment).notebooks:
                    missing.append(assignment)
            except MissingEntry:
                missing.append(assignment)
    for assignment in missing:
        with tempfile.TemporaryDirectory() as scratch:
            nbgrader_or_fail(course, "generate_assignment", assignment, "--force",
                             f"--CourseDirectory.release_directory={scratch}")


def collect_from_exchange(course, assignments):
    """`nbgrader collect --update` of each assignment: the newest submission of every student in nbgrader's
    exchange (its root and the course id come from nbgrader's configuration) into submitted/."""
    for assignment in assignments:
        nbgrader_or_fail(course, "collect", assignment, "--update")


def record_names(course, names):
    """Store each student's name as handed in (when it differs from the id) in the gradebook."""
    with open_gradebook(course) as gradebook:
        for student, name in names.items():
            if name != student:
                gradebook.update_or_create_student(student, last_name=name)


def grade_pairs(course, pairs, args, sandboxed):
    """Grade [(student, assignment)] here (`args.jobs` at a time, kernels sandboxed if `sandboxed`) or on the
    Dask cluster at `args.scheduler` (sandboxed on every worker, unless --no-sandbox-i-accept-the-risk lets
    workers without bubblewrap grade unsandboxed); returns [Problem]."""
    if args.scheduler:
        return grade_on_cluster(course, pairs, args.scheduler, args.timeout, args.submission_timeout,
                                not args.no_progress, sandbox_required=not args.no_sandbox)
    return grade_all(course, pairs, args.jobs, args.timeout, args.submission_timeout, not args.no_progress,
                     sandboxed)


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
    out = Path(args.out or course / "grades")
    assignments = args.assignment or chapters(course)
    loose = args.assignment[0] if args.assignment and len(args.assignment) == 1 else None
    submitted = course / SUBMITTED
    names = {}
    try:
        if args.collect:
            collect_from_exchange(course, assignments)
        problems = collect(Path(args.source or submitted), submitted, assignments, loose, names)
        ensure_in_gradebook(course, assignments)
        record_names(course, names)
    except (ValueError, NbgraderFailed) as error:
        print(f"nnpractice-grade: {error}", file=sys.stderr)
        return 2
    pairs = [(folder.parent.name, folder.name) for folder in sorted(submitted.glob("*/*"))
             if folder.name in assignments and (folder / f"{folder.name}.ipynb").is_file()]
    try:
        problems += grade_pairs(course, pairs, args, sandboxed=not why)
    except sandbox.SandboxUnavailable as error:
        print(f"nnpractice-grade: student code cannot be sandboxed: {error}.\nGrading stopped (see "
              "--no-sandbox-i-accept-the-risk).", file=sys.stderr)
        return 2
    except ClusterUnreachable as error:
        print(f"nnpractice-grade: {error}", file=sys.stderr)
        return 2
    students = sorted({p.name for p in submitted.iterdir() if p.is_dir()})
    if args.feedback:
        problems += write_feedback(course, pairs)
    write_reports(course, out, assignments, students, problems)

    print(f"graded {len(pairs)} notebooks of {len(students)} students; reports in {out}")
    for problem in problems:
        print(f"  {problem.student} / {problem.assignment} ({problem.status}): {problem.reason}")
    return 1 if any(p.status != GRADED for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
