"""Grade a reader's own notebooks as the instructor's autograder would: `nnpractice-check [PATH]`.

For self-study. The self-check IS the grading command, run on the reader's
notebooks in a scratch course: the chapters' solutions, release and
references are copied into a temporary folder, `nbgrader
generate_assignment` records each chapter in a scratch gradebook, a copy of
each notebook is handed in as a submission, and `run.grade_all` grades it
exactly as `nnpractice-grade` grades a class (the same nbgrader converter and preprocessors, the same
guard, timeouts and messages). The points and messages are read back with
the grading command's own report code.

The reader's file is only read: its outputs are never touched. Prints a
table per notebook and, for a folder (default: notebooks/), the course-wide
progress. Exits 1 if a notebook could not be graded.
"""

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from nnpractice_instructor import sandbox
from nnpractice_instructor.collect import GRADED, check_notebook
from nnpractice_instructor.course import scratch_course
from nnpractice_instructor.pipeline import ensure_in_gradebook
from nnpractice_instructor.layout import CELL_TIMEOUT, JOBS, SUBMITTED, chapters, release_dir
from nnpractice_instructor.report import read_grades
from nnpractice_instructor.run import NbgraderFailed, grade_all
from nnpractice_instructor.startup import imported

READER = "reader"  # the student ids of the reader's notebooks in the scratch course: reader-1, reader-2, ...


@dataclass
class Exercise:
    """One test cell's result: its function, points earned out of max, status and the failing check's message."""
    name: str
    score: float
    max_score: float
    status: str
    hint: str = ""


@dataclass
class Result:
    """The self-check of one notebook; `problem` says why it could not be graded, `notes` what was noted."""
    assignment: str
    path: Path
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    problem: str = ""

    @property
    def score(self):
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self):
        return sum(e.max_score for e in self.exercises)


def assignment_of(path):
    """The chapter a notebook belongs to: its folder's name, else its file's stem."""
    known = chapters()
    for name in (path.parent.name, path.stem):
        if name in known:
            return name
    raise ValueError(f"{path}: not a chapter of the course (expected one of {', '.join(known)})")


def check(path, timeout=CELL_TIMEOUT, sandboxed=None):
    """Self-check one notebook with the grading command's pipeline; returns a Result. Never raises
    for a broken notebook. sandboxed: as in check_many."""
    return check_many([path], timeout, sandboxed=sandboxed)[0]


def check_many(paths, timeout=CELL_TIMEOUT, jobs=1, sandboxed=None):
    """Self-check notebooks with the grading command's pipeline, `jobs` at a time; returns [Result].

    All of them are handed in to one scratch course (reader-1, reader-2, ...), so that each
    chapter is recorded in its gradebook once. Never raises for a broken notebook.
    sandboxed: run the kernels in the sandbox (default: where it can run; a reader only grades
    their own work, so the check runs without it elsewhere).
    """
    if sandboxed is None:
        sandboxed = not sandbox.unavailable()
    results, handed_in = [], []
    for path in map(lambda p: Path(p).resolve(), paths):
        try:
            result = Result(assignment_of(path), path)
            result.problem = check_notebook(path) or ""
        except ValueError as error:
            result = Result("?", path, problem=str(error))
        results.append(result)
        if not result.problem:
            handed_in.append((f"{READER}-{len(results)}", result))
    if not handed_in:
        return results
    needed = sorted({result.assignment for _, result in handed_in})
    with tempfile.TemporaryDirectory(prefix="selfcheck-") as tmp:
        course = scratch_course(Path(tmp) / "course", only=needed)
        try:
            ensure_in_gradebook(course, needed)
        except NbgraderFailed as error:
            for _, result in handed_in:
                result.problem = str(error)
            return results
        for reader, result in handed_in:
            # Only the notebook is handed in, never the files next to it (a numpy.py there would
            # be imported in place of numpy), as the grading command does.
            target = course / SUBMITTED / reader / result.assignment / f"{result.assignment}.ipynb"
            target.parent.mkdir(parents=True)
            shutil.copy(result.path, target)
        found = grade_all(course, [(reader, result.assignment) for reader, result in handed_in], jobs, timeout,
                          progress=False, sandboxed=sandboxed)
        problems = [next((p for p in found if p.student == reader), None) for reader, _ in handed_in]
        for (reader, result), problem in zip(handed_in, problems):
            if problem is not None and problem.status != GRADED:
                result.problem = problem.reason
                continue
            if problem is not None:
                result.notes.append(problem.reason)
            for row in read_grades(course, [result.assignment], [reader]):
                result.exercises.append(Exercise(row["exercise"], row["score"], row["max_score"], row["status"],
                                                 row["message"]))
    return results


def notebooks_in(path):
    """The notebooks to check: the file itself, or every chapter's notebook under a folder."""
    path = Path(path)
    if path.is_file():
        return [path]
    found = [path / a / f"{a}.ipynb" for a in chapters() if (path / a / f"{a}.ipynb").is_file()]
    found += [path / f"{a}.ipynb" for a in chapters() if (path / f"{a}.ipynb").is_file()]
    return found


def fmt(points):
    return f"{points:g}"


def table(result):
    """A text table of one notebook: function, points, pass/fail, the failing check's message."""
    lines = [f"{result.assignment}  ({result.path})"]
    if result.problem:
        return "\n".join(lines + [f"  NOT GRADED: {result.problem}"])
    lines += [f"  note: {note}" for note in result.notes]
    width = max([len(e.name) for e in result.exercises] + [8])
    lines.append(f"  {'function':<{width}}  points  result   hint")
    for e in result.exercises:
        lines.append(f"  {e.name:<{width}}  {fmt(e.score) + '/' + fmt(e.max_score):>6}  {e.status:<7}  {e.hint}")
    lines.append(f"  {'total':<{width}}  {fmt(result.score) + '/' + fmt(result.max_score):>6}")
    return "\n".join(lines)


def progress(results):
    """A text table across notebooks: points, functions passed, a bar."""
    width = max([len(r.assignment) for r in results] + [7])
    lines = ["course progress", f"  {'chapter':<{width}}  points  passed  progress"]
    for r in results:
        if r.problem:
            lines.append(f"  {r.assignment:<{width}}  {'-':>6}  {'-':>6}  not graded")
            continue
        passed = sum(e.status == "passed" for e in r.exercises)
        fraction = r.score / r.max_score if r.max_score else 0.0
        bar = "#" * round(20 * fraction) + "." * (20 - round(20 * fraction))
        lines.append(f"  {r.assignment:<{width}}  {fmt(r.score) + '/' + fmt(r.max_score):>6}  "
                     f"{f'{passed}/{len(r.exercises)}':>6}  {bar} {fraction:4.0%}")
    score, max_score = sum(r.score for r in results), sum(r.max_score for r in results)
    lines.append(f"  {'total':<{width}}  {fmt(score) + '/' + fmt(max_score):>6}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="nnpractice-check", description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(release_dir()),
                        help="a chapter's notebook, or a folder of chapters (default: notebooks/)")
    parser.add_argument("--jobs", type=int, default=JOBS, help="notebooks checked at the same time")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds allowed to each cell")
    args = parser.parse_args(argv)
    imported()  # this module's imports (nbgrader's among them): out of the collector's way (startup.py)

    paths = notebooks_in(args.path)
    if not paths:
        print(f"no chapter notebook found at {args.path}", file=sys.stderr)
        return 1
    why = sandbox.unavailable()
    if why:
        print(f"note: your code runs without the sandbox on this machine ({why}); it is your own work, so "
              "that is safe here, but the instructor's grading runs sandboxed\n")
    start = time.perf_counter()
    results = check_many(paths, args.timeout, args.jobs, sandboxed=not why)
    for result in results:
        print(table(result), end="\n\n")
    if len(results) > 1 or Path(args.path).is_dir():
        print(progress(results))
    print(f"checked {len(results)} notebook(s) in {time.perf_counter() - start:.1f} s; your files were not modified")
    return 1 if any(r.problem for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
