"""Do the hidden tests tell right from wrong? Reference, untouched stub and known mistakes."""

import pytest

from nnpractice_instructor.course import answer_cells, exercises, read, graded_cells
from nnpractice_instructor.judge import judge_in_process, reference_namespace, split_hidden
from nnpractice_instructor.layout import chapters, grade_id_for
from tests.helpers import depends_on, namespace
from tests.mutants import mutants_of

ASSIGNMENTS = chapters()

MUTANTS = [(a, exercise, name, function) for a in ASSIGNMENTS for exercise, name, function in mutants_of(a)]


def run_test_cell(assignment, exercise, ns, hidden_only=False):
    """Run a test cell on the names in `ns`: its visible part here, its hidden check judged as in grading."""
    visible, check = split_hidden(graded_cells(read("solutions", assignment))[grade_id_for(exercise)].source)
    if not hidden_only:
        exec(visible, ns)
    judge_in_process(check, ns, reference_namespace(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_passes_every_test_cell(assignment):
    """Do the reference solutions pass their visible and hidden tests?"""
    ns = namespace(assignment)
    for exercise in exercises(assignment):
        run_test_cell(assignment, exercise, ns)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_stub_fails_every_test_cell(assignment):
    """Does the student release, as handed out, fail every test cell?"""
    for exercise in exercises(assignment):
        ns = namespace(assignment, answers="notebooks")
        with pytest.raises(NotImplementedError):
            run_test_cell(assignment, exercise, ns)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_answer_cell_and_two_mutants(assignment):
    """Is every graded function a stub students fill in, with at least two wrong answers kept?"""
    names = exercises(assignment)
    assert set(names) == set(answer_cells(read("solutions", assignment)))
    for exercise in names:
        kept = [m for a, e, m, _ in MUTANTS if a == assignment and e == exercise]
        assert len(kept) >= 2, f"{exercise}: only {kept} kept as wrong answers"


@pytest.mark.parametrize("assignment, exercise, mutant, function", MUTANTS,
                         ids=[f"{a}:{m}" for a, _, m, _ in MUTANTS])
def test_hidden_tests_reject_mutant(assignment, exercise, mutant, function):
    """Do the hidden tests alone reject this known wrong answer, with a message naming the mistake?"""
    ns = namespace(assignment)
    ns[exercise] = function
    with pytest.raises(AssertionError) as failure:
        run_test_cell(assignment, exercise, ns, hidden_only=True)
    message = str(failure.value)
    assert exercise in message and len(message) > 25, \
        f"{mutant}: feedback should name the exercise and the likely mistake, got {message!r}"


@pytest.mark.parametrize("assignment, exercise, mutant, function", MUTANTS,
                         ids=[f"{a}:{m}" for a, _, m, _ in MUTANTS])
def test_mutant_does_not_break_other_test_cells(assignment, exercise, mutant, function):
    """Does a wrong answer cost only its own exercise's points?"""
    ns = namespace(assignment)
    ns[exercise] = function
    for other in exercises(assignment):
        if other != exercise and not depends_on(assignment, other, exercise):
            run_test_cell(assignment, other, ns)
