"""Does the guarded execution fail loudly when its own setup fails, before any student code runs?"""

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from nnpractice_instructor.guard import GuardedExecute
from nnpractice_instructor.kernels import kernel_config


@pytest.mark.slow
def test_a_broken_setup_fails_the_notebook_loudly(tmp_path):
    """If the guard's first cell fails (here: references that raise), is the grading of the notebook
    stopped with the reason, instead of the student being scored 0?"""
    references = tmp_path / "references"
    references.mkdir()
    (references / "chapter.py").write_text('raise RuntimeError("broken reference module")\n')
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    with kernel_config() as config:
        executor = GuardedExecute(references=str(references), timeout=60, allow_errors=True, config=config)
        with pytest.raises(RuntimeError, match="the grader's setup cell failed: RuntimeError: broken reference"):
            executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": "chapter"}})
