"""What does starting a tool cost? CPU seconds to import what each process of the course imports.

Every nbgrader run, grading process, self-check and notebook execution starts
a Python that imports nbformat (and often nbgrader). Each import is timed in a
fresh interpreter (best of 3, CPU seconds of that process). A second table
gives the CPU seconds of the whole process (start, import, exit), plain and
with the imports under startup.importing() (the collector paused, then the
imports frozen), as the course's own processes import. Run from the
repository root:

    .venv/bin/python -m benchmarks.imports
"""

import resource
import subprocess
import sys

MODULES = ["nbformat", "nbclient", "nbgrader.apps, nbgrader.converters", "nnpractice_instructor.pipeline",
           "ipykernel.kernelapp", "nnpractice"]
PROBE = """
import sys, time
start = time.process_time()
import {modules}
print(time.process_time() - start, "rfc3987_syntax" in sys.modules)
"""


def import_cost(modules, tries=3):
    """(best CPU seconds to import `modules` in a fresh Python, whether that built the rfc3987 parser)."""
    runs = []
    for _ in range(tries):
        out = subprocess.run([sys.executable, "-c", PROBE.format(modules=modules)], capture_output=True, text=True,
                             check=True).stdout.split()
        runs.append((float(out[0]), out[1] == "True"))
    return min(runs)


def process_cost(modules, frozen, tries=3):
    """Best CPU seconds of a whole Python process (start to exit) that imports `modules`, with the imports
    under startup.importing() if `frozen`."""
    code = (f"from nnpractice_instructor.startup import importing\nwith importing():\n    import {modules}" if frozen
            else f"import nnpractice_instructor.startup\nimport {modules}")
    runs = []
    for _ in range(tries):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(runs)


def main():
    from importlib.metadata import version
    print(f"jsonschema {version('jsonschema')}")
    for modules in MODULES:
        seconds, parser = import_cost(modules)
        print(f"import {modules:<40} {seconds:5.2f} s CPU{'  (builds the rfc3987 parser)' if parser else ''}")
    print("\nwhole process (start, import, exit), CPU s:   plain   importing()")
    for modules in MODULES:
        print(f"  {modules:<42} {process_cost(modules, False):6.2f}  {process_cost(modules, True):6.2f}")


if __name__ == "__main__":
    main()
