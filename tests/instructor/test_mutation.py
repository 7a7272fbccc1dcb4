"""Mutation testing of the hidden tests: every chapter's score, and the equivalents file kept honest."""

import ast

import pytest

from nnpractice_instructor import mutation
from nnpractice_instructor.layout import chapters

# Chapters not yet at the bar keep at least today's score (a ratchet): raise them, never lower them.
FLOOR = {"01_gradient_checks": 0.949, "03_babysitting": 0.831, "06_hyperparameter_search": 0.885,
         "07_ensembles": 1.0}


@pytest.fixture(scope="module")
def results():
    return mutation.run(jobs=2)


def test_every_chapter_scores_at_least_the_bar(results):
    """Do the hidden tests reject at least 98% of the non-equivalent mutants of every chapter?"""
    equivalents = mutation.read_equivalents()
    for chapter, mutants, _ in results:
        result = mutation.score(chapter, mutants, equivalents)
        assert result.mutants > 20, f"{chapter}: only {result.mutants} mutants generated"
        floor = FLOOR.get(chapter, mutation.BAR)
        assert result.score >= floor, \
            f"{chapter}: {100 * result.score:.1f}% < {100 * floor:.1f}%; survivors: " \
            + "; ".join(f"{m.function} :: {m.id}" for m in result.survivors[:5])


def test_no_stale_equivalent(results):
    """Does every entry of the equivalents file name a mutant that exists and survives?"""
    everything = [m for _, mutants, _ in results for m in mutants]
    assert not mutation.stale_entries(mutation.read_equivalents(), everything, set(chapters()))


def test_every_mutant_compiles_and_differs_from_the_reference():
    """Is each mutant a valid function that changes the reference (and has a unique id)?"""
    for chapter in chapters():
        found = mutation.chapter_mutants(chapter)
        ids = [(m.function, m.id) for m in found]
        assert len(ids) == len(set(ids)), f"{chapter}: two mutants share an id"
        for m in found:
            assert ast.parse(m.source).body[0].name == m.function


def test_the_reference_itself_survives_and_a_wrong_answer_is_killed():
    """Does the runner accept the reference and reject a known wrong answer (not everything, not nothing)?"""
    runner = mutation.Chapter("05_lr_schedules")
    assert runner.run("step_decay") == ("survived", "")
    wrong = "def step_decay(lr0, epoch, factor=0.5, every=5):\n    return lr0 * factor ** (epoch / every)\n"
    outcome, detail = runner.run("step_decay", wrong)
    assert outcome == "killed" and "step_decay" in detail


def test_a_looping_mutant_is_stopped_by_the_time_limit():
    """Is a mutant that never returns stopped and counted as rejected?"""
    runner = mutation.Chapter("05_lr_schedules")
    looping = "def step_decay(lr0, epoch, factor=0.5, every=5):\n    while True:\n        pass\n"
    assert runner.run("step_decay", looping, time_limit=0.5)[0] == "timeout"
