"""Tests of nnpractice.grading: finding and importing the instructor's reference solutions."""

import pytest

from nnpractice.grading import ReferenceNotFound, load_reference, references_dir
from tests.course import ROOT

REFERENCE = "def answer():\n    return {answer!r}\n"


def write_reference(folder, name="x", answer=42):
    """A fake reference module folder/<name>.py defining answer()."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(REFERENCE.format(answer=answer))
    return folder


def test_environment_variable_names_the_folder(tmp_path, monkeypatch):
    """Does NNPRACTICE_REFERENCES take precedence over any folder found by walking up?"""
    write_reference(tmp_path / "course" / "autograder" / "references", answer="walked")
    chosen = write_reference(tmp_path / "elsewhere", answer="env")
    monkeypatch.setenv("NNPRACTICE_REFERENCES", str(chosen))
    module = load_reference("x", start=tmp_path / "course")
    assert module.answer() == "env"
    assert references_dir() == chosen


@pytest.mark.parametrize("layout", ["autograder/references", "references"])
def test_walks_up_from_start(tmp_path, monkeypatch, layout):
    """Without the variable, is <ancestor>/autograder/references (or references) found from a subfolder?"""
    monkeypatch.delenv("NNPRACTICE_REFERENCES", raising=False)
    folder = write_reference(tmp_path / "course" / layout)
    start = tmp_path / "course" / "submitted" / "alice" / "01"
    start.mkdir(parents=True)
    assert references_dir(start) == folder.resolve()
    assert load_reference("x", start=start).answer() == 42


def test_walks_up_from_the_working_directory(tmp_path, monkeypatch):
    """Without start, is the search made from the working directory (where nbgrader runs)?"""
    monkeypatch.delenv("NNPRACTICE_REFERENCES", raising=False)
    write_reference(tmp_path / "autograder" / "references", answer="cwd")
    (tmp_path / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "deep")
    assert load_reference("x").answer() == "cwd"


def test_nearest_folder_wins(tmp_path, monkeypatch):
    """With reference folders at two levels, is the one nearest to start used?"""
    monkeypatch.delenv("NNPRACTICE_REFERENCES", raising=False)
    write_reference(tmp_path / "autograder" / "references", answer="outer")
    write_reference(tmp_path / "inner" / "autograder" / "references", answer="inner")
    assert load_reference("x", start=tmp_path / "inner").answer() == "inner"


def test_no_folder_raises(tmp_path, monkeypatch):
    """On a student's machine (no folder, no variable), is ReferenceNotFound, a FileNotFoundError, raised?"""
    monkeypatch.delenv("NNPRACTICE_REFERENCES", raising=False)
    assert issubclass(ReferenceNotFound, FileNotFoundError)
    with pytest.raises(ReferenceNotFound, match="NNPRACTICE_REFERENCES"):
        load_reference("x", start=tmp_path)


def test_missing_module_raises(tmp_path, monkeypatch):
    """With the folder found but no <assignment>.py in it, is ReferenceNotFound raised naming the file?"""
    monkeypatch.setenv("NNPRACTICE_REFERENCES", str(write_reference(tmp_path / "refs")))
    with pytest.raises(ReferenceNotFound, match="y.py"):
        load_reference("y")


def test_modules_are_loaded_fresh(tmp_path, monkeypatch):
    """Is a reference regenerated at once, at the same size, loaded anew (no stale .pyc)?"""
    folder = write_reference(tmp_path / "refs", answer=1)
    monkeypatch.setenv("NNPRACTICE_REFERENCES", str(folder))
    assert load_reference("x").answer() == 1
    write_reference(folder, answer=2)
    assert load_reference("x").answer() == 2


def test_repository_reference_for_gradient_checks(monkeypatch):
    """Does the repository's own 01_gradient_checks reference load, found from the repo, with rel_error?"""
    monkeypatch.delenv("NNPRACTICE_REFERENCES", raising=False)
    module = load_reference("01_gradient_checks", start=ROOT / "nnpractice")
    assert callable(module.rel_error)
    assert module.rel_error(0.0, 0.0) == 0.0
    assert module.rel_error([1.0, 2.0], [1.0, 1.0]) == pytest.approx(0.5)
