"""Does the self-check give a reader the instructor's grade, without touching the reader's notebook?

The self-check (nnpractice_instructor/selfcheck.py) runs the grading
command's own pipeline on a scratch course. These tests compare it, function
by function and message by message, with the grading command's run on the
same notebooks (`graded_class`): the reference answers, the untouched
release, and every kept wrong answer of every chapter.
"""

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnpractice_instructor.course import points, submission
from nnpractice_instructor.layout import SUBMITTED, chapters
from nnpractice_instructor.selfcheck import check, check_many, main as check_main, progress, table
from tests.helpers import independent_exercise, with_syntax_error, write_notebook
from tests.hostile import SHADOW_NUMPY, WRONG_KINKS

FIRST = chapters()[0]
# every kept wrong answer of every chapter (the first, then the second, of each exercise); correct and
# untouched notebooks are self-checked by the other tests here and in test_hostile.py
COMPARED = ("mallory_first_mistakes", "nina_second_mistakes")


def template(message):
    """A failure message with its numbers and spacing folded: some kept wrong answers ignore the seed
    (that is their mistake), so the arrays their messages print differ from one run to the next."""
    return re.sub(r"\s+", "", re.sub(r"[-+]?\d+(\.\d*)?(e[-+]?\d+)?", "#", message))


def write(folder, chapter, nb):
    return write_notebook(folder / chapter / f"{chapter}.ipynb", nb)


@pytest.mark.slow
@pytest.mark.xdist_group("graded_class")
def test_points_and_messages_equal_the_grading_command(graded_class):
    """On every chapter's right, untouched and kept wrong answers, do the self-check and the grading
    command give each function the same points, status and message?"""
    course, result = graded_class
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with open(course / "grades" / "grades.csv", newline="") as handle:
        instructor = {(r["student"], r["assignment"], r["exercise"]): (float(r["score"]), r["status"], r["message"])
                      for r in csv.DictReader(handle)}
    checked = [(student, chapter) for chapter in chapters() for student in COMPARED]
    paths = [course / SUBMITTED / student / chapter / f"{chapter}.ipynb" for student, chapter in checked]
    results = check_many(paths, jobs=2)
    for (student, chapter), res in zip(checked, results):
        assert not res.problem, res.problem
        mine = {e.name: (e.score, e.status, template(e.hint)) for e in res.exercises}
        theirs = {e: (score, status, template(message))
                  for e in points(chapter) for score, status, message in [instructor[student, chapter, e]]}
        assert mine == theirs, f"{student} / {chapter}: self-check {mine} != grading command {theirs}"
        assert {e.name: e.max_score for e in res.exercises} == {e: float(p) for e, p in points(chapter).items()}
        if student.endswith("mistakes"):
            assert all(e.hint and "Traceback" not in e.hint and "load_reference" not in e.hint
                       for e in res.exercises), mine


@pytest.mark.slow
def test_reader_notebook_is_never_modified(tmp_path):
    """Are the reader's file and its outputs byte for byte the same after a self-check?"""
    nb = submission(FIRST)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="my own output\n")]
    path = write(tmp_path, FIRST, nb)
    before = path.read_bytes()
    result = check(path)
    assert result.score == sum(points(FIRST).values())
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "the check wrote next to the notebook"


@pytest.mark.slow
def test_syntax_error_names_the_cell_and_costs_only_that_function(tmp_path):
    """Does a syntax error get 'cell N (name): SyntaxError' and cost only that function's points?"""
    wrong = independent_exercise(FIRST)
    nb = submission(FIRST, {wrong: with_syntax_error(FIRST, wrong)})
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == wrong)
    result = check(write(tmp_path, FIRST, nb))
    expected = f"cell {index + 1} ({wrong}): SyntaxError"
    scores = {e.name: e.score for e in result.exercises}
    assert scores == {**{e: float(p) for e, p in points(FIRST).items()}, wrong: 0.0}
    hint = next(e.hint for e in result.exercises if e.name == wrong)
    assert hint.startswith(expected) and "nbgrader" not in hint
    assert expected in table(result)


def test_invalid_json_is_reported_not_raised(tmp_path):
    """Does a notebook that is not valid JSON get one clear line, and no traceback?"""
    path = tmp_path / FIRST / f"{FIRST}.ipynb"
    path.parent.mkdir()
    path.write_text('{"cells": [', encoding="utf-8")
    result = check(path)
    assert "is not a valid notebook" in result.problem
    assert "NOT GRADED:" in table(result)
    assert "not graded" in progress([result])


def test_unknown_notebook_is_reported(tmp_path):
    """Is a notebook that is no chapter of the course reported by name?"""
    path = tmp_path / "holiday.ipynb"
    path.write_text(json.dumps(nbformat.v4.new_notebook()), encoding="utf-8")
    assert "not a chapter of the course" in check(path).problem


@pytest.mark.slow
def test_command_prints_tables_and_course_progress(tmp_path, capsys):
    """Does `nnpractice-check FOLDER` print each function's points and the course-wide progress?"""
    write(tmp_path, FIRST, submission(FIRST))
    broken = tmp_path / chapters()[1] / f"{chapters()[1]}.ipynb"
    broken.parent.mkdir()
    broken.write_text("not json", encoding="utf-8")
    status = check_main([str(tmp_path), "--jobs", "2"])
    out = capsys.readouterr().out
    assert status == 1, "a notebook that could not be graded must fail the command"
    total = sum(points(FIRST).values())
    for exercise, p in points(FIRST).items():
        assert f"{p}/{p}" in next(line for line in out.splitlines() if line.strip().startswith(exercise + " "))
    assert "course progress" in out and f"{total}/{total}" in out and "not graded" in out


@pytest.mark.slow
def test_console_entry_point_checks_one_chapter_folder(tmp_path):
    """Does the installed `nnpractice-check CHAPTER_FOLDER` grade that chapter, a numpy.py beside it ignored?"""
    script = Path(sys.executable).parent / "nnpractice-check"
    assert script.is_file(), "the console entry point is installed with the course (pip install -r requirements.txt)"
    path = write(tmp_path, FIRST, submission(FIRST, {"kinks_crossed": WRONG_KINKS}))
    (path.parent / "numpy.py").write_text(SHADOW_NUMPY)
    result = subprocess.run([str(script), str(path.parent)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    kinks = next(line for line in result.stdout.splitlines() if line.strip().startswith("kinks_crossed "))
    assert "0/2" in kinks and "failed" in kinks, result.stdout
    assert "usage: nnpractice-check" in subprocess.run([str(script), "--help"], capture_output=True, text=True).stdout
