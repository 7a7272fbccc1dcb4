"""nbgrader configuration of the course.

The course root is the repository root: instructors' notebooks are in
solutions/<assignment>/, `nbgrader generate_assignment` writes the student
release to notebooks/<assignment>/, and the working folders (submitted/,
autograded/, feedback/, gradebook.db) are created next to them and ignored
by git. Run nbgrader from this folder (the course's commands do), or pass
`--config autograder/nbgrader_config.py`. The grading code is the installed
package nnpractice_instructor (in this folder; `pip install -r requirements.txt`).
"""

from pathlib import Path

from nnpractice_instructor import layout

# The course this file belongs to: the folder above autograder/ (a scratch copy of
# the course has its own copy of this file).
COURSE = Path(__file__).resolve().parent.parent

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "nn-practice"
c.CourseDirectory.root = str(COURSE)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = layout.gradebook_url(COURSE)

# Per-cell time limit while autograding; a cell over it is interrupted and
# the rest of the notebook still runs. The grading command and the self-check use the same.
c.ExecutePreprocessor.timeout = layout.CELL_TIMEOUT
c.ExecutePreprocessor.interrupt_on_timeout = True
# A graded notebook's kernel is stopped at once after its last cell, as the sandbox's kernels are
# (nnpractice_instructor/ahead.py): a graceful shutdown waits 2.5 s for a kernel whose child
# ignores SIGTERM, e.g. multiprocessing's resource tracker under chapter 06's process pool.
c.ExecutePreprocessor.shutdown_kernel = "immediate"

# Hidden checks are decided in this process, not in the student's kernel
# (nnpractice_instructor/judge.py): Probe puts a probe in place of every
# hidden block, GuardedExecute runs the notebook with the kernel guard and
# crash isolation (nnpractice_instructor/guard.py) in place of nbgrader's
# plain Execute step, and Judge compares the probe's observations with the
# reference solutions' before SaveAutoGrades scores the cells. The other
# steps are nbgrader's defaults.
c.GuardedExecute.max_crashes = layout.MAX_CRASHES
c.Judge.course = str(COURSE)
c.Autograde.autograde_preprocessors = [
    "nnpractice_instructor.judge.Probe",
    "nnpractice_instructor.guard.GuardedExecute",
    "nnpractice_instructor.judge.Judge",
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
    "nnpractice_instructor.feedback.ShortTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
