"""Does the guarded execution fail loudly when its own setup fails, before any student code runs?"""

import os

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from nnpractice_instructor.guard import GuardedExecute
from nnpractice_instructor.kernels import kernel_config


@pytest.mark.slow
def test_a_broken_setup_fails_the_notebook_loudly(tmp_path, monkeypatch):
    """If the guard's first cell fails (here: a support package that raises on import in the kernel),
    is the grading of the notebook stopped with the reason, instead of the student being scored 0?"""
    broken = tmp_path / "broken" / "nnpractice"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise RuntimeError("broken support package")\n')
    monkeypatch.setenv("PYTHONPATH", f"{broken.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    with kernel_config() as config:
        executor = GuardedExecute(timeout=60, allow_errors=True, config=config)
        with pytest.raises(RuntimeError, match="the grader's setup cell failed: RuntimeError: broken support"):
            executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": "chapter"}})
