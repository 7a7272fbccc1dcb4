"""Does a real nbgrader run grade a class right, whatever some students hand in?

One course copy for the module: generate_assignment for every chapter, a
class of submissions in submitted/, then `nbgrader autograde` per chapter.
Grades are read from nbgrader's SQLite gradebook, never parsed from logs.
"""

import csv
import inspect

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from tests.course import (ASSIGNMENTS, answer_cells, course_copy, depends_on, exercises, nbgrader, points, read,
                          submission)
from tests.mutants import mutants_of

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("autograde")]


def independent_exercise(assignment):
    """An exercise with a kept wrong answer that no other reference solution calls."""
    with_mutants = {exercise for exercise, _, _ in mutants_of(assignment)}
    return next(e for e in exercises(assignment)
                if e in with_mutants and not any(depends_on(assignment, other, e)
                                                 for other in exercises(assignment) if other != e))


def mutant_source(assignment, exercise):
    """Source of the first kept wrong answer of `exercise`, under the exercise's own name."""
    _, name, function = next(m for m in mutants_of(assignment) if m[0] == exercise)
    return inspect.getsource(function).replace(f"def {name}(", f"def {exercise}(")


def with_syntax_error(assignment, exercise):
    """The reference answer of `exercise` with an unbalanced parenthesis appended."""
    return answer_cells(read("solutions", assignment))[exercise].source + "\nprint((\n"


def hand_in(course, student, assignment, nb, filename=None):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / (filename or f"{assignment}.ipynb"))


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A course copy in which a whole class was autograded; yields (course, {assignment: result})."""
    course = course_copy(tmp_path_factory.mktemp("course"))
    results = {}
    for assignment in ASSIGNMENTS:
        result = nbgrader(course, "generate_assignment", assignment, "--force")
        assert result.returncode == 0, result.stderr
        wrong = independent_exercise(assignment)
        hand_in(course, "alice_correct", assignment, submission(assignment))
        hand_in(course, "bob_untouched", assignment, read("notebooks", assignment))
        hand_in(course, "carol_one_wrong", assignment, submission(assignment, {wrong: mutant_source(assignment, wrong)}))
        hand_in(course, "dave_renamed", assignment, submission(assignment), filename=f"{assignment} (1).ipynb")
        hand_in(course, "erin_syntax_error", assignment, submission(assignment, {wrong: with_syntax_error(assignment, wrong)}))
        hand_in(course, "zoe_correct_last", assignment, submission(assignment))  # graded after the broken ones
        results[assignment] = nbgrader(course, "autograde", assignment)
    yield course, results


def scores(course, student, assignment):
    """{exercise: score} of one student's notebook, from the gradebook; None if not graded."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        except MissingEntry:
            return None
        return {grade.name.removeprefix("test_"): grade.score for grade in notebook.grades}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_correct_submission_gets_full_marks(graded_class, assignment):
    """Does a student who wrote the reference solutions get every point?"""
    course, _ = graded_class
    assert scores(course, "alice_correct", assignment) == points(assignment)
    assert scores(course, "zoe_correct_last", assignment) == points(assignment)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_gets_zero_everywhere(graded_class, assignment):
    """Does handing in the release unchanged earn 0 on every autograded cell?"""
    course, _ = graded_class
    assert scores(course, "bob_untouched", assignment) == {exercise: 0 for exercise in points(assignment)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_wrong_function_loses_exactly_its_points(graded_class, assignment):
    """Does one known wrong answer cost that function's points and nothing else?"""
    course, _ = graded_class
    expected = {**points(assignment), independent_exercise(assignment): 0}
    assert scores(course, "carol_one_wrong", assignment) == expected


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_syntax_error_costs_only_that_cell(graded_class, assignment):
    """Is a syntax error in one answer cell graded as that function missing, the rest intact?"""
    course, _ = graded_class
    expected = {**points(assignment), independent_exercise(assignment): 0}
    assert scores(course, "erin_syntax_error", assignment) == expected


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_renamed_notebook_does_not_stop_the_class(graded_class, assignment):
    """Is a renamed notebook reported and skipped while everyone after it is graded?"""
    course, results = graded_class
    log = results[assignment].stdout + results[assignment].stderr
    assert scores(course, "dave_renamed", assignment) in (None, {exercise: 0 for exercise in points(assignment)})
    assert f"Skipping unknown notebook: {course}/submitted/dave_renamed/{assignment}/{assignment} (1).ipynb" in log
    assert scores(course, "zoe_correct_last", assignment) == points(assignment)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_hides_hidden_tests(graded_class, assignment):
    """Do feedback pages omit the hidden tests?"""
    course, _ = graded_class
    result = nbgrader(course, "generate_feedback", assignment, "--force")
    assert result.returncode == 0, result.stderr
    page = (course / "feedback" / "alice_correct" / assignment / f"{assignment}.html").read_text()
    assert "nnpractice:hidden-tests" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "load_reference" not in page, "hidden test code shown in feedback"


def test_export_lists_every_graded_student(graded_class):
    """Does nbgrader's CSV export carry each student's total for each chapter?"""
    course, _ = graded_class
    result = nbgrader(course, "export", "--to", str(course / "grades.csv"))
    assert result.returncode == 0, result.stderr
    with open(course / "grades.csv", newline="") as handle:
        rows = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(handle)}
    for assignment in ASSIGNMENTS:
        total = sum(points(assignment).values())
        assert rows[assignment, "alice_correct"] == total
        assert rows[assignment, "bob_untouched"] == 0
        assert rows[assignment, "carol_one_wrong"] == total - points(assignment)[independent_exercise(assignment)]
