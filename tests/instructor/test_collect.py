"""Does collection bring what instructors download into nbgrader's layout, reporting what it cannot read?"""

import re
import zipfile

import nbformat
import pytest

from nnpractice_instructor.collect import collect, safe_id, student_id
from nnpractice_instructor.course import submission
from tests.helpers import write_notebook as write
from tests.hostile import ASSIGNMENT


@pytest.mark.parametrize("name, expected", [
    ("alice.ipynb", "alice"), ("alice_01_gradient_checks.ipynb", "alice"),
    ("smithjohn_12345_678_hw1.ipynb", "smithjohn"), ("a.b-c_hw.ipynb", "a.b-c")])
def test_a_safe_name_is_its_own_id(tmp_path, name, expected):
    """Is the student id the file name up to the first underscore, kept as it is when already safe?"""
    assert student_id(tmp_path / name) == expected


NAMES = ["张伟", "王芳", "محمد علي", "فاطمة", "Jo Doe", "Jo-Doe", "José Núñez", "Jose Nunez", "Zoë", "Zoe",
         "-rf", "--", "Ünal Öztürk", "Ana María", "Ana  María", "ΑΛΕΞΑΝΔΡΟΣ", "Đorđe", "O'Brien"]


def test_every_name_gets_a_unique_stable_safe_id():
    """Do names in any script, with spaces, accents, quotes or a leading dash, each get their own id,
    always the same, usable as a folder name and as nbgrader's --student argument?"""
    ids = [safe_id(name) for name in NAMES]
    assert len(set(ids)) == len(NAMES), dict(zip(NAMES, ids))
    assert ids == [safe_id(name) for name in NAMES], "ids must be stable"
    for student in ids:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", student), student
    assert safe_id("José Núñez").startswith("Jose-Nunez-") and safe_id("张伟").startswith("student-")


class CodePageInfo(zipfile.ZipInfo):
    """A zip entry written as tools without the UTF-8 flag write it: the name's bytes, no flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def test_an_lms_zip_of_names_in_any_script_keeps_every_student(tmp_path):
    """In a zip with names in Chinese, Arabic, with spaces and accents (as a Windows tool writes it,
    without the UTF-8 flag, and with it), does every student land in a folder of their own, names kept?"""
    for utf8_flag in (False, True):
        archive = tmp_path / f"class_{utf8_flag}.zip"
        with zipfile.ZipFile(archive, "w") as handle:
            for name in NAMES:
                kind = zipfile.ZipInfo if utf8_flag else CodePageInfo  # without the flag, read back as cp437
                info = kind(f"export/{name}_hw1.ipynb")
                handle.writestr(info, nbformat.writes(submission(ASSIGNMENT)))
        names = {}
        submitted = tmp_path / f"submitted_{utf8_flag}"
        problems = collect(archive, submitted, [ASSIGNMENT], ASSIGNMENT, names)
        assert not problems, problems
        assert sorted(names.values()) == sorted(NAMES)
        for student, name in names.items():
            assert student == safe_id(name)
            assert (submitted / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


def test_unsafe_folders_of_nbgrader_layout_are_renamed(tmp_path):
    """Are submitted/<name>/ folders whose names nbgrader cannot take moved to safe ids, names kept?"""
    source = tmp_path / "export"
    for name in ("张伟", "-x", "bob", "jo_smith_2"):
        write(source / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", submission(ASSIGNMENT))
    names = {}
    collect(source, tmp_path / "submitted", [ASSIGNMENT], names=names)
    assert sorted(p.name for p in (tmp_path / "submitted").iterdir()) == \
        sorted(safe_id(n) for n in ("张伟", "-x", "bob", "jo_smith_2"))
    assert names[safe_id("张伟")] == "张伟" and names["bob"] == "bob" and safe_id("jo_smith_2") == "jo_smith_2"


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
