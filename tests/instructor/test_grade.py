"""Does the grading command grade a whole class right, chapter by chapter, whatever some students hand in?

`graded_class` (conftest.py) hands in (helpers.class_of), for every chapter, a correct notebook,
the untouched release, every kept wrong answer at once (two students), and,
by the student graded last, a notebook saved under another name with one
known wrong answer and one syntax error in two exercises that no other one
calls, and grades them all in one run of the grading command. Grades
are read from nbgrader's SQLite gradebook and from grades.csv. Plain
`nbgrader autograde` with the course's configuration is tested too.
"""

import csv

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from nnpractice_instructor.course import points, read, submission
from nnpractice_instructor.layout import AUTOGRADED, chapters, exercise_of, gradebook_url
from nnpractice_instructor.run import run_nbgrader
from tests.helpers import LAST, class_of, figures, hand_in, problems, wrong_and_broken

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("graded_class")]


def scores(course, student, chapter):
    """{exercise: score} of one student's notebook, from the gradebook; None if not graded."""
    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
        except MissingEntry:
            return None
        return {exercise_of(grade.name): grade.score for grade in notebook.grades}


def csv_rows(course, name):
    with open(course / "grades" / name, newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_class_is_graded_and_the_command_succeeds(graded_class):
    """Does one run grade every notebook of every chapter, and exit 0 (every problem was graded)?"""
    course, result = graded_class
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    students = len(class_of(chapters()[0]))
    assert f"graded {students * len(chapters())} notebooks of {students} students" in result.stdout, result.stdout[-2000:]


def test_the_instructors_terminal_shows_no_gradebook_warnings(graded_class):
    """Is the run's stderr free of the SQLAlchemy warnings nbgrader's gradebook raises as it records each
    submission ("SAWarning: Object of type <SubmittedNotebook> not in session")?"""
    _, result = graded_class
    assert "SAWarning" not in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize("chapter", chapters())
def test_correct_submission_gets_full_marks(graded_class, chapter):
    """Does a student who wrote the reference solutions get every point?"""
    course, _ = graded_class
    assert scores(course, "alice_correct", chapter) == points(chapter)


@pytest.mark.parametrize("chapter", chapters())
def test_correct_submission_runs_cleanly_when_graded(graded_class, chapter):
    """Run by the grader (NBGRADER_EXECUTION set, in the sandbox), does a correct notebook run with no
    error and nothing on stderr, and still draw its figures?"""
    course, _ = graded_class
    nb = nbformat.read(course / AUTOGRADED / "alice_correct" / chapter / f"{chapter}.ipynb", as_version=4)
    assert not problems(nb), problems(nb)
    assert figures(nb) >= 1, "the experiments drew no figure under grading"


@pytest.mark.parametrize("chapter", chapters())
def test_untouched_release_gets_zero_everywhere(graded_class, chapter):
    """Does handing in the release unchanged earn 0 on every autograded cell, each said not implemented?"""
    course, _ = graded_class
    assert scores(course, "bob_untouched", chapter) == {exercise: 0 for exercise in points(chapter)}
    rows = [r for r in csv_rows(course, "grades.csv") if r["student"] == "bob_untouched" and r["assignment"] == chapter]
    assert {r["status"] for r in rows} == {"failed"}
    assert {r["message"] for r in rows} == {"not implemented yet (NotImplementedError)"}


@pytest.mark.parametrize("chapter", chapters())
def test_one_wrong_function_and_one_syntax_error_lose_exactly_their_points(graded_class, chapter):
    """Do one known wrong answer and a syntax error in another answer cell cost those two functions'
    points and nothing else, for the student graded last?"""
    course, _ = graded_class
    wrong, broken = wrong_and_broken(chapter)
    assert scores(course, LAST, chapter) == {**points(chapter), wrong: 0, broken: 0}


@pytest.mark.parametrize("chapter", chapters())
def test_syntax_error_costs_only_that_cell_and_is_named(graded_class, chapter):
    """Is a syntax error in one answer cell graded as that function missing, and named in grades.csv (and
    the known wrong answer beside it as a wrong answer, not as the syntax error)?"""
    course, _ = graded_class
    wrong, broken = wrong_and_broken(chapter)
    rows = {r["exercise"]: r for r in csv_rows(course, "grades.csv") if (r["student"], r["assignment"]) == (LAST, chapter)}
    assert f"({broken}): SyntaxError" in rows[broken]["message"] and rows[broken]["status"] == "failed", rows[broken]
    assert rows[wrong]["status"] == "failed" and "SyntaxError" not in rows[wrong]["message"], rows[wrong]


@pytest.mark.parametrize("chapter", chapters())
def test_every_kept_wrong_answer_scores_zero_in_a_real_run(graded_class, chapter):
    """Graded for real, does every exercise with kept wrong answers score 0 with each of the first two?"""
    course, _ = graded_class
    for student in ("mallory_first_mistakes", "nina_second_mistakes"):
        got = scores(course, student, chapter)
        assert got is not None and all(score == 0 for score in got.values()), (student, got)


@pytest.mark.parametrize("chapter", chapters())
def test_renamed_notebook_is_graded_under_its_name(graded_class, chapter):
    """Is a renamed notebook graded under its proper name, and reported as graded in problems.csv?"""
    course, _ = graded_class
    assert scores(course, LAST, chapter) is not None
    assert (course / AUTOGRADED / LAST / chapter / f"{chapter}.ipynb").is_file()
    problem = next(r for r in csv_rows(course, "problems.csv") if (r["student"], r["assignment"]) == (LAST, chapter))
    assert problem["status"] == "graded" and "renamed" in problem["reason"]


def test_grades_csv_has_a_status_for_every_row(graded_class):
    """Does every grades.csv row carry passed/partial/failed, matching its score?"""
    course, _ = graded_class
    for row in csv_rows(course, "grades.csv"):
        score, max_score = float(row["score"]), float(row["max_score"])
        expected = "passed" if score == max_score else ("partial" if score else "failed")
        assert row["status"] == expected, row
        assert bool(row["message"]) == (row["status"] != "passed"), row


def test_export_lists_every_graded_student(graded_class):
    """Does nbgrader's own CSV export carry each student's total for each chapter?"""
    course, _ = graded_class
    result = run_nbgrader(course, "export", "--to", str(course / "export.csv"))
    assert result.returncode == 0, result.stderr
    with open(course / "export.csv", newline="") as handle:
        rows = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(handle)}
    for chapter in chapters():
        total = sum(points(chapter).values())
        assert rows[chapter, "alice_correct"] == total
        assert rows[chapter, "bob_untouched"] == 0
        assert rows[chapter, LAST] == total - sum(points(chapter)[e] for e in wrong_and_broken(chapter))


@pytest.fixture(scope="module")
def feedback_of_last(graded_class):
    """The graded course after `nbgrader generate_feedback` wrote LAST's page of every chapter
    (one nbgrader run for all chapters)."""
    course, _ = graded_class
    result = run_nbgrader(course, "generate_feedback", "--assignment", "*", "--force", "--student", LAST)
    assert result.returncode == 0, result.stderr
    return course


@pytest.mark.parametrize("chapter", chapters())
def test_feedback_hides_hidden_tests(feedback_of_last, chapter):
    """Do feedback pages omit the hidden tests?"""
    page = (feedback_of_last / "feedback" / LAST / chapter / f"{chapter}.html").read_text()
    assert "nnpractice:hidden-tests" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "load_reference" not in page, "hidden test code shown in feedback"


def test_plain_nbgrader_autograde_with_the_course_configuration(course):
    """Does plain `nbgrader autograde` grade with the course's configuration, skipping a renamed notebook
    (nbgrader's own behaviour) while everyone after it is graded?"""
    chapter = chapters()[0]
    hand_in(course, "alice_correct", chapter, submission(chapter))
    hand_in(course, "bob_untouched", chapter, read("notebooks", chapter))
    hand_in(course, "dave_renamed", chapter, submission(chapter), f"{chapter} (1).ipynb")
    hand_in(course, "zoe_correct_last", chapter, submission(chapter))
    result = run_nbgrader(course, "autograde", chapter)
    log = result.stdout + result.stderr
    assert f"Skipping unknown notebook: {course}/submitted/dave_renamed/{chapter}/{chapter} (1).ipynb" in log
    assert scores(course, "alice_correct", chapter) == points(chapter)
    assert scores(course, "zoe_correct_last", chapter) == points(chapter)
    assert scores(course, "bob_untouched", chapter) == {exercise: 0 for exercise in points(chapter)}
