"""Feedback for students, without hidden tests (tracebacks included): `nnpractice-feedback`.

nbgrader's ClearHiddenTests removes the hidden block from a test cell's
source, but a failing hidden assert still shows its line (and the lines
around it) in the traceback. `ShortTracebacks` keeps only the exception's
name and message for test cells: the message names the misconception.
"""

import argparse
import shutil
import sys
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from nnpractice_instructor.collect import NO_FEEDBACK, Problem
from nnpractice_instructor.layout import AUTOGRADED, COURSE, SUBMITTED, chapters, is_test_cell
from nnpractice_instructor.run import nbgrader_per_assignment


class ShortTracebacks(NbGraderPreprocessor):
    """Replace each test cell's traceback by `ExceptionName: message`."""

    def preprocess_cell(self, cell, resources, cell_index):
        if is_test_cell(cell):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


# What `nbgrader submit` puts beside a notebook in the exchange; `nbgrader release_feedback` reads it back
# from feedback/ to name the feedback so that only the student who submitted can fetch it.
SUBMISSION_SECRET = "submission_secret.txt"


def keep_submission_secrets(course, pairs):
    """Copy each submission's submission_secret.txt into autograded/ (generate_feedback carries it into
    feedback/): grading runs on the notebook alone, so it is not there otherwise."""
    for student, assignment in pairs:
        secret = course / SUBMITTED / student / assignment / SUBMISSION_SECRET
        graded = course / AUTOGRADED / student / assignment
        if secret.is_file() and graded.is_dir():
            shutil.copy2(secret, graded / SUBMISSION_SECRET)


def write_feedback(course, pairs):
    """Feedback HTML for every graded (student, assignment); returns [Problem] for those that failed."""
    problems = []
    keep_submission_secrets(course, pairs)
    graded = [folder.name for folder in (Path(course) / AUTOGRADED).glob("*/*") if folder.is_dir()]
    failed = nbgrader_per_assignment(course, "generate_feedback", {a for _, a in pairs}, "--force", found=graded)
    for assignment, reason in failed.items():
        problems += [Problem(s, a, "feedback could not be written: " + reason, NO_FEEDBACK)
                     for s, a in pairs if a == assignment]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog="nnpractice-feedback",
                                     description="Write feedback/<student>/<chapter>/<chapter>.html for "
                                                 "every autograded submission, without hidden tests.")
    parser.add_argument("chapters", nargs="*", help="chapters (default: all)")
    args = parser.parse_args(argv)
    autograded = COURSE / AUTOGRADED
    pairs = [(folder.parent.name, folder.name) for folder in sorted(autograded.glob("*/*"))
             if folder.name in (args.chapters or chapters())]
    problems = write_feedback(COURSE, pairs)
    for problem in problems:
        print(f"{problem.student} / {problem.assignment}: {problem.reason}", file=sys.stderr)
    print(f"feedback for {len(pairs) - len(problems)} of {len(pairs)} submissions in feedback/<student>/<chapter>/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
