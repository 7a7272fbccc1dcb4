"""Does the guarded execution fail loudly when its own setup fails, before any student code runs, and take
only a kernel that died or hung for a crash?"""

import os

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from nnpractice_instructor.guard import CRASHED_CELL, GuardedExecute
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


# Once the cell has replied, its kernel waits 6 s before it says it is idle (the end of the cell's outputs), as a
# busy machine can delay it: hostile.fork_bomb on two loaded cores was over 4 s.
LATE_OUTPUTS = """print("computed")
import time
kernel = get_ipython().kernel
publish = kernel._publish_status
def publish_late(status, *args, **kwargs):
    if status == "idle":
        del kernel._publish_status  # once: the kernel's own method again
        time.sleep(6)
    publish(status, *args, **kwargs)
kernel._publish_status = publish_late"""


@pytest.mark.slow
def test_outputs_arriving_after_the_reply_are_not_a_crash(tmp_path):
    """Is a cell whose outputs end 6 s after its reply (within its 20 s) kept, with its outputs, rather than taken
    for a crash, replaced and run again (nbclient waits 4 s for them, and nbgrader makes that an error)?"""
    nb = new_notebook(cells=[new_code_cell(LATE_OUTPUTS), new_code_cell("print(2 + 2)")])
    with kernel_config() as config:
        executor = GuardedExecute(timeout=20, allow_errors=True, config=config)
        graded, _ = executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": "chapter"}})
    assert [cell.source for cell in graded.cells] == [LATE_OUTPUTS, "print(2 + 2)"], CRASHED_CELL
    printed = ["".join(o.get("text", "") for o in cell.outputs) for cell in graded.cells]
    assert printed == ["computed\n", "4\n"], [cell.outputs for cell in graded.cells]
