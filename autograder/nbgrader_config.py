"""nbgrader configuration of the course.

The course root is the repository root: instructors' notebooks are in
solutions/<assignment>/, `nbgrader generate_assignment` writes the student
release to notebooks/<assignment>/, and the working folders (submitted/,
autograded/, feedback/, gradebook.db) are created next to them and ignored
by git. Run nbgrader from this folder (the Makefile does), or pass
`--config autograder/nbgrader_config.py`.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the `grader` package next to this file

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "nn-practice"
c.CourseDirectory.root = os.path.dirname(HERE)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(os.path.dirname(HERE), "gradebook.db")

# Per-cell time limit while autograding; a cell over it is interrupted and
# the rest of the notebook still runs.
c.ExecutePreprocessor.timeout = 120
c.ExecutePreprocessor.interrupt_on_timeout = True

# Execute with the grader's integrity checks and crash isolation (grader/guard.py)
# in place of nbgrader's plain Execute step; the other steps are nbgrader's defaults.
c.Autograde.autograde_preprocessors = [
    "grader.guard.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback never shows hidden tests, not even in tracebacks.
c.ClearHiddenTests.enforce_metadata = True
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "grader.feedback.ShortTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
