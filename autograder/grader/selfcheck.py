"""Grade a reader's own notebook as the instructor's autograder would, without nbgrader's course.

For self-study: the reader has the whole repository (solutions/ and the
references), so nothing is copied or regenerated. One notebook is graded in
four small steps, the ones `nbgrader autograde` takes:

1. read a copy (a notebook that is not valid JSON is reported, not graded);
2. restore the locked and test cells from the solution notebook by grade_id,
   hidden tests included, as nbgrader's OverwriteCells does from the gradebook;
3. execute it once with the grader's `GuardedExecute` (integrity checks,
   witnesses, crash isolation, the references sent as source), in a
   temporary folder, with NBGRADER_EXECUTION set as during autograde;
4. score every test cell with nbgrader's own `determine_grade`; the hint of a
   failing cell is its error's one-line message (it names the misconception).

The reader's file is only read: its outputs are never touched.
"""

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import determine_grade, setenv

from grader.cells import is_test_cell
from grader.guard import GuardedExecute
from grader.kernels import kernel_config

COURSE = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = COURSE / "solutions"


@dataclass
class Exercise:
    """One test cell's result: its function, points earned out of max, and the hint if it failed."""
    name: str
    score: float
    max_score: float
    hint: str = ""


@dataclass
class Result:
    """The self-check of one notebook; `problem` says why it could not be graded at all."""
    assignment: str
    path: Path
    exercises: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    problem: str = ""

    @property
    def score(self):
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self):
        return sum(e.max_score for e in self.exercises)


def assignments(course=COURSE):
    """Chapters of the course: solutions/<name>/<name>.ipynb."""
    return sorted(p.name for p in (course / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())


def assignment_of(path):
    """The chapter a notebook belongs to: its folder's name, else its file's stem."""
    known = assignments()
    for name in (path.parent.name, path.stem):
        if name in known:
            return name
    raise ValueError(f"{path}: not a chapter of the course (expected one of {', '.join(known)})")


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def restore_cells(nb, solution):
    """Restore locked and test cells from the solution, by grade_id (nbgrader's OverwriteCells).

    Cell type, lock and points come from the solution; locked cells (setup,
    tests) get the solution's source, so a test cell carries its hidden tests.
    A grade_id the solution does not know, or seen before (a copied cell),
    loses its nbgrader metadata: it is graded as an ordinary cell.
    """
    sources = {grade_id(c): c for c in solution.cells if grade_id(c)}
    seen = set()
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid is None:
            continue
        source = sources.get(gid)
        if source is None or gid in seen:
            cell.metadata.pop("nbgrader")
            continue
        seen.add(gid)
        cell.cell_type = source.cell_type
        cell.metadata["nbgrader"] = dict(source.metadata["nbgrader"])
        if source.metadata["nbgrader"].get("locked"):
            cell.source = source.source
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def syntax_errors(nb):
    """{cell index: 'cell N (name): SyntaxError: message (line L)'} of cells Python cannot parse."""
    from IPython.core.inputtransformer2 import TransformerManager
    transform = TransformerManager().transform_cell
    errors = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            compile(transform(cell.source), f"cell {index + 1}", "exec")
        except SyntaxError as error:
            errors[index] = (f"cell {index + 1} ({grade_id(cell) or first_line(cell)}): "
                             f"{type(error).__name__}: {error.msg} (line {error.lineno})")
    return errors


def first_line(cell):
    line = next((line for line in cell.source.splitlines() if line.strip()), "")
    return line.strip()[:40]


def hint_of(cell):
    """The one-line message of a failing test cell: `Error: message`."""
    for output in cell.get("outputs", []):
        if output.output_type == "error" and output.ename == "NotImplementedError":
            return "not implemented yet (NotImplementedError)"
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}".strip()[:300]
        if output.output_type == "stream" and output.name == "stderr":
            return "the test cell wrote to stderr (scores 0): " + output.text.strip().splitlines()[0][:200]
    return "the test cell's last value gave partial credit"


def check(path, timeout=120):
    """Self-check one notebook; returns a Result. Never raises for a broken notebook."""
    path = Path(path).resolve()
    try:
        assignment = assignment_of(path)
    except ValueError as error:
        return Result("?", path, problem=str(error))
    result = Result(assignment, path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # invalid JSON or not a notebook at all
        result.problem = f"not a readable notebook ({type(error).__name__}: {str(error).splitlines()[0][:200]})"
        return result
    solution = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb = restore_cells(nb, solution)
    broken = syntax_errors(nb)
    result.warnings = list(broken.values())
    answers = {grade_id(c): broken[i] for i, c in enumerate(nb.cells) if i in broken and grade_id(c)}

    with tempfile.TemporaryDirectory(prefix=f"selfcheck-{assignment}-") as tmp:
        folder = Path(tmp) / assignment
        # The chapter's own files, as released; never files next to the reader's notebook
        # (a numpy.py there would be imported in place of numpy), as in grader/run.py.
        shutil.copytree(SOLUTIONS / assignment, folder, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
        resources = {"metadata": {"path": str(folder)}, "nbgrader": {"assignment": assignment}}
        try:
            with setenv(NBGRADER_EXECUTION="autograde"), kernel_config() as config:
                executor = GuardedExecute(timeout=timeout, interrupt_on_timeout=True, allow_errors=True,
                                          config=config)
                nb, _ = executor.preprocess(nb, resources)
        except Exception as error:
            result.problem = f"the notebook could not be run to its end ({type(error).__name__}: {str(error)[:200]})"
            return result

    cells = {grade_id(c): c for c in nb.cells if is_test_cell(c)}
    for gid, source in ((grade_id(c), c) for c in solution.cells if is_test_cell(c)):
        name = gid.removeprefix("test_")
        max_score = float(source.metadata["nbgrader"]["points"])
        cell = cells.get(gid)
        if cell is None:
            result.exercises.append(Exercise(name, 0.0, max_score, "its test cell was deleted from the notebook"))
            continue
        score, max_score = determine_grade(cell)
        score = float(score or 0.0)
        hint = "" if score == max_score else answers.get(name) or hint_of(cell)
        result.exercises.append(Exercise(name, score, max_score, hint))
    return result


def notebooks_in(path):
    """The notebooks to check: the file itself, or every chapter's notebook under a folder."""
    path = Path(path)
    if path.is_file():
        return [path]
    found = [path / a / f"{a}.ipynb" for a in assignments() if (path / a / f"{a}.ipynb").is_file()]
    found += [path / f"{a}.ipynb" for a in assignments() if (path / f"{a}.ipynb").is_file()]
    return found


def fmt(points):
    return f"{points:g}"


def table(result):
    """A text table of one notebook: function, points, pass/fail, hint."""
    lines = [f"{result.assignment}  ({result.path})"]
    if result.problem:
        return "\n".join(lines + [f"  NOT GRADED: {result.problem}"])
    lines += [f"  warning: {w}" for w in result.warnings]
    width = max([len(e.name) for e in result.exercises] + [8])
    lines.append(f"  {'function':<{width}}  points  result  hint")
    for e in result.exercises:
        verdict = "pass" if e.score == e.max_score else ("partial" if e.score else "FAIL")
        lines.append(f"  {e.name:<{width}}  {fmt(e.score) + '/' + fmt(e.max_score):>6}  {verdict:<6}  {e.hint}")
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
        passed = sum(e.score == e.max_score for e in r.exercises)
        fraction = r.score / r.max_score if r.max_score else 0.0
        bar = "#" * round(20 * fraction) + "." * (20 - round(20 * fraction))
        lines.append(f"  {r.assignment:<{width}}  {fmt(r.score) + '/' + fmt(r.max_score):>6}  "
                     f"{f'{passed}/{len(r.exercises)}':>6}  {bar} {fraction:4.0%}")
    score, max_score = sum(r.score for r in results), sum(r.max_score for r in results)
    lines.append(f"  {'total':<{width}}  {fmt(score) + '/' + fmt(max_score):>6}")
    return "\n".join(lines)
