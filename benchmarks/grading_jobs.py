"""How much does grading in parallel save? 20 submissions at --jobs 1 and --jobs 2, and on a Dask cluster.

Builds a temporary course with 20 copies of a correct chapter-01 submission
and times the grading command (`nnpractice-grade`) at each job count, at
--jobs 1 on one core (every process it starts pinned to it: the resources of
one job), and, with --scheduler ADDRESS, on that Dask cluster (`--scheduler`).

Each run also reports the CPU time the machine spent meanwhile (psutil's
CPU times, so run it on an otherwise idle machine) and how many cores that
kept busy. `--jobs 1` keeps more than one core busy: the next submission's
kernel starts beside the current notebook (ahead.py). So no run on two cores
can beat it by 2x: the most it can gain is its wall time over the CPU time
of the `--jobs 2` run spread over every core, printed as the bound. Run from
the repository root:

    .venv/bin/python -m benchmarks.grading_jobs [N] [--scheduler tcp://127.0.0.1:8786]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

from nnpractice_instructor.course import scratch_course, submission
from nnpractice_instructor.release import release

ASSIGNMENT = "01_gradient_checks"


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since it booted: not idle, waiting for the disk, nor
    taken by other virtual machines (steal)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + getattr(times, "irq", 0) + getattr(times, "softirq", 0)


def timed_grading(course, *options, cores=None):
    """(wall seconds, busy CPU seconds of the machine) of the grading command on the course with
    `options` (on the CPU cores numbered in `cores` only, with every process it starts; None: on all);
    raises if it fails."""
    pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    busy, start = busy_cpu_seconds(), time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course),
                             "--assignment", ASSIGNMENT, "--no-progress", *options], capture_output=True, text=True,
                            preexec_fn=pin)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return wall, busy_cpu_seconds() - busy


def main(count=20, scheduler=None):
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course", only=[ASSIGNMENT])
        release(course)
        for i in range(count):
            folder = course / "submitted" / f"student{i:02d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(submission(ASSIGNMENT), folder / f"{ASSIGNMENT}.ipynb")
        runs = {f"--jobs {jobs}": (["--jobs", str(jobs)], None) for jobs in (1, 2)}
        runs["--jobs 1, one core"] = (["--jobs", "1"], {min(os.sched_getaffinity(0))})
        if scheduler:
            runs["--scheduler"] = (["--scheduler", scheduler], None)
        times, cpu = {}, {}
        for name, (options, cores) in runs.items():
            times[name], cpu[name] = timed_grading(course, *options, cores=cores)
            print(f"{count} submissions, {name}: {times[name]:.1f} s ({times[name] / count:.2f} s each), "
                  f"{cpu[name]:.1f} CPU-s: {cpu[name] / times[name]:.2f} cores busy", flush=True)
        speedup = times["--jobs 1"] / times["--jobs 2"]
        print(f"speed-up with 2 jobs: {speedup:.2f}x")
        core_count = len(os.sched_getaffinity(0))
        bound = times["--jobs 1"] / (cpu["--jobs 2"] / core_count)
        print(f"  bound from the work done: {bound:.2f}x (--jobs 1's wall time over --jobs 2's CPU time "
              f"spread over {core_count} cores); reached: {speedup / bound:.0%}")
        print(f"speed-up from one core and 1 job to {core_count} cores and 2 jobs: "
              f"{times['--jobs 1, one core'] / times['--jobs 2']:.2f}x")
        if scheduler:
            print(f"speed-up on the cluster: {times['--jobs 1'] / times['--scheduler']:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=20, help="submissions")
    parser.add_argument("--scheduler", help="also grade on the Dask cluster at this address")
    arguments = parser.parse_args()
    main(arguments.count, arguments.scheduler)
