"""What the tests share beyond the packages: running answer cells in-process, building class
submissions from kept wrong answers, reading the solution blocks of notebooks, and waiting for processes."""

import inspect
import subprocess
import sys
import time

import nbformat
import psutil
import pytest

from nnpractice_instructor.course import answer_cells, exercises, read, setup_cell, submission
from nnpractice_instructor.layout import (HIDDEN_CANARY, HIDDEN_MARKERS, REFERENCE_CANARY, SOLUTION_MARKERS, SUBMITTED,
                                          chapters)
from tests.mutants import mutants_of


def namespace(chapter, answers="solutions"):
    """A namespace in which the setup cell and every answer cell ran.

    answers: "solutions" (the references) or "notebooks" (the untouched stubs).
    """
    ns = {"__name__": "__notebook__"}
    exec(setup_cell(read("solutions", chapter)).source, ns)
    for cell in answer_cells(read(answers, chapter)).values():
        exec(cell.source, ns)
    return ns


def depends_on(chapter, exercise, other):
    """Whether the reference answer of `exercise` calls the student's `other` (e.g. grad_check_sparse
    uses rel_error), so that a mistake in `other` may cost `exercise` too."""
    body = answer_cells(read("solutions", chapter))[exercise].source.split('"""', 2)[-1]
    return f"{other}(" in body


def independent_exercises(chapter):
    """The exercises with a kept wrong answer that no other reference solution calls, in notebook order."""
    with_mutants = {exercise for exercise, _, _ in mutants_of(chapter)}
    return [e for e in exercises(chapter)
            if e in with_mutants and not any(depends_on(chapter, other, e) for other in exercises(chapter) if other != e)]


def independent_exercise(chapter):
    """An exercise with a kept wrong answer that no other reference solution calls (the first of them)."""
    return independent_exercises(chapter)[0]


# graded_class's student graded last (conftest.class_of): one wrong answer, one syntax error, renamed
LAST = "zoe_wrong_broken_renamed_last"


def wrong_and_broken(chapter):
    """(WRONG, BROKEN) of LAST in `chapter`: the first two exercises that no other one calls, the first
    handed in with its first kept wrong answer, the second with a syntax error."""
    wrong, broken = independent_exercises(chapter)[:2]
    return wrong, broken


def class_of(chapter):
    """{student: (notebook, file name)} handed in for `chapter` in conftest's graded_class, in the order
    graded (by name).

    - alice_correct: the reference answers;
    - bob_untouched: the release as it was handed out;
    - mallory_first_mistakes, nina_second_mistakes: every exercise with its first, then its second, kept
      wrong answer;
    - LAST: the reference answers except a kept wrong answer in one exercise (WRONG) and a syntax error in
      another (BROKEN), neither called by any other exercise (wrong_and_broken), saved under another name
      (as a browser's download does), and graded last. What each costs is told apart by exercise: one
      notebook proves that a wrong answer, a syntax error and a renamed file each cost what they must and
      nothing more, and that the last student is graded.
    """
    wrong, broken = wrong_and_broken(chapter)
    kept = {exercise for exercise, _, _ in mutants_of(chapter)}
    handed = {
        "alice_correct": submission(chapter),
        "bob_untouched": read("notebooks", chapter),
        "mallory_first_mistakes": submission(chapter, {e: mutant_source(chapter, e, 0) for e in kept}),
        "nina_second_mistakes": submission(chapter, {e: mutant_source(chapter, e, 1) for e in kept}),
    }
    files = {student: (nb, None) for student, nb in handed.items()}
    last = submission(chapter, {wrong: mutant_source(chapter, wrong), broken: with_syntax_error(chapter, broken)})
    files[LAST] = (last, f"{chapter} (1).ipynb")
    return files


def mutant_source(chapter, exercise, which=0):
    """Source of kept wrong answer number `which` of `exercise`, under the exercise's own name."""
    _, name, function = [m for m in mutants_of(chapter) if m[0] == exercise][which]
    return inspect.getsource(function).replace(f"def {name}(", f"def {exercise}(")


def with_syntax_error(chapter, exercise):
    """The reference answer of `exercise` with an unbalanced parenthesis appended."""
    return answer_cells(read("solutions", chapter))[exercise].source + "\nprint((\n"


def problems(nb):
    """Error outputs and stderr streams of an executed notebook, with the cell index where they appeared."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index} wrote to stderr: {output.text[:200]}")
    return found


def figures(nb):
    """How many PNG figures an executed notebook shows."""
    return sum("image/png" in output.get("data", {}) for cell in nb.cells for output in cell.get("outputs", []))


def write_notebook(path, nb):
    """Write notebook node `nb` to `path`, creating its folder; returns path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def hand_in(course, student, chapter, nb, filename=None):
    """Put `nb` in course/submitted/<student>/<chapter>/ (under `filename`, default the chapter's)."""
    return write_notebook(course / SUBMITTED / student / chapter / (filename or f"{chapter}.ipynb"), nb)


def grade(course, *args, timeout=1800):
    """Run the grading command on `course`; returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course),
                           "--no-progress", *args], capture_output=True, text=True, timeout=timeout)


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
    """The hidden test blocks of a test cell's source."""
    return [block.split(HIDDEN_MARKERS[1])[0] for block in source.split(HIDDEN_MARKERS[0])[1:]]


def reference_lines():
    """Lines of reference code (longer than 15 characters) that no notebook shows outside its answers."""
    lines = set()
    for chapter in chapters():
        nb = read("solutions", chapter)
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


def wait_for(condition, timeout, what, interval=0.05):
    """Poll `condition()` every `interval` s until it is true and return its value; fail the test, naming
    `what` was awaited, after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"waited {timeout} s for {what}")


def command_line(process):
    """The command line of the psutil Process `process` as one string; "" once it has ended (a zombie not
    yet reaped included) or when it may not be read."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""
