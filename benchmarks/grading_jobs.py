"""How much does grading in parallel save? N submissions at --jobs 1 and --jobs 2, and on a Dask cluster.

Builds a temporary course with N copies of a correct chapter-01 submission
and times the grading command (`nnpractice-grade`) at each job count on two
CPU cores, at --jobs 1 on one of them (every process it starts pinned to
them: the resources of one job), and, with --scheduler ADDRESS, on that Dask
cluster (`--scheduler`).

For each run it prints:
- the wall time, and the CPU time the machine spent meanwhile (psutil's CPU
  times, so run it on an otherwise idle machine): how many cores that kept busy;
- when the first notebook was graded (the start-up: imports, the grading
  processes' warm-up, the first kernel), and the seconds per submission once
  every job has graded its first (from the times the autograded notebooks
  were written).

Two speed-ups answer two questions:
- 1 job -> 2 jobs, both on every core: what `--jobs 2` gains here. `--jobs 1`
  already keeps more than one core busy (the next submission's kernel starts
  on the other core while the current notebook runs, ahead.py), so this
  cannot reach 2x: the bound printed is --jobs 1's time over --jobs 2's CPU
  time spread over every core.
- 1 job on 1 core -> 2 jobs on 2 cores: how grading scales with the machine
  (jobs and cores doubled). What the machine itself gives is printed beside
  it, measured before and after the runs: two copies of a pure-Python loop on
  two cores against one (`machine_scaling`).

Run from the repository root (--repeats R runs every configuration R times,
in turn, and prints the median):

    .venv/bin/python -m benchmarks.grading_jobs [N] [--repeats R] [--scheduler tcp://127.0.0.1:8786]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil

from nnpractice_instructor.course import scratch_course, submission
from nnpractice_instructor.layout import AUTOGRADED
from nnpractice_instructor.release import release

ASSIGNMENT = "01_gradient_checks"
LOOP = "total = 0\nfor i in range(30_000_000):\n    total += i\n"  # about 1.5 s of one core, no memory traffic
LOOP_TRIES = 9  # machine_scaling's tries, one and two loops each


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since it booted: not idle, waiting for the disk, nor
    taken by other virtual machines (steal)."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + getattr(times, "irq", 0) + getattr(times, "softirq", 0)


def pinned(cores):
    """A preexec_fn that runs the child on the CPU cores numbered in `cores` (None: no function, any core)."""
    return (lambda: os.sched_setaffinity(0, cores)) if cores else None


def machine_scaling(repeats=LOOP_TRIES):
    """How much faster two copies of a pure-Python loop (LOOP) finish on two cores than one copy on one:
    (one copy's time) / (two copies' time) * 2, the median of `repeats` tries, one and two in turn.
    It is the speed-up the machine itself gives CPU-bound work (frequency, hypervisor, shared caches)."""
    first, second = sorted(os.sched_getaffinity(0))[:2]  # the cores main() runs the grading on

    def run(cores):
        start = time.perf_counter()
        children = [subprocess.Popen([sys.executable, "-c", LOOP], preexec_fn=pinned({core})) for core in cores]
        for child in children:
            child.wait()
        return time.perf_counter() - start

    return statistics.median([2 * run([first]) / run([first, second]) for _ in range(repeats)])


@dataclass
class Run:
    """One run of the grading command: wall seconds, busy CPU seconds of the machine, the seconds (from its
    start) at which each autograded notebook was written, in order, and the submissions graded at a time
    (None: unknown, on a cluster)."""

    wall: float
    cpu: float
    graded: list
    jobs: int = None

    def first(self):
        """Seconds until the first notebook was graded."""
        return self.graded[0]

    def steady(self):
        """Seconds per submission once every job has graded its first (which carries the start-up): from the
        jobs-th notebook graded to the last one (nan if unknown, or too few submissions)."""
        if self.jobs is None or len(self.graded) <= self.jobs:
            return float("nan")
        return (self.graded[-1] - self.graded[self.jobs - 1]) / (len(self.graded) - self.jobs)


def timed_grading(course, *options, jobs=None, cores=None):
    """A Run of the grading command on the course with `options`, which grade `jobs` submissions at a time
    (None: unknown), on the CPU cores numbered in `cores` only, with every process it starts (None: on all);
    raises if it fails."""
    autograded = f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"  # under the course's autograded/, one per student
    for old in (course / AUTOGRADED).glob(autograded):
        old.unlink()
    busy, start, clock = busy_cpu_seconds(), time.perf_counter(), time.time()
    result = subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course),
                             "--assignment", ASSIGNMENT, "--no-progress", *options], capture_output=True, text=True,
                            preexec_fn=pinned(cores))
    wall, cpu = time.perf_counter() - start, busy_cpu_seconds() - busy
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    # The grading command copies each autograded notebook back with its modification time (shutil.copy2).
    graded = sorted(path.stat().st_mtime - clock for path in (course / AUTOGRADED).glob(autograded))
    return Run(wall, cpu, graded, jobs)


def median_run(runs):
    """A Run of the medians of `runs` (wall, CPU, and each graded time)."""
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               [statistics.median(times) for times in zip(*(r.graded for r in runs))], runs[0].jobs)


def main(count=20, repeats=1, scheduler=None):
    cores = sorted(os.sched_getaffinity(0))[:2]  # every run on the same two cores (or one of them)
    machine = [machine_scaling()]
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course", only=[ASSIGNMENT])
        release(course)
        for i in range(count):
            folder = course / "submitted" / f"student{i:02d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(submission(ASSIGNMENT), folder / f"{ASSIGNMENT}.ipynb")
        configurations = {"--jobs 1": (["--jobs", "1"], 1, set(cores)), "--jobs 2": (["--jobs", "2"], 2, set(cores)),
                          "--jobs 1, one core": (["--jobs", "1"], 1, {cores[0]})}
        if scheduler:
            configurations["--scheduler"] = (["--scheduler", scheduler], None, None)
        tries = {name: [] for name in configurations}
        for _ in range(repeats):
            for name, (options, jobs, pin) in configurations.items():
                tries[name].append(timed_grading(course, *options, jobs=jobs, cores=pin))
        runs = {name: median_run(each) for name, each in tries.items()}
    machine.append(machine_scaling())
    print(f"machine: two copies of a pure-Python loop on 2 cores finish {machine[0]:.2f}x as fast as one on 1 "
          f"before the runs, {machine[1]:.2f}x after (median of {LOOP_TRIES} each): what it gives CPU-bound work")
    for name, run in runs.items():
        print(f"{count} submissions, {name}: {run.wall:.1f} s ({run.wall / count:.2f} s each), "
              f"{run.cpu:.1f} CPU-s: {run.cpu / run.wall:.2f} cores busy; first graded at {run.first():.1f} s, "
              f"then {run.steady():.2f} s a submission once warm")
    one, two, alone = runs["--jobs 1"], runs["--jobs 2"], runs["--jobs 1, one core"]
    print(f"speed-up 1 job -> 2 jobs, on {len(cores)} cores: {one.wall / two.wall:.2f}x whole run, "
          f"{one.steady() / two.steady():.2f}x once warm")
    bound = one.wall / (two.cpu / len(cores))
    print(f"  bound from the work done: {bound:.2f}x (--jobs 1's wall time over --jobs 2's CPU time spread over "
          f"{len(cores)} cores); reached: {one.wall / two.wall / bound:.0%}")
    print(f"speed-up 1 job on 1 core -> 2 jobs on 2 cores: {alone.wall / two.wall:.2f}x whole run, "
          f"{alone.steady() / two.steady():.2f}x once warm")
    if scheduler:
        print(f"speed-up on the cluster: {one.wall / runs['--scheduler'].wall:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=20, help="submissions")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each configuration (the median is printed)")
    parser.add_argument("--scheduler", help="also grade on the Dask cluster at this address")
    arguments = parser.parse_args()
    main(arguments.count, arguments.repeats, arguments.scheduler)
