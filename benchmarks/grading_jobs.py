"""How much does grading in parallel save? 20 submissions at --jobs 1 and --jobs 2.

Builds a temporary course with 20 copies of a correct chapter-01 submission
and times the grading command (`nnpractice-grade`) at each job count.
Run from the repository root: .venv/bin/python -m benchmarks.grading_jobs [N]
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from nnpractice_instructor.course import scratch_course, submission
from nnpractice_instructor.release import release

ASSIGNMENT = "01_gradient_checks"


def main(count=20):
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course", only=[ASSIGNMENT])
        release(course)
        for i in range(count):
            folder = course / "submitted" / f"student{i:02d}" / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(submission(ASSIGNMENT), folder / f"{ASSIGNMENT}.ipynb")
        times = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "nnpractice_instructor", "--course", str(course),
                                     "--assignment", ASSIGNMENT, "--jobs", str(jobs), "--no-progress"],
                                    capture_output=True, text=True)
            times[jobs] = time.perf_counter() - start
            assert result.returncode == 0, result.stdout + result.stderr
            print(f"{count} submissions, --jobs {jobs}: {times[jobs]:.1f} s ({times[jobs] / count:.2f} s each)")
        print(f"speed-up with 2 jobs: {times[1] / times[2]:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
