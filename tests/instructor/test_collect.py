"""Does collection bring what instructors download into nbgrader's layout, reporting what it cannot read?"""

import zipfile

import pytest

from nnpractice_instructor.collect import collect, student_id
from nnpractice_instructor.course import submission
from tests.helpers import write_notebook as write
from tests.hostile import ASSIGNMENT


@pytest.mark.parametrize("name, expected", [
    ("alice.ipynb", "alice"), ("alice_01_gradient_checks.ipynb", "alice"),
    ("smithjohn_12345_678_hw1.ipynb", "smithjohn"), ("Jo Doe_late.ipynb", "Jo-Doe")])
def test_student_id_from_lms_file_names(tmp_path, name, expected):
    """Is the student id the file name up to the first underscore, made safe for a folder name?"""
    assert student_id(tmp_path / name) == expected


def test_collect_loose_notebooks_and_zip(tmp_path):
    """Do loose notebooks and a zip of them land in nbgrader's layout, with problems reported?"""
    loose = tmp_path / "download"
    write(loose / "ada_hw1.ipynb", submission(ASSIGNMENT))
    write(loose / "bob_hw1.ipynb", submission(ASSIGNMENT))
    write(loose / "bob_hw1_v2.ipynb", submission(ASSIGNMENT))
    (loose / "carl_hw1.ipynb").write_text("{ not json")
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in loose.iterdir():
            handle.write(path, f"export/{path.name}")
    for source in (loose, archive):
        submitted = tmp_path / f"submitted_{source.suffix or 'dir'}"
        problems = collect(source, submitted, [ASSIGNMENT], ASSIGNMENT)
        assert (submitted / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        reasons = {p.student: p.reason for p in problems}
        assert "several notebooks" in reasons["bob"]
        assert "not a valid notebook" in reasons["carl"]
        assert not (submitted / "carl" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()


def test_collect_needs_the_assignment_of_loose_notebooks(tmp_path):
    """Is a folder of loose notebooks without --assignment refused with a clear message?"""
    write(tmp_path / "in" / "ada.ipynb", submission(ASSIGNMENT))
    with pytest.raises(ValueError, match="--assignment"):
        collect(tmp_path / "in", tmp_path / "submitted", [ASSIGNMENT])
