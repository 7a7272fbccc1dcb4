"""Is notebooks/ exactly nbgrader's release of solutions/, with nothing hidden left in it?"""

import ast
import filecmp
import subprocess
import sys
import zipfile

import nbformat
import pytest

from tests.course import (ASSIGNMENTS, HIDDEN_CANARY, REFERENCE_CANARY, ROOT, answer_cells, course_copy,
                          grade_cells, nbgrader, nbgrader_meta, read)

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def solution_blocks(source):
    """The lines between solution markers, one list per block."""
    blocks, inside = [], False
    for line in source.splitlines():
        if line.strip() == SOLUTION_MARKERS[0]:
            blocks.append([])
            inside = True
        elif line.strip() == SOLUTION_MARKERS[1]:
            inside = False
        elif inside:
            blocks[-1].append(line)
    return blocks


def strip_solution_blocks(source):
    """The source without its solution blocks (what students are meant to see)."""
    kept, inside = [], False
    for line in source.splitlines():
        if line.strip() in SOLUTION_MARKERS:
            inside = line.strip() == SOLUTION_MARKERS[0]
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def hidden_blocks(source):
    return [block.split(HIDDEN_MARKERS[1])[0] for block in source.split(HIDDEN_MARKERS[0])[1:]]


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
@pytest.mark.xdist_group("release")
def test_release_is_what_generate_assignment_makes(tmp_path):
    """Does `nbgrader generate_assignment` on solutions/ reproduce notebooks/ byte for byte?"""
    course = course_copy(tmp_path, release=False)
    generated = tmp_path / "notebooks"
    for assignment in ASSIGNMENTS:
        result = nbgrader(course, "generate_assignment", assignment, "--force")
        assert result.returncode == 0, result.stderr
    problems = diff_trees(ROOT / "notebooks", generated)
    assert not problems, "notebooks/ is out of date, run `make release`:\n" + "\n".join(problems)


def test_references_are_generated_from_solutions():
    """Are autograder/references/*.py up to date with the solution notebooks (one source of truth)?"""
    result = subprocess.run([sys.executable, str(ROOT / "autograder" / "make_references.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_module_defines_every_exercise(assignment):
    """Does the reference module hold exactly the functions (and classes) students write, as in the notebook?"""
    source = (ROOT / "autograder" / "references" / f"{assignment}.py").read_text()
    defined = {node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert defined == set(answer_cells(read("solutions", assignment)))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_solution_and_hidden_block_carries_a_canary(assignment):
    """Can the canary test see every piece of reference code and every hidden test?"""
    nb = read("solutions", assignment)
    for gid, cell in answer_cells(nb).items():
        blocks = solution_blocks(cell.source)
        assert blocks, f"{gid}: no ### BEGIN SOLUTION block"
        assert all(any(REFERENCE_CANARY in line for line in b) for b in blocks), f"{gid}: a block lacks the canary"
    for gid, cell in grade_cells(nb).items():
        blocks = hidden_blocks(cell.source)
        assert blocks, f"{gid}: no hidden tests"
        assert all(HIDDEN_CANARY in b for b in blocks), f"{gid}: a hidden block lacks the canary"


def reference_lines():
    """Lines of reference code (longer than 15 characters) that no notebook shows outside its answers."""
    lines = set()
    for assignment in ASSIGNMENTS:
        nb = read("solutions", assignment)
        inside = {line.strip() for c in answer_cells(nb).values() for b in solution_blocks(c.source) for line in b}
        shown = "\n".join(strip_solution_blocks(c.source) for c in nb.cells)  # e.g. a formula the text gives
        lines |= {line for line in inside if len(line) > 15 and line not in shown}
    return lines


def assert_no_secrets(name, text, secrets):
    """No canary, no line of reference code, and in a notebook no nbgrader marker."""
    markers = (*SOLUTION_MARKERS, *HIDDEN_MARKERS) if str(name).endswith(".ipynb") else ()
    for marker in (REFERENCE_CANARY, HIDDEN_CANARY, *markers):
        assert marker not in text, f"{name} contains {marker!r}"
    leaked = [line for line in secrets if line in text]
    assert not leaked, f"{name} contains reference code: {leaked[:3]}"


def test_release_contains_no_reference_code_and_no_hidden_test():
    """Does any file in notebooks/ carry a canary, a marker or a line of reference code?"""
    secrets = reference_lines()
    files = [p for p in (ROOT / "notebooks").rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert_no_secrets(path, text, secrets)


def test_student_bundle_holds_zero_bytes_of_reference(tmp_path):
    """Does the zip students get hold the release and support code, and no reference code at all?"""
    sys.path.insert(0, str(ROOT / "autograder"))
    from make_bundle import make_bundle

    secrets = reference_lines()
    with zipfile.ZipFile(make_bundle(tmp_path / "bundle.zip")) as archive:
        names = archive.namelist()
        assert any(n.endswith(".ipynb") for n in names) and any(n.endswith("model.py") for n in names)
        assert not any("solutions/" in n or "autograder/" in n for n in names)
        for name in names:
            text = archive.read(name).decode("utf-8", errors="replace")
            if name.endswith(".ipynb"):
                text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
            assert_no_secrets(name, text, secrets)


@pytest.mark.parametrize("kind", ["solutions", "notebooks"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_are_stored_without_outputs(kind, assignment):
    """Are notebooks stored clean: no outputs, no execution counts?"""
    nb = read(kind, assignment)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grade_cells_cannot_give_free_partial_credit(assignment):
    """Does every test cell end with an assert (nbgrader reads a last expression as a score)?"""
    for gid, cell in grade_cells(read("solutions", assignment)).items():
        last = ast.parse(cell.source).body[-1]
        is_none = isinstance(last, ast.Expr) and isinstance(last.value, ast.Constant) and last.value.value is None
        assert isinstance(last, (ast.Assert, ast.With, ast.For, ast.If)) or is_none, \
            f"{gid} ends with {type(last).__name__}"
        if isinstance(last, (ast.With, ast.For, ast.If)):
            assert isinstance(last.body[-1], ast.Assert), f"{gid}: block does not end with an assert"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grade_cells_are_locked_and_worth_points(assignment):
    """Is every test cell read-only, worth points, and the setup cell locked so grading restores it?"""
    nb = read("solutions", assignment)
    for gid, cell in grade_cells(nb).items():
        meta = nbgrader_meta(cell)
        assert meta["locked"] and meta["points"] > 0, gid
        assert gid.startswith("test_"), gid
    setup = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == "setup"]
    assert len(setup) == 1 and nbgrader_meta(setup[0])["locked"]
