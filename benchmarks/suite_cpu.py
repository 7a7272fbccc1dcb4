"""Where does the test suite's CPU go? Runs a command (default: the full suite at -n 2) and counts the CPU
time of every process it starts, by kind of process (notebook kernels, grading processes, nbgrader runs...).

Every process's CPU time is read from /proc every half second; processes that were running before the
command are left out, and a process that ends between two readings loses what it used since the last one.
Linux only. Not run by run_all.py (it runs the whole suite). From the repository root:

    .venv/bin/python -m benchmarks.suite_cpu [-- COMMAND ...]
"""

import collections
import os
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
SUITE = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q"]
KINDS = [  # (kind, text in the command line), first match wins
    ("notebook kernels", "ipykernel_launcher"),
    ("notebook kernels", "IPKernelApp.instance()"),  # the sandbox's launcher (sandbox.KERNEL_MAIN)
    ("nbgrader command-line runs", "-m nbgrader"),
    ("nbgrader command-line runs", "-m nnpractice_instructor.nbgrader_cli"),
    ("sandbox launchers", "nnpractice_instructor.sandbox"),
    ("the grading command", "-m nnpractice_instructor"),
    ("grading / self-check processes, search pools", "multiprocessing"),
    ("pytest", "pytest"),
    ("pytest", "exec(eval(sys.stdin.readline()))"),  # a pytest-xdist worker, as execnet starts it
    ("Chromium", "chrom"),
    ("JupyterHub, its proxy, single-user servers", "jupyterhub"),
    ("JupyterHub, its proxy, single-user servers", "configurable-http-proxy"),
    ("Dask", "dask"),
]


def kind(command_line):
    """The kind of a process from its command line (a string)."""
    return next((name for name, text in KINDS if text in command_line), "other")


def cpu_seconds(pid):
    """(CPU seconds used so far, start time) of process `pid`; raises OSError if it is gone."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, fields[19]


def processes():
    """{(pid, start time): CPU seconds} of every process now."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            seconds, start = cpu_seconds(pid)
        except (OSError, IndexError, ValueError):
            continue
        found[pid, start] = seconds
    return found


def main(command):
    before = set(processes())
    used, kinds, totals = {}, {}, collections.Counter()
    started = time.perf_counter()
    child = subprocess.Popen(command)
    while child.poll() is None:
        for key, seconds in processes().items():
            if key in before:
                continue
            if key not in kinds:
                try:
                    with open(f"/proc/{key[0]}/cmdline") as handle:
                        kinds[key] = kind(handle.read().replace("\0", " "))
                except OSError:
                    continue
            totals[kinds[key]] += seconds - used.get(key, 0.0)
            used[key] = seconds
        time.sleep(0.5)
    wall = time.perf_counter() - started
    print(f"\n{' '.join(command)}: exit {child.returncode}, {wall:.0f} s wall, "
          f"{sum(totals.values()):.0f} CPU-s seen in the processes it started")
    for name, seconds in totals.most_common():
        print(f"{seconds:8.1f} CPU-s  {name}")
    return child.returncode


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(main(arguments[arguments.index("--") + 1:] if "--" in arguments else SUITE))
