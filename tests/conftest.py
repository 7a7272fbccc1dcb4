"""Shared fixtures: a headless backend, an rng, and the course released and graded once per session.

`released_course` is a scratch copy of the course in which `nbgrader
generate_assignment` ran for every chapter (a gradebook that knows them all);
`course` gives each test its own copy of it. `graded_class` is a class of
submissions for every chapter graded once by the grading command; the tests
of the grading command and of the self-check read it (one xdist group).
"""

import shutil

import matplotlib
import nbformat
import numpy as np
import pytest

from nnpractice_instructor.course import scratch_course
from nnpractice_instructor.judge import run_here
from nnpractice_instructor.kernels import execute
from nnpractice_instructor.layout import chapters, notebook_path
from nnpractice_instructor.release import release
from tests.helpers import class_of, grade, hand_in

matplotlib.use("Agg")  # in this process only: kernels started by tests keep the inline backend


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def executed_solution():
    """executed_solution(chapter): the solution notebook of `chapter` run headless once per session, as a
    student runs it (NBGRADER_EXECUTION unset), figures inline. Tests using it belong to xdist group
    "executed" so that each notebook runs once. (Under grading, the correct submissions of `graded_class`
    are what runs: test_grade.py.)"""
    cache = {}

    def run(chapter):
        if chapter not in cache:
            path = notebook_path(chapter, "solutions")
            with pytest.MonkeyPatch.context() as patch:
                patch.delenv("MPLBACKEND", raising=False)  # figures render inline, as for a student
                patch.delenv("NBGRADER_EXECUTION", raising=False)
                cache[chapter] = execute(run_here(nbformat.read(path, as_version=4)), path.parent)
        return cache[chapter]

    return run


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A scratch course released from solutions/ with nbgrader: notebooks/ and the gradebook. Read only."""
    course = scratch_course(tmp_path_factory.mktemp("released") / "course", release=False)
    release(course)
    return course


@pytest.fixture
def course(released_course, tmp_path):
    """A copy of the released course of this test's own, gradebook included."""
    return shutil.copytree(released_course, tmp_path / "course")


@pytest.fixture(scope="session")
def graded_class(released_course, tmp_path_factory):
    """A course in which the grading command graded class_of(chapter) (tests/helpers.py) for every chapter.

    Yields (course, completed process). Tests using it belong to xdist group "graded_class".
    """
    course = shutil.copytree(released_course, tmp_path_factory.mktemp("graded") / "course")
    for chapter in chapters():
        for student, (nb, filename) in class_of(chapter).items():
            hand_in(course, student, chapter, nb, filename)
    return course, grade(course, "--jobs", "2")
