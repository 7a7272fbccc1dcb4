"""What do the sandbox and the judge cost? Seconds to grade one correct submission per chapter.

For every chapter, one correct submission is graded by the grading
pipeline (`run.grade_one` in a long-lived grading process, as
`nnpractice-grade` grades each notebook) in a scratch course, once with its kernel in the bubblewrap sandbox and once
without (`--no-sandbox-i-accept-the-risk`), alternating, `REPEATS` times
each; prints the median seconds and the difference (a run without full
marks stops the benchmark).

The judge's share is measured apart, in this process, as a grading process
pays it for one submission: the reference run of every hidden check (setup
cell and reference module included, nothing cached), the probe's encoding
of the observations (the same checks on the same names, recording plain
data versus recording nothing) and the comparison. Before the judge, the
checks and the reference ran in the kernel, so this is an upper bound of
what it adds. Run from the repository root:

    .venv/bin/python -m benchmarks.sandbox_overhead
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from nnpractice_instructor import judge, probe, sandbox
from nnpractice_instructor.course import graded_cells, read
from nnpractice_instructor.course import points, scratch_course, submission
from nnpractice_instructor.pipeline import ensure_in_gradebook
from nnpractice_instructor.layout import SUBMITTED, chapters
from nnpractice_instructor.report import read_grades
from nnpractice_instructor.run import grade_one
from nnpractice_instructor.workers import Workers

REPEATS = 3


def graded_seconds(course, assignment, sandboxed, worker):
    """Seconds to grade the submission of 'student' in `worker`; raises if it is not graded with full marks."""
    start = time.perf_counter()
    problem = grade_one(course, "student", assignment, sandboxed=sandboxed, worker=worker)
    seconds = time.perf_counter() - start
    score = sum(row["score"] for row in read_grades(course, [assignment], ["student"]))
    if problem is not None or score != sum(points(assignment).values()):
        raise RuntimeError(f"{assignment} (sandboxed={sandboxed}): {score} points, {problem}")
    return seconds


def judge_seconds(assignment):
    """Seconds the judge adds to one submission of `assignment`: reference run, encoding, comparison."""
    checks = [judge.split_hidden(cell.source)[1] for cell in graded_cells(read("solutions", assignment)).values()]
    checks = [check for check in checks if check is not None]
    start = time.perf_counter()
    namespace = judge.reference_namespace(assignment)
    expected = [judge.expectations(check, namespace) for check in checks]
    reference_run = time.perf_counter() - start
    recorded, silent, comparing = 0.0, 0.0, 0.0
    for check, wanted in zip(checks, expected):
        start = time.perf_counter()
        probe.run_check(namespace, check, lambda *args, **kwargs: None)
        silent += time.perf_counter() - start
        recorder = probe.Recorder()
        start = time.perf_counter()
        probe.run_check(namespace, check, recorder)
        recorded += time.perf_counter() - start
        start = time.perf_counter()
        if judge.verdict(recorder.records, wanted):
            raise RuntimeError(f"{assignment}: the reference fails its own checks")
        comparing += time.perf_counter() - start
    return reference_run + max(recorded - silent, 0.0) + comparing


def main():
    why = sandbox.unavailable()
    if why:
        print(f"no sandbox on this machine: {why}")
        return 1
    print(f"limits: {sandbox.LIMITS.describe()}")
    print(f"{'chapter':<28}{'sandboxed':>11}{'bare':>9}{'sandbox':>10}{'judge':>9}{'both':>8}")
    with tempfile.TemporaryDirectory() as tmp, Workers(1) as workers, workers.take() as worker:
        course = scratch_course(Path(tmp) / "course", release=False)
        ensure_in_gradebook(course, chapters())
        for assignment in chapters():
            folder = course / SUBMITTED / "student" / assignment
            folder.mkdir(parents=True)
            nbformat.write(submission(assignment), folder / f"{assignment}.ipynb")
            times = {True: [], False: []}
            for _ in range(REPEATS):
                for sandboxed in (True, False):
                    times[sandboxed].append(graded_seconds(course, assignment, sandboxed, worker))
            inside, bare = statistics.median(times[True]), statistics.median(times[False])
            judged = statistics.median(judge_seconds(assignment) for _ in range(REPEATS))
            both = (inside - bare + judged) / (inside - judged)
            print(f"{assignment:<28}{inside:>10.1f}s{bare:>8.1f}s{inside - bare:>+9.1f}s{judged:>8.2f}s{both:>+8.0%}",
                  flush=True)
    print("sandbox: sandboxed - bare; judge: its share of the sandboxed time; both: (sandbox + judge) / "
          "(the sandboxed time without the judge)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
