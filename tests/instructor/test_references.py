"""Are the hidden references built from the solution notebooks, and handed out only through the hook?"""

import ast

import pytest

from nnpractice_instructor import references
from nnpractice_instructor.course import answer_cells, read
from nnpractice_instructor.layout import chapters, references_dir
from nnpractice_instructor.references import ReferenceNotFound, load_reference

REFERENCE = "def answer():\n    return {answer!r}\n"


def fake_course(folder, answer=42):
    """A course folder whose references/x.py defines answer()."""
    refs = folder / "autograder" / "references"
    refs.mkdir(parents=True, exist_ok=True)
    (refs / "x.py").write_text(REFERENCE.format(answer=answer))
    return folder


def test_references_are_generated_from_solutions():
    """Are autograder/references/*.py up to date with the solution notebooks (one source of truth)?"""
    stale = references.write_references(check=True)
    assert not stale, f"out of date, run `make release`: {stale}"


@pytest.mark.parametrize("chapter", chapters())
def test_reference_module_defines_every_exercise(chapter):
    """Does the reference module hold exactly the functions (and classes) students write, as in the notebook?"""
    source = (references_dir() / f"{chapter}.py").read_text()
    defined = {node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert defined == set(answer_cells(read("solutions", chapter)))


def test_the_course_reference_loads_from_disk():
    """Without a provider, does the course's own 01_gradient_checks reference load from autograder/?"""
    module = load_reference("01_gradient_checks")
    assert module.rel_error(0.0, 0.0) == 0.0
    assert module.rel_error([1.0, 2.0], [1.0, 1.0]) == pytest.approx(0.5)


def test_a_course_folder_can_be_named(tmp_path):
    """Is the course's folder a parameter, so that a scratch course reads its own references?"""
    assert load_reference("x", course=fake_course(tmp_path)).answer() == 42


def test_missing_module_raises(tmp_path):
    """With no <chapter>.py, is ReferenceNotFound, a FileNotFoundError, raised naming the file?"""
    assert issubclass(ReferenceNotFound, FileNotFoundError)
    with pytest.raises(ReferenceNotFound, match="y.py"):
        load_reference("y", course=fake_course(tmp_path))


def test_modules_are_loaded_fresh(tmp_path):
    """Is a reference regenerated at once, at the same size, loaded anew (no stale .pyc)?"""
    course = fake_course(tmp_path, answer=1)
    assert load_reference("x", course=course).answer() == 1
    fake_course(tmp_path, answer=2)
    assert load_reference("x", course=course).answer() == 2
