"""Is notebooks/ exactly nbgrader's release of solutions/, with nothing hidden left in it?"""

import ast
import copy
import filecmp

import nbformat
import pytest

from nnpractice_instructor.course import answer_cells, graded_cells, read, scratch_course
from nnpractice_instructor.judge import probe_source, split_hidden
from nnpractice_instructor.layout import (HIDDEN_CANARY, REFERENCE_CANARY, chapters, nbgrader_meta, notebook_path,
                                          release_dir)
from nnpractice_instructor.release import release
from nnpractice_instructor.run import NbgraderFailed
from tests.helpers import assert_no_secrets, hidden_blocks, reference_lines, solution_blocks

def diff_trees(left, right):
    """Paths that differ between two folders, compared byte by byte."""
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__", ".ipynb_checkpoints"])
    problems = [f"only in {left}: {n}" for n in comparison.left_only]
    problems += [f"only in {right}: {n}" for n in comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    problems += [f"differs: {n}" for n in mismatch + errors]
    for sub in comparison.common_dirs:
        problems += diff_trees(left / sub, right / sub)
    return problems


@pytest.mark.slow
def test_release_is_what_generate_assignment_makes(released_course):
    """Does `nbgrader generate_assignment` on solutions/ reproduce notebooks/ byte for byte?"""
    problems = diff_trees(release_dir(), release_dir(released_course))
    assert not problems, "notebooks/ is out of date, run `make release`:\n" + "\n".join(problems)


@pytest.mark.slow
def test_one_broken_chapter_is_named_and_the_others_are_released(tmp_path):
    """Releasing every chapter takes one nbgrader run; when it fails, is each chapter released on its
    own, and is the failure named with its chapter and nbgrader's reason, not the others?"""
    good, broken = chapters()[:2]
    course = scratch_course(tmp_path / "course", only=[good, broken], release=False)
    nb = read("solutions", broken, course)
    twice = copy.deepcopy(next(iter(graded_cells(nb).values())))  # a grade id twice: nbgrader refuses
    twice.id = "the-same-grade-id"
    nb.cells.append(twice)
    nbformat.write(nb, notebook_path(broken, "solutions", course))
    with pytest.raises(NbgraderFailed) as failure:
        release(course)
    message = str(failure.value)
    assert f"generate_assignment {broken} failed" in message and "error" in message.lower(), message
    assert good not in message, message
    assert notebook_path(good, "notebooks", course).is_file()
    assert not notebook_path(broken, "notebooks", course).exists()


@pytest.mark.parametrize("assignment", chapters())
def test_every_solution_and_hidden_block_carries_a_canary(assignment):
    """Can the canary test see every piece of reference code and every hidden test?"""
    nb = read("solutions", assignment)
    for gid, cell in answer_cells(nb).items():
        blocks = solution_blocks(cell.source)
        assert blocks, f"{gid}: no ### BEGIN SOLUTION block"
        assert all(any(REFERENCE_CANARY in line for line in b) for b in blocks), f"{gid}: a block lacks the canary"
    for gid, cell in graded_cells(nb).items():
        blocks = hidden_blocks(cell.source)
        assert blocks, f"{gid}: no hidden tests"
        assert all(HIDDEN_CANARY in b for b in blocks), f"{gid}: a hidden block lacks the canary"


def test_release_contains_no_reference_code_and_no_hidden_test():
    """Does any file in notebooks/ carry a canary, a marker or a line of reference code?"""
    secrets = reference_lines()
    files = [p for p in release_dir().rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert_no_secrets(path, text, secrets)


@pytest.mark.parametrize("kind", ["solutions", "notebooks"])
@pytest.mark.parametrize("assignment", chapters())
def test_notebooks_are_stored_without_outputs(kind, assignment):
    """Are notebooks stored clean: no outputs, no execution counts?"""
    nb = read(kind, assignment)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


@pytest.mark.parametrize("assignment", chapters())
def test_grade_cells_cannot_give_free_partial_credit(assignment):
    """Does no test cell end with a value (nbgrader reads a last expression as a score), neither as
    released (its visible part) nor as executed in grading (with the probe in place of the hidden block)?"""
    for gid, cell in graded_cells(read("solutions", assignment)).items():
        visible, check = split_hidden(cell.source)
        assert ends_without_a_value(visible), f"{gid}: the released cell ends with a value"
        assert ends_without_a_value(probe_source(visible, check or "", "nonce")), f"{gid}: ends with a value"


def ends_without_a_value(source):
    """Whether the last statement (the last one inside a final with/for/if) gives no value."""
    last = ast.parse(source).body[-1]
    while isinstance(last, (ast.With, ast.For, ast.If)):
        last = last.body[-1]
    if not isinstance(last, ast.Expr):
        return True
    value = last.value
    return (isinstance(value, ast.Constant) and value.value is None) or \
        (isinstance(value, ast.Call) and getattr(value.func, "id", "") == "observe")


@pytest.mark.parametrize("assignment", chapters())
def test_grade_cells_are_locked_and_worth_points(assignment):
    """Is every test cell read-only, worth points, and the setup cell locked so grading restores it?"""
    nb = read("solutions", assignment)
    for gid, cell in graded_cells(nb).items():
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] > 0, gid
        assert gid.startswith("test_"), gid
    setup = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "setup"]
    assert len(setup) == 1 and nbgrader_meta(setup[0])["locked"]
