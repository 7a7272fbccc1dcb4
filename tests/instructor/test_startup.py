"""The collector paused during imports and their objects frozen (startup.py), and nbgrader's command line
run that way (nbgrader_cli.py): does the collector work as before afterwards, and is it nbgrader still?"""

import subprocess
import sys

import pytest

from nnpractice_instructor.run import nbgrader_command

# Run in a Python of its own: freezing would keep this test process's objects out of its collections.
PROBE = """
import gc
from nnpractice_instructor.startup import importing
before = len(gc.get_objects())
with importing():
    paused = not gc.isenabled()
    import nbformat
frozen, after = gc.get_freeze_count(), len(gc.get_objects())
cycle = []
cycle.append(cycle)
del cycle
collected = gc.collect()
gc.disable()
with importing():
    pass
print(paused, frozen >= before, after < 1000, gc.isenabled(), collected >= 1)
"""


def test_imports_are_frozen_and_the_collector_resumes():
    """Paused during the block; everything frozen after; later garbage still collected; a caller's
    disabled collector stays disabled."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "True", "False", "True"]


@pytest.mark.parametrize("args", [["--version"], ["no-such-command"]])
def test_nbgrader_command_is_nbgraders_own(args):
    """Same output and exit status as `python -m nbgrader` (success and failure alike)."""
    ours = subprocess.run(nbgrader_command(*args), capture_output=True, text=True)
    theirs = subprocess.run([sys.executable, "-m", "nbgrader", *args], capture_output=True, text=True)
    assert ours.returncode == theirs.returncode
    assert ours.stdout == theirs.stdout
    assert ours.returncode != 0 or ours.stdout.strip()
