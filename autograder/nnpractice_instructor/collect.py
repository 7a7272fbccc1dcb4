"""Bring submissions into nbgrader's layout: submitted/<student>/<assignment>/<assignment>.ipynb.

Accepted sources:
- nbgrader's own submitted/ folder (used in place);
- a folder of loose notebooks, one per student, as an LMS exports them
  (`alice.ipynb`, `alice_01_gradient_checks.ipynb`, `张伟_12345_hw1.ipynb`):
  the student's name is the file name up to the first "_" (or the whole
  stem), and the student id a unique, stable, safe form of it (safe_id);
- a .zip of either.

In nbgrader's layout, an assignment folder holding exactly one notebook
under another name (a renamed notebook) gets it copied to the expected name.
A file that is not a readable notebook (invalid JSON, wrong format) is not
graded; it is reported as a Problem so that nothing is lost silently.
"""

import hashlib
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat


GRADED = "graded"                       # graded all the same; the problem is noted
NOT_GRADED = "not graded"               # no grade: the instructor must act
NO_FEEDBACK = "graded, no feedback"     # graded, but its feedback could not be written


@dataclass
class Problem:
    """A submission that could not be graded as handed in: what happened to it (status) and why."""

    student: str
    assignment: str
    reason: str
    status: str = NOT_GRADED


SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def safe_id(name):
    """A unique, stable nbgrader student id for any name an LMS can hold.

    A name that is already safe (an ASCII letter or digit, then also '.',
    '_' and '-') is its own id. Any other name (spaces, accents, any script, a
    leading '-' that nbgrader's command line would read as an option) becomes
    its ASCII letters and digits, joined by '-', then '-' and 8 hex digits of
    a hash of the whole name: names that look alike once normalized ("José
    Núñez", "Jose Nunez", "张伟", "王芳") still get ids of their own, and the
    same name always gets the same id.
    """
    name = unicodedata.normalize("NFC", name.strip())
    if SAFE_ID.fullmatch(name):
        return name
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[A-Za-z0-9]+", ascii_only))[:40]
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"student-{digest}"


def student_name(path):
    """The student's name in a loose notebook's file name: the stem up to the first '_'."""
    return path.stem.split("_", 1)[0].strip() or path.stem


def student_id(path):
    """The nbgrader student id of a loose notebook (see safe_id)."""
    return safe_id(student_name(path))


def check_notebook(path):
    """None if path is a readable notebook, else the reason it is not."""
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as error:  # nbformat raises many types for bad files
        return f"{path.name} is not a valid notebook ({type(error).__name__}: {str(error)[:200]})"
    return None


def from_loose_files(folder, submitted, assignment, names):
    """Copy loose notebooks into submitted/<student>/<assignment>/, filling names {id: name}; returns [Problem]."""
    problems, seen = [], {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or "__MACOSX" in path.parts:
            continue
        student = student_id(path)
        names[student] = student_name(path)
        target = submitted / student / assignment / f"{assignment}.ipynb"
        if student in seen:
            problems.append(Problem(student, assignment, f"several notebooks; graded {seen[student]}, not {path.name}",
                                        status=GRADED))
            continue
        seen[student] = path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return problems


def safe_folders(submitted, names):
    """Give every student folder of submitted/ a safe id (see safe_id), filling names {id: name}."""
    for folder in sorted(p for p in submitted.iterdir() if p.is_dir()):
        student = safe_id(folder.name)
        names.setdefault(student, unicodedata.normalize("NFC", folder.name))
        if student != folder.name:
            shutil.copytree(folder, submitted / student, dirs_exist_ok=True)
            shutil.rmtree(folder)


def normalize(submitted, assignments):
    """Fix renamed notebooks and set aside unreadable ones, in nbgrader's layout; returns [Problem]."""
    problems = []
    for student_folder in sorted(p for p in submitted.iterdir() if p.is_dir()):
        for assignment in assignments:
            folder = student_folder / assignment
            if not folder.is_dir():
                continue
            expected = folder / f"{assignment}.ipynb"
            notebooks = sorted(p for p in folder.glob("*.ipynb") if p != expected)
            if not expected.exists() and len(notebooks) == 1:
                shutil.copy(notebooks[0], expected)
                problems.append(Problem(student_folder.name, assignment,
                                        f"notebook renamed to {notebooks[0].name}; graded under its proper name",
                                        status=GRADED))
            if not expected.exists():
                problems.append(Problem(student_folder.name, assignment, "no notebook found in the submission"))
                continue
            reason = check_notebook(expected)
            if reason:
                expected.rename(expected.with_suffix(".unreadable"))
                problems.append(Problem(student_folder.name, assignment, reason))
    return problems


def extract(archive, folder):
    """Unpack a zip into folder, with names as their authors wrote them.

    A zip made without the UTF-8 flag (common on Windows) stores names in the
    system's code page, which Python reads as cp437: a name that reads as
    valid UTF-8 once re-encoded is taken as UTF-8 (so 张伟 stays 张伟).
    """
    for info in archive.infolist():
        if not info.flag_bits & 0x800:
            try:
                info.filename = info.filename.encode("cp437").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
        archive.extract(info, folder)


def collect(source, submitted, assignments, assignment=None, names=None):
    """Fill `submitted` from `source` (folder or zip); returns [Problem].

    Inputs:
    - source: Path of nbgrader's submitted/ folder, a folder of loose
      notebooks, or a .zip of either.
    - submitted: Path of the course's submitted/ folder.
    - assignments: names of the course's assignments.
    - assignment: the assignment loose notebooks belong to.
    - names: a dict to fill with {student id: the student's name as handed in}.
    """
    source, submitted = Path(source), Path(submitted)
    names = {} if names is None else names
    if source.suffix == ".zip":
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(source) as archive:
            extract(archive, tmp)
            return collect(Path(tmp), submitted, assignments, assignment, names)
    submitted.mkdir(parents=True, exist_ok=True)
    problems = []
    if source.resolve() == submitted.resolve():
        pass
    elif any(next(source.glob(f"*/{a}"), None) for a in assignments):  # nbgrader layout
        shutil.copytree(source, submitted, dirs_exist_ok=True)
    else:
        if assignment is None:
            raise ValueError(f"{source} holds loose notebooks: say which assignment they are (--assignment)")
        problems += from_loose_files(source, submitted, assignment, names)
    safe_folders(submitted, names)
    return problems + normalize(submitted, assignments)
