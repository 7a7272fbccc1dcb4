"""Is feedback written without hidden tests, and is a failure to write it reported, never ignored?"""

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nnpractice_instructor.collect import NO_FEEDBACK
from nnpractice_instructor.feedback import ShortTracebacks, write_feedback
from nnpractice_instructor.layout import AUTOGRADED
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
