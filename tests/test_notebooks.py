"""Does every solution notebook run headless from top to bottom, silently on stderr?

Here as a student runs it; under autograding, the correct submissions graded
for real are checked the same way (test_grade.py).
"""

import pytest

from nnpractice_instructor.layout import chapters
from tests.helpers import figures, problems


@pytest.mark.slow
@pytest.mark.xdist_group("executed")
@pytest.mark.parametrize("assignment", chapters())
def test_solution_notebook_executes_cleanly(assignment, executed_solution):
    """Does the instructor's notebook run with no error and nothing on stderr, and draw its figures?"""
    nb = executed_solution(assignment)
    assert not problems(nb), "\n".join(problems(nb))
    assert figures(nb) >= 1, "the experiments drew no figure"
