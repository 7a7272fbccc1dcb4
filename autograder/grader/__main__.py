"""Grade a class: `python -m grader [SOURCE] [options]`, run from autograder/.

SOURCE is nbgrader's submitted/ folder (the default), a folder of loose
notebooks (with --assignment), or a .zip of either. Prints a summary, writes
grades/ (CSV files, analytics) in the course root and, with --feedback,
feedback/<student>/<assignment>/<assignment>.html without hidden tests.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from grader.collect import collect
from grader.report import write_reports
from grader.run import AUTOGRADER, grade_all, grading_environment, nbgrader_command

COURSE = AUTOGRADER.parent


def assignments_of(course):
    return sorted(p.name for p in (course / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())


def ensure_in_gradebook(course, assignments):
    """Record assignments in the gradebook (generate_assignment into a scratch release folder)."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        missing = []
        for assignment in assignments:
            try:
                if not gradebook.find_assignment(assignment).notebooks:
                    missing.append(assignment)
            except MissingEntry:
                missing.append(assignment)
    for assignment in missing:
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run([nbgrader_command(), "generate_assignment", assignment, "--force",
                            f"--CourseDirectory.release_directory={scratch}"],
                           cwd=AUTOGRADER, env=grading_environment(), check=True, capture_output=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(COURSE / "submitted"),
                        help="submitted/ folder, folder of loose notebooks, or .zip (default: submitted/)")
    parser.add_argument("--assignment", action="append",
                        help="grade only this assignment (repeatable); required for loose notebooks")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at the same time")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed to each cell")
    parser.add_argument("--submission-timeout", type=int, default=1800, help="seconds allowed to one notebook")
    parser.add_argument("--out", default=str(COURSE / "grades"), help="folder for the CSV files and analytics")
    parser.add_argument("--feedback", action="store_true", help="also write feedback HTML")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    assignments = args.assignment or assignments_of(COURSE)
    loose = args.assignment[0] if args.assignment and len(args.assignment) == 1 else None
    submitted = COURSE / "submitted"
    problems = collect(Path(args.source), submitted, assignments, loose)
    ensure_in_gradebook(COURSE, assignments)
    pairs = [(folder.parent.name, folder.name) for folder in sorted(submitted.glob("*/*"))
             if folder.name in assignments and (folder / f"{folder.name}.ipynb").is_file()]
    problems += grade_all(COURSE, pairs, args.jobs, args.timeout, args.submission_timeout, not args.no_progress)
    students = sorted({p.name for p in submitted.iterdir() if p.is_dir()})
    rows = write_reports(COURSE, args.out, assignments, students, problems)
    if args.feedback:
        for assignment in assignments:
            subprocess.run([nbgrader_command(), "generate_feedback", assignment, "--force"],
                           cwd=AUTOGRADER, env=grading_environment(), capture_output=True)

    graded = {(r["student"], r["assignment"]) for r in rows if r["message"] != "not graded"}
    print(f"graded {len(pairs)} notebooks of {len(students)} students; reports in {args.out}")
    for problem in problems:
        print(f"  {problem.student} / {problem.assignment}: {problem.reason}")
    return 1 if any((p.student, p.assignment) not in graded for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
