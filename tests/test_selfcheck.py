"""Does the self-check give a reader the instructor's grade, without touching the reader's notebook?

The self-check (autograder/grader/selfcheck.py) restores the test cells from
the solution notebooks and runs the grader's GuardedExecute; these tests
compare its points, function by function, with the instructor's grading
command (`python -m grader`, real nbgrader, in a course copy) for the
reference answers, the untouched release and a known wrong answer.
"""

import csv
import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from tests.course import ASSIGNMENTS, ROOT, answer_cells, course_copy, points, read, submission
from tests.hostile import SHADOW_NUMPY, WRONG_KINKS
from tests.test_autograde import independent_exercise, mutant_source

sys.path.insert(0, str(ROOT / "autograder"))
from grader.check import main as check_main  # noqa: E402
from grader.run import grading_environment  # noqa: E402
from grader.selfcheck import check, progress, restore_cells, table  # noqa: E402

FIRST = ASSIGNMENTS[0]


def students(assignment):
    """{student: notebook} handed in for `assignment`: correct, untouched, one known wrong answer."""
    wrong = independent_exercise(assignment)
    return {"alice_correct": submission(assignment),
            "bob_untouched": read("notebooks", assignment),
            "carol_one_wrong": submission(assignment, {wrong: mutant_source(assignment, wrong)})}


def write(folder, assignment, nb):
    path = folder / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
@pytest.mark.xdist_group("nbgrader")
def test_points_equal_the_instructor_autograder(tmp_path):
    """For each chapter, do the self-check and `python -m grader` give each function the same points?"""
    course = course_copy(tmp_path / "course")
    checked = []
    for assignment in ASSIGNMENTS:
        for student, nb in students(assignment).items():
            write(course / "submitted" / student, assignment, nb)
            checked.append((student, assignment, write(tmp_path / "reader" / student, assignment, nb)))
    result = subprocess.run([sys.executable, "-m", "grader", "--jobs", "2", "--no-progress"], cwd=course / "autograder",
                            env=grading_environment(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades" / "grades.csv", newline="") as handle:
        instructor = {(r["student"], r["assignment"], r["exercise"]): float(r["score"]) for r in csv.DictReader(handle)}
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, [path for _, _, path in checked]))
    for (student, assignment, _), res in zip(checked, results):
        assert not res.problem, res.problem
        mine = {e.name: e.score for e in res.exercises}
        theirs = {e: instructor[student, assignment, e] for e in points(assignment)}
        assert mine == theirs, f"{student} / {assignment}: self-check {mine} != autograder {theirs}"
        assert {e.name: e.max_score for e in res.exercises} == {e: float(p) for e, p in points(assignment).items()}
    wrong = {(r.assignment, e.name): e.hint for r, (s, _, _) in zip(results, checked) if s == "carol_one_wrong"
             for e in r.exercises if e.score == 0}
    for assignment in ASSIGNMENTS:
        hint = wrong[assignment, independent_exercise(assignment)]
        assert hint and "Traceback" not in hint and "load_reference" not in hint, hint


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
    nb = submission(FIRST, {wrong: answer_cells(read("solutions", FIRST))[wrong].source + "\nprint((\n"})
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == wrong)
    result = check(write(tmp_path, FIRST, nb))
    expected = f"cell {index + 1} ({wrong}): SyntaxError"
    assert any(w.startswith(expected) for w in result.warnings), result.warnings
    scores = {e.name: e.score for e in result.exercises}
    assert scores == {**{e: float(p) for e, p in points(FIRST).items()}, wrong: 0.0}
    hint = next(e.hint for e in result.exercises if e.name == wrong)
    assert hint.startswith(expected) and "nbgrader" not in hint
    assert expected in table(result)


def test_edited_and_copied_test_cells_are_restored_from_the_solution():
    """Does an edited test cell get back its source with the hidden tests, and a copied one lose its grade?"""
    nb, solution = read("notebooks", FIRST), read("solutions", FIRST)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    tests[0].source = "pass"
    nb.cells.append(nbformat.from_dict(dict(tests[1])))
    restore_cells(nb, solution)
    gid = tests[0].metadata["nbgrader"]["grade_id"]
    original = next(c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
    assert tests[0].source == original.source and "BEGIN HIDDEN TESTS" in original.source
    assert "nbgrader" not in nb.cells[-1].metadata


def test_invalid_json_is_reported_not_raised(tmp_path):
    """Does a notebook that is not valid JSON get one clear line, and no traceback?"""
    path = tmp_path / FIRST / f"{FIRST}.ipynb"
    path.parent.mkdir()
    path.write_text('{"cells": [', encoding="utf-8")
    result = check(path)
    assert result.problem.startswith("not a readable notebook")
    assert "NOT GRADED: not a readable notebook" in table(result)
    assert "not graded" in progress([result])


def test_unknown_notebook_is_reported(tmp_path):
    """Is a notebook that is no chapter of the course reported by name?"""
    path = tmp_path / "holiday.ipynb"
    path.write_text(json.dumps(nbformat.v4.new_notebook()), encoding="utf-8")
    assert "not a chapter of the course" in check(path).problem


@pytest.mark.slow
def test_command_prints_tables_and_course_progress(tmp_path, capsys):
    """Does `python -m grader.check FOLDER` print each function's points and the course-wide progress?"""
    write(tmp_path, FIRST, submission(FIRST))
    broken = tmp_path / ASSIGNMENTS[1] / f"{ASSIGNMENTS[1]}.ipynb"
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
    assert script.is_file(), "the console entry point is installed with the course (pip install -e .)"
    path = write(tmp_path, FIRST, submission(FIRST, {"kinks_crossed": WRONG_KINKS}))
    (path.parent / "numpy.py").write_text(SHADOW_NUMPY)
    result = subprocess.run([str(script), str(path.parent)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    kinks = next(line for line in result.stdout.splitlines() if line.strip().startswith("kinks_crossed "))
    assert "0/2" in kinks and "FAIL" in kinks, result.stdout
    assert "usage: nnpractice-check" in subprocess.run([str(script), "--help"], capture_output=True, text=True).stdout
