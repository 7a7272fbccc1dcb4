"""The grading pipeline of a class: collect the submissions, record them, grade them, report.

grade.py is the command around it; this module holds the steps, which
import nbformat, nbgrader and matplotlib (seconds of imports, paid while
the grading processes warm up).
"""

import sys
import tempfile
from pathlib import Path

from nnpractice_instructor.cluster import ClusterUnreachable, grade_on_cluster
from nnpractice_instructor.collect import GRADED, collect
from nnpractice_instructor.feedback import write_feedback
from nnpractice_instructor.layout import SUBMITTED
from nnpractice_instructor.report import write_reports
from nnpractice_instructor.run import NbgraderFailed, generate_assignments, grade_all, nbgrader_or_fail, open_gradebook
from nnpractice_instructor.sandbox import SandboxUnavailable


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
    if missing:
        with tempfile.TemporaryDirectory() as scratch:
            generate_assignments(course, missing, f"--CourseDirectory.release_directory={scratch}")


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


def grade_pairs(course, pairs, args, sandboxed, workers=None):
    """Grade [(student, assignment)] here (`args.jobs` at a time, kernels sandboxed if `sandboxed`) or on the
    Dask cluster at `args.scheduler` (sandboxed on every worker, unless --no-sandbox-i-accept-the-risk lets
    workers without bubblewrap grade unsandboxed); returns [Problem]."""
    if args.scheduler:
        return grade_on_cluster(course, pairs, args.scheduler, args.timeout, args.submission_timeout,
                                not args.no_progress, sandbox_required=not args.no_sandbox)
    return grade_all(course, pairs, args.jobs, args.timeout, args.submission_timeout, not args.no_progress,
                     sandboxed, workers)


def grade_class(course, assignments, args, why, workers=None):
    """Collect, grade (in `workers`, or on args.scheduler), report; returns the exit status of main."""
    out = Path(args.out or course / "grades")
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
        problems += grade_pairs(course, pairs, args, sandboxed=not why, workers=workers)
    except SandboxUnavailable as error:
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

