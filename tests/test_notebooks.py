"""Does every solution notebook run headless from top to bottom, silently on stderr?"""

import pytest

from nnpractice_instructor.layout import chapters


def problems(nb):
    """Error outputs and stderr streams, with the cell index where they appeared."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index} wrote to stderr: {output.text[:200]}")
    return found


@pytest.mark.slow
@pytest.mark.xdist_group("executed")
@pytest.mark.parametrize("grading", [False, True], ids=["normal", "NBGRADER_EXECUTION"])
@pytest.mark.parametrize("assignment", chapters())
def test_solution_notebook_executes_cleanly(assignment, grading, executed_solution):
    """Does the instructor's notebook run with no error and nothing on stderr, also under autograding?"""
    nb = executed_solution(assignment, grading)
    assert not problems(nb), "\n".join(problems(nb))
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 1, "the experiments drew no figure"
