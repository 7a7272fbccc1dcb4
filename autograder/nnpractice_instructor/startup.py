"""The garbage collector in the course's own processes: out of the way of their imports and their exit.

A grading command, a grading process, a self-check or an nbgrader run imports
nbgrader, nbconvert, SQLAlchemy and jupyter_server: about a million objects
(gc.get_objects()) that live as long as the process. CPython's cyclic garbage
collector scans all of them at each full collection during the imports, and
once more when the interpreter exits, and frees none of them.

`importing()` pauses the collector while a block imports and then freezes
what the process holds (gc.freeze: kept out of every later collection). The
collector then runs as before on what the process creates afterwards.
Objects are still freed as soon as nothing refers to them; a frozen cycle
that became garbage is only freed when the process ends. Measured with
`python -m benchmarks.imports`: `nbgrader db student list` takes 1.34 s,
1.03 s with its imports under `importing()`; most of the difference is the
interpreter's last collection at exit.

    with importing():
        from nnpractice_instructor.pipeline import grade_class
"""

import gc
from contextlib import contextmanager


@contextmanager
def importing():
    """Pause the collector while the block runs (its imports); then freeze everything and resume."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def imported():
    """Freeze everything the process holds now (after its imports): later collections skip it."""
    gc.freeze()
