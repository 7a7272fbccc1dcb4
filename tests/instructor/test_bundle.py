"""Is what students get free of the instructor's side, and does it work on its own?

The student bundle (nnpractice-bundle) holds the release, the student runtime
`nnpractice` and the data. These tests prove it holds no reference code, that
the runtime never reaches the instructor's package, and that every chapter's
visible tests run from an unpacked bundle with the runtime imported from it.
"""

import ast
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from nnpractice_instructor.bundle import make_bundle, student_requirements
from nnpractice_instructor.course import answer_cells, graded_cells, read, setup_cell
from nnpractice_instructor.kernels import execute
from nnpractice_instructor.layout import COURSE, SUPPORT_PACKAGE, chapters
from tests.helpers import assert_no_secrets, reference_lines

RUNTIME = sorted((COURSE / SUPPORT_PACKAGE).glob("*.py"))


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The bundle, made and unpacked: (zip path, folder of the unpacked course)."""
    folder = tmp_path_factory.mktemp("bundle")
    archive = make_bundle(folder / "bundle.zip")
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(folder / "unpacked")
    return archive, folder / "unpacked" / "nn-practice"


def test_student_bundle_holds_zero_bytes_of_reference(unpacked):
    """Does the zip students get hold the release and support code, and no reference code at all?"""
    secrets = reference_lines()
    with zipfile.ZipFile(unpacked[0]) as archive:
        names = archive.namelist()
        assert any(n.endswith(".ipynb") for n in names) and any(n.endswith("model.py") for n in names)
        assert not any("solutions/" in n or "autograder/" in n for n in names)
        for name in names:
            text = archive.read(name).decode("utf-8", errors="replace")
            if name.endswith(".ipynb"):
                text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
            assert_no_secrets(name, text, secrets)


def test_bundle_requirements_install_the_runtime_only(unpacked):
    """Do the bundle's requirements install nnpractice, and nothing of the instructor's side?"""
    requirements = (unpacked[1] / "requirements.txt").read_text()
    assert requirements == student_requirements()
    assert "-e ." in requirements.splitlines() and "autograder" not in requirements


@pytest.mark.parametrize("path", RUNTIME, ids=[p.name for p in RUNTIME])
def test_the_runtime_never_reaches_the_instructor_side(path):
    """Does no module of nnpractice import the instructor's package or read the references?"""
    source = path.read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"nnpractice_instructor", "grader", "autograder"}, f"{path.name} imports {imported}"
    assert "references" not in source and "load_reference" not in source, f"{path.name} mentions the references"


def test_the_instructor_side_never_writes_into_the_runtime():
    """Does no instructor module assign to an attribute of an nnpractice module (a hook in the runtime)?"""
    package = COURSE / "autograder" / "nnpractice_instructor"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    assert target.value.id not in ("nnpractice", "grading"), f"{path.name} writes {ast.unparse(target)}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and node.args:
                assert "nnpractice" not in ast.unparse(node.args[0]), f"{path.name}: {ast.unparse(node)}"


def visible_tests(chapter, release):
    """The release of `chapter` as students get it, cut to what its visible tests need: the setup cell,
    every answer cell filled in from the solutions, and every test cell, then a cell that says where
    nnpractice came from and whether the instructor's package was loaded."""
    nb = read("notebooks", chapter, course=release)
    solutions = answer_cells(read("solutions", chapter))
    cells = [setup_cell(nb)]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid].source
            cells.append(cell)
        elif gid in graded_cells(nb):
            cells.append(cell)
    cells.append(new_code_cell("import sys, nnpractice\nprint(nnpractice.__file__)\n"
                               "print(sorted(m for m in sys.modules if m.startswith('nnpractice_instructor')))"))
    nb.cells = cells
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("chapter", chapters())
def test_visible_tests_run_from_the_unpacked_bundle(unpacked, chapter, monkeypatch):
    """In an unpacked bundle, with nnpractice imported from it, do a chapter's visible tests all pass?"""
    folder = unpacked[1]
    monkeypatch.setenv("PYTHONPATH", str(folder))  # the bundle's runtime first, before any installed copy
    monkeypatch.delenv("NNPRACTICE_COURSE", raising=False)
    nb = execute(visible_tests(chapter, folder), folder / "notebooks" / chapter, timeout=120)
    origin, instructor = nb.cells[-1].outputs[0].text.splitlines()
    assert origin.startswith(str(folder / SUPPORT_PACKAGE)), origin
    assert instructor == "[]", f"the visible tests loaded the instructor's package: {instructor}"
