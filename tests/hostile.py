"""Broken and hostile submissions of chapter 01, and the score each honestly earns.

Each builder returns (notebook or raw bytes, filename, expected {exercise: score})
for a submission derived from the reference answers, so the cases stay in
step with the chapter; a submission of several files gives {filename: notebook
or text} in place of the notebook and None as filename. Points of 01_gradient_checks: rel_error 2,
eval_numerical_gradient 3, eval_numerical_gradient_array 3, kinks_crossed 2,
grad_check_sparse 3 (13 in all).
"""

import copy

from nbformat.v4 import new_code_cell

from nnpractice_instructor.course import answer_cells, points, read, submission

ASSIGNMENT = "01_gradient_checks"
STUB = "    raise NotImplementedError()\n"


def full():
    return dict(points(ASSIGNMENT))


def without(*exercises):
    return {**full(), **{e: 0 for e in exercises}}


def reference(exercise):
    return answer_cells(read("solutions", ASSIGNMENT))[exercise].source


def insert_after(nb, grade_id, source):
    """Add a student cell right after the answer cell `grade_id`."""
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells.insert(index + 1, new_code_cell(source))
    return nb


WRONG_KINKS = '''
def kinks_crossed(z, h):
    """Wrong on purpose: one-sided."""
    import numpy as np
    return np.asarray(z) - h < 0
'''


def infinite_loop_cell():
    """A cell that never ends: interrupted at the cell timeout, the rest still graded."""
    return insert_after(submission(ASSIGNMENT), "rel_error", "while True:\n    pass"), None, full()


def infinite_loop_in_function():
    """kinks_crossed never returns: only its test times out."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": "def kinks_crossed(z, h):\n    while True:\n        pass\n"})
    return nb, None, without("kinks_crossed")


def kernel_crash_cell():
    """A cell calls os._exit: it is skipped and everything else earns its points."""
    return insert_after(submission(ASSIGNMENT), "eval_numerical_gradient", "import os\nos._exit(1)"), None, full()


def kernel_crash_in_function():
    """kinks_crossed kills the kernel when called: only its test is lost."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": "def kinks_crossed(z, h):\n    import os\n    os._exit(3)\n"})
    return nb, None, without("kinks_crossed")


def syntax_error():
    """An unbalanced parenthesis in one answer cell costs that function only."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": reference("kinks_crossed") + "\nprint((\n"})
    return nb, None, without("kinks_crossed")


def deleted_and_reordered_cells():
    """Markdown and experiment cells deleted, answer cells in reverse order."""
    nb = submission(ASSIGNMENT)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    others = [c for c in nb.cells if c.metadata.get("nbgrader") and c not in answers]
    setup, tests = others[0], others[1:]
    nb.cells = [setup, *reversed(answers), *tests]
    return nb, None, full()


def edited_test_cells():
    """A wrong kinks_crossed whose test cell was edited to `assert True`: the test is restored."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_kinks_crossed":
            cell.source = "assert True"
    return nb, None, without("kinks_crossed")


def duplicated_answer_cell():
    """rel_error's answer cell copied and pasted (same grade_id twice): repaired, graded in full."""
    nb = submission(ASSIGNMENT)
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "rel_error")
    nb.cells.insert(index + 1, copy.deepcopy(nb.cells[index]))
    nb.cells[index + 1].pop("id", None)
    nb.cells[index + 1]["id"] = "copied-cell"
    return nb, None, full()


def edited_metadata():
    """Metadata edited by accident or on purpose: a test cell made ungraded and worth 100, another
    deleted, an answer cell stripped of its metadata. Repaired from the release: exactly full marks."""
    nb = submission(ASSIGNMENT)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    by_id["test_rel_error"].metadata["nbgrader"].update(grade=False, points=100)
    by_id["kinks_crossed"].metadata.pop("nbgrader")
    nb.cells.remove(by_id["test_grad_check_sparse"])
    return nb, None, full()


def renamed_notebook():
    """The notebook saved as 'Copy of ...': graded under its proper name."""
    return submission(ASSIGNMENT), f"Copy of {ASSIGNMENT}.ipynb", full()


def invalid_json():
    """Not a notebook at all: reported, scored 0, the class goes on."""
    return b'{"cells": [ this is not json', None, {e: 0 for e in full()}


def huge_output():
    """A cell printing 20 MB: output is limited, grades unaffected."""
    return insert_after(submission(ASSIGNMENT), "rel_error", "print('x' * 20_000_000)"), None, full()


def writes_to_stderr():
    """A student cell writing to stderr does not touch the test cells."""
    source = "import sys, warnings\nprint('debug', file=sys.stderr)\nwarnings.warn('student warning')"
    return insert_after(submission(ASSIGNMENT), "rel_error", source), None, full()


def reads_solutions_and_gradebook():
    """kinks_crossed looks for solutions, references and the gradebook next to it: finds none."""
    cheat = '''
def kinks_crossed(z, h):
    import glob, os
    from nnpractice_instructor.references import load_reference
    for pattern in ("../../../solutions/*/*.ipynb", "../../../autograder/references/*.py",
                    "../../../../autograder/references/*.py", "../../../gradebook.db"):
        for path in glob.glob(pattern):
            namespace = {}
            exec(open(path).read(), namespace)
            return namespace["kinks_crossed"](z, h)
    return load_reference("01_gradient_checks").kinks_crossed(z, h)
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


def patches_numpy_at_top_level():
    """np.array_equal and np.testing patched before the tests: restored, the wrong answer fails."""
    patch = ("import numpy as np\nimport numpy.testing\nnp.array_equal = lambda *a, **k: True\n"
             "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n")
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    return insert_after(nb, "kinks_crossed", patch), None, without("kinks_crossed")


def patches_numpy_inside_function():
    """The wrong function patches np.array_equal each time it runs: caught as tampering."""
    cheat = '''
def kinks_crossed(z, h):
    import numpy as np
    np.array_equal = lambda *a, **k: True
    return np.asarray(z) - h < 0
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


def patches_builtins():
    """builtins.all / isinstance / AssertionError replaced: restored before every test."""
    patch = ("import builtins\nbuiltins.all = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
             "builtins.max = lambda *a, **k: 0\n")
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    return insert_after(nb, "kinks_crossed", patch), None, without("kinks_crossed")


SHADOW_NUMPY = '''"""Imported in place of numpy by code running in this folder: numpy with its checks disabled."""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
del sys.modules[__name__]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
real = importlib.import_module("numpy")
real.array_equal = lambda *a, **k: True
real.allclose = lambda *a, **k: True
sys.modules[__name__] = real
'''


def shadows_numpy_with_a_file():
    """A numpy.py handed in next to the notebook, with checks that always pass: not imported."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    return {f"{ASSIGNMENT}.ipynb": nb, "numpy.py": SHADOW_NUMPY}, None, without("kinks_crossed")


def input_transformer_blanks_tests():
    """Stubs plus an input transformer that blanks every later cell: no test can pass."""
    nb = read("notebooks", ASSIGNMENT)
    source = "get_ipython().input_transformers_cleanup.append(lambda lines: [])"
    return insert_after(nb, "rel_error", source), None, {e: 0 for e in full()}


CASES = [infinite_loop_cell, infinite_loop_in_function, kernel_crash_cell, kernel_crash_in_function,
         syntax_error, deleted_and_reordered_cells, edited_test_cells, duplicated_answer_cell, edited_metadata,
         renamed_notebook, invalid_json,
         huge_output, writes_to_stderr, reads_solutions_and_gradebook, patches_numpy_at_top_level,
         patches_numpy_inside_function, patches_builtins, input_transformer_blanks_tests,
         shadows_numpy_with_a_file]
