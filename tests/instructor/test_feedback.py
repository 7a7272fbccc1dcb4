"""Is feedback written without hidden tests, is a failure to write it reported, never ignored, and can\nnbgrader release it to the students who submitted through the exchange?"""

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nnpractice_instructor.collect import NO_FEEDBACK
from nnpractice_instructor.feedback import SUBMISSION_SECRET, ShortTracebacks, keep_submission_secrets, write_feedback
from nnpractice_instructor.layout import AUTOGRADED, SUBMITTED
from tests.hostile import ASSIGNMENT


def test_short_tracebacks_keep_only_the_message():
    """Does a test cell's traceback shrink to 'Name: message', hiding the hidden test's lines?"""
    cell = new_code_cell("assert False", metadata={"nbgrader": {"grade": True, "solution": False,
                                                                  "grade_id": "test_x", "points": 1}})
    cell.outputs = [new_output("error", ename="AssertionError", evalue="x: off by one",
                               traceback=["Traceback", "  reference.x(...)  # hidden line", "AssertionError"])]
    nb, _ = ShortTracebacks().preprocess(new_notebook(cells=[cell]), {})
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: x: off by one"]


@pytest.mark.slow
def test_a_failing_generate_feedback_is_a_problem_row(course):
    """When nbgrader cannot write a student's feedback, is that student reported (status 'graded, no
    feedback', with nbgrader's reason) instead of the failure being ignored?"""
    folder = course / AUTOGRADED / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{ not json")
    problems = write_feedback(course, [("ada", ASSIGNMENT)])
    assert [(p.student, p.status) for p in problems] == [("ada", NO_FEEDBACK)]
    assert "feedback could not be written" in problems[0].reason and "error" in problems[0].reason.lower()


def test_the_submission_secret_reaches_the_autograded_folder(tmp_path):
    """nbgrader release_feedback names feedback by the secret `nbgrader submit` left beside the notebook;
    grading runs on the notebook alone, so the secret is carried over before generate_feedback."""
    for student in ("alice", "bob"):
        (tmp_path / AUTOGRADED / student / "01_gradient_checks").mkdir(parents=True)
    (tmp_path / SUBMITTED / "alice" / "01_gradient_checks").mkdir(parents=True)
    (tmp_path / SUBMITTED / "alice" / "01_gradient_checks" / SUBMISSION_SECRET).write_text("s3cret")
    keep_submission_secrets(tmp_path, [("alice", "01_gradient_checks"), ("bob", "01_gradient_checks")])
    assert (tmp_path / AUTOGRADED / "alice" / "01_gradient_checks" / SUBMISSION_SECRET).read_text() == "s3cret"
    assert not (tmp_path / AUTOGRADED / "bob" / "01_gradient_checks" / SUBMISSION_SECRET).exists()
