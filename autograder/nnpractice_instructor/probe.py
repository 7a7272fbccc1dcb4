"""Code that runs INSIDE the grading kernel: a hidden check's observations, as plain data.

judge.py sends this module's source to the kernel in place of a test cell's
hidden block, with the block's check and a per-run nonce, and calls
`probe(user_ns, check, nonce)`. The check runs on the student's names; every
`observe(value, ...)` records `value` as plain data (see `plain`), nothing
else (the message and tolerance it is given are the grader's business and
are taken from the grader's own run of the check). At the end, even when
the check stops on an exception, the records leave the kernel as one
display output of type OBSERVATIONS_MIME stamped with the nonce.

Nothing here decides anything: a kernel can forge records, and the judge
counts on that being useless, since it compares them with values computed
from the reference solutions, which never enter the kernel.

This module imports nothing from the instructor's package, so that its
source runs in a kernel that cannot see that package.
"""

OBSERVATIONS_MIME = "application/vnd.nnpractice.observations+json"
MAX_DEPTH = 8  # nesting of lists and dicts in one observation
MAX_ITEMS = 10_000  # elements of one list or dict


def plain(value, depth=0):
    """`value` as JSON-ready plain data, or {"unsupported": type name}.

    Plain data is None, a str, a number or a bool/int/float array (as .npy
    bytes in base64, scalars as 0-d arrays), or a list or dict (with str
    keys) of these. Exact types only: an ndarray subclass, an object with
    `__array__`, `__float__` or `__eq__` of its own is not plain data.
    """
    import base64
    import io

    import numpy

    kind = type(value)
    if value is None:
        return {"none": True}
    if kind is str:
        return {"str": value}
    if kind in (bool, int, float) or (isinstance(value, numpy.generic) and kind.__module__ == "numpy"):
        value = numpy.array(value)
        kind = numpy.ndarray
    if kind is numpy.ndarray and value.dtype.kind in "biuf" and value.dtype.fields is None:
        buffer = io.BytesIO()
        numpy.save(buffer, value, allow_pickle=False)
        return {"npy": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if depth < MAX_DEPTH and kind in (list, tuple) and len(value) <= MAX_ITEMS:
        return {"list": [plain(item, depth + 1) for item in value]}
    if depth < MAX_DEPTH and kind is dict and len(value) <= MAX_ITEMS and all(type(k) is str for k in value):
        return {"dict": [[key, plain(item, depth + 1)] for key, item in value.items()]}
    return {"unsupported": f"{kind.__module__}.{kind.__qualname__}"[:80]}


class Recorder:
    """The kernel's `observe`: records values, decides nothing."""

    def __init__(self):
        self.records = []

    def __call__(self, value, *message_and_tolerance, **tolerance):
        self.records.append(plain(value))


def run_check(namespace, check, recorder):
    """Execute the source `check` in (a copy of) `namespace` with `observe` = recorder."""
    scope = dict(namespace)
    scope["observe"] = recorder
    exec(compile(check, "<hidden check>", "exec"), scope)


def probe(user_ns, check, nonce):
    """Run `check` on the kernel's names; send the records out even if it raises."""
    from IPython.display import display

    recorder = Recorder()
    finished = False
    try:
        run_check(user_ns, check, recorder)
        finished = True
    finally:
        display({OBSERVATIONS_MIME: {"nonce": nonce, "finished": finished, "observations": recorder.records}},
                raw=True)
