"""The course's grading pipeline around nbgrader.

One step per module, like nbgrader's own preprocessors:
- `guard`: executes a submission with integrity checks, crash isolation
  and witnesses (replaces nbgrader's Execute step during autograde);
- `feedback`: strips hidden-test source lines out of feedback tracebacks;
- `collect`: turns a folder of loose notebooks or an LMS zip into
  nbgrader's submitted/ layout, reporting what it could not read;
- `run`: grades submissions in parallel, each in its own sandbox;
- `report`: reads the gradebook into per-student CSVs and class analytics.
`python -m grader --help` (from autograder/) is the command line.
"""
