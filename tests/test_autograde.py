"""Does a real nbgrader run grade a class right, whatever some students hand in?

One course copy per test session: generate_assignment, then a class of
submissions in submitted/, then `nbgrader autograde`; grades are read from
nbgrader's SQLite gradebook, never parsed from logs.
"""

import inspect

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from tests.course import ASSIGNMENTS, course_copy, nbgrader, points, submission
from tests.mutants import mutants_of

ASSIGNMENT = "01_gradient_checks"
WRONG_EXERCISE = "eval_numerical_gradient"
BROKEN_EXERCISE = "kinks_crossed"


def mutant_source(assignment, exercise):
    """Source of the first kept wrong answer of `exercise`, under the exercise's own name."""
    _, name, function = next(m for m in mutants_of(assignment) if m[0] == exercise)
    return inspect.getsource(function).replace(f"def {name}(", f"def {exercise}(")


def hand_in(course, student, nb, filename=None, assignment=ASSIGNMENT):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / (filename or f"{assignment}.ipynb"))


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A course copy in which a whole class was autograded; yields (course, autograde result)."""
    course = course_copy(tmp_path_factory.mktemp("course"))
    for assignment in ASSIGNMENTS:
        result = nbgrader(course, "generate_assignment", assignment, "--force")
        assert result.returncode == 0, result.stderr
    hand_in(course, "alice_correct", submission(ASSIGNMENT))
    hand_in(course, "bob_untouched", nbformat.read(course / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4))
    hand_in(course, "carol_one_wrong",
            submission(ASSIGNMENT, {WRONG_EXERCISE: mutant_source(ASSIGNMENT, WRONG_EXERCISE)}))
    hand_in(course, "dave_renamed", submission(ASSIGNMENT), filename=f"{ASSIGNMENT} (1).ipynb")
    broken = submission(ASSIGNMENT)
    cell = next(c for c in broken.cells if c.metadata.get("nbgrader", {}).get("grade_id") == BROKEN_EXERCISE)
    cell.source = cell.source.replace("return (z - h < 0)", "return (z - h < 0")  # unbalanced parenthesis
    hand_in(course, "erin_syntax_error", broken)
    hand_in(course, "zoe_correct_last", submission(ASSIGNMENT))  # graded after the broken ones
    result = nbgrader(course, "autograde", ASSIGNMENT)
    yield course, result


def scores(course, student, assignment=ASSIGNMENT):
    """{exercise: score} of one student's notebook, from the gradebook; None if not graded."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        except MissingEntry:
            return None
        return {grade.name.removeprefix("test_"): grade.score for grade in notebook.grades}


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_correct_submission_gets_full_marks(graded_class):
    """Does a student who wrote the reference solutions get every point?"""
    course, _ = graded_class
    assert scores(course, "alice_correct") == points(ASSIGNMENT)
    assert scores(course, "zoe_correct_last") == points(ASSIGNMENT)


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_untouched_release_gets_zero_everywhere(graded_class):
    """Does handing in the release unchanged earn 0 on every autograded cell?"""
    course, _ = graded_class
    assert scores(course, "bob_untouched") == {exercise: 0 for exercise in points(ASSIGNMENT)}


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_one_wrong_function_loses_exactly_its_points(graded_class):
    """Does a forward difference in eval_numerical_gradient cost that function's points and nothing else?"""
    course, _ = graded_class
    expected = {**points(ASSIGNMENT), WRONG_EXERCISE: 0}
    assert scores(course, "carol_one_wrong") == expected


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_syntax_error_costs_only_that_cell(graded_class):
    """Is a syntax error in one answer cell graded as that function missing, the rest intact?"""
    course, _ = graded_class
    expected = {**points(ASSIGNMENT), BROKEN_EXERCISE: 0}
    assert scores(course, "erin_syntax_error") == expected


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_renamed_notebook_does_not_stop_the_class(graded_class):
    """Is a renamed notebook reported and skipped while everyone after it is graded?"""
    course, result = graded_class
    assert scores(course, "dave_renamed") in (None, {exercise: 0 for exercise in points(ASSIGNMENT)})
    assert f"Skipping unknown notebook: {course}/submitted/dave_renamed/{ASSIGNMENT}/{ASSIGNMENT} (1).ipynb" \
        in result.stdout + result.stderr
    assert scores(course, "zoe_correct_last") == points(ASSIGNMENT)


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_feedback_and_export_work_and_hide_hidden_tests(graded_class):
    """Do feedback pages omit the hidden tests, and does the CSV export list every graded student?"""
    course, _ = graded_class
    result = nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    assert result.returncode == 0, result.stderr
    page = (course / "feedback" / "alice_correct" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "nnpractice:hidden-tests" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "rng_check" not in page, "hidden test code shown in feedback"
    result = nbgrader(course, "export", "--to", str(course / "grades.csv"))
    assert result.returncode == 0, result.stderr
    csv = (course / "grades.csv").read_text()
    for student in ("alice_correct", "bob_untouched", "carol_one_wrong", "erin_syntax_error"):
        assert student in csv
