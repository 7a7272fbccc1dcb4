"""Execute a submission so that patching the checks cannot earn points.

`GuardedExecute` replaces nbgrader's Execute step during autograde
(autograder/nbgrader_config.py). Around nbgrader's own execution it:

1. adds a first cell that installs the kernel guard (kernel_guard.py)
   before any student code runs;
2. adds a `reset()` cell before every test cell, and wraps every test cell
   in `start(...)` / `end(grade_id)` lines;
3. after execution, gives a test cell an error (so 0 points) unless it
   printed its witness token, i.e. it ran to its last line with numpy,
   builtins, IPython's transformers and the references untouched;
4. removes everything it added, so feedback shows the notebook as written;
5. when a cell kills or hangs the kernel (os._exit, a segfault, a broken
   interpreter), replaces that cell by one that raises, and runs the notebook
   again in a fresh kernel, so the rest of the notebook still earns its points;
   a cell's outputs are awaited as long as its reply (the cell timeout), since
   on a busy machine they can arrive seconds after it: with nbclient's 4 s,
   which nbgrader makes an error, such a cell was taken for a crash and lost
   its points;
6. runs the notebook in a kernel started ahead of need (ahead.py) when the
   grading process starts them, else in one nbgrader starts;
7. raises, failing the grading of this notebook (grader/run.py tries it
   again), when the kernel dies or the guard's own cell fails before any
   student cell ran: nothing the student wrote is to blame, so no points are
   taken for it.
"""

import inspect
import secrets

from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

from nnpractice_instructor import ahead, kernel_guard
from nnpractice_instructor.layout import MAX_CRASHES, error_message, is_answer_cell, is_test_cell

GUARD_SOURCE = inspect.getsource(kernel_guard)
CRASHED_CELL = 'raise RuntimeError("this cell crashed the kernel during grading, so the grader skipped it")'


def answer_names(nb):
    """Names of the functions students write: the grade_ids of the answer cells."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if is_answer_cell(c)]


class GuardedExecute(Execute):
    """nbgrader's Execute with integrity checks, witnesses and crash isolation."""

    max_crashes = Integer(MAX_CRASHES, help="How many kernel-killing cells to skip before giving up.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        if self.timeout is not None:
            self.iopub_timeout = max(self.iopub_timeout, self.timeout)
        original = {i: c.source for i, c in enumerate(nb.cells)}
        for crashes in range(self.max_crashes + 1):
            nonce = secrets.token_hex(8)
            guarded, positions = self.add_guard(nb, resources, nonce)
            started = []
            self.on_cell_start = lambda cell, cell_index: started.append(cell_index)
            started_ahead = ahead.take() if km is None else None
            try:
                guarded, resources = super().preprocess(
                    guarded, resources, started_ahead.manager if started_ahead else km)
            except Exception:  # a dead or unresponsive kernel (nbclient raises several types)
                crashed = self.culprit(started, positions, nb)
                if crashed is None or crashes == self.max_crashes:
                    raise
                self.log.warning("cell %d crashed the kernel; skipping it and grading again", crashed)
                nb.cells[crashed].source = CRASHED_CELL
                original[crashed] = CRASHED_CELL
                continue
            finally:
                if started_ahead is not None:  # nbclient leaves a kernel it did not start running
                    started_ahead.close(self.kc)
                    self.kc = None
            setup_failure = error_message(guarded.cells[0])
            if setup_failure:  # before any student code ran: the grading machine's fault, never the student's
                raise RuntimeError(f"the grader's setup cell failed: {setup_failure}")
            return self.remove_guard(guarded, positions, original, nonce), resources

    @staticmethod
    def culprit(started, positions, nb):
        """Original index of the cell to blame for a crash, or None.

        A crash in a cell the guard added (e.g. the interpreter broken by
        patched builtins) is blamed on the last student cell that ran before it.
        """
        for new_index in reversed(started):
            index = positions.get(new_index)
            if index is not None and (new_index == started[-1] or not is_test_cell(nb.cells[index])):
                return index
        return None

    def add_guard(self, nb, resources, nonce):
        """A copy of nb with the guard cells and lines; positions maps new index -> original index."""
        guard = f"_nnpg_{nonce}"
        names = answer_names(nb)
        install = (f"_guard_namespace = {{}}\nexec({GUARD_SOURCE!r}, _guard_namespace)\n"
                   f"_guard_namespace['install']({nonce!r})\n"
                   "del _guard_namespace")
        cells, positions = [new_code_cell(install)], {}
        for index, cell in enumerate(nb.cells):
            cell = cell.copy()
            if is_test_cell(cell):
                cells.append(new_code_cell(f"{guard}.reset()"))
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                cell.source = f"{guard}.start({names!r})\n{cell.source}\n{guard}.end({grade_id!r})"
            positions[len(cells)] = index
            cells.append(cell)
        guarded = nb.copy()
        guarded.cells = cells
        return guarded, positions

    def remove_guard(self, guarded, positions, original, nonce):
        """The executed notebook without the guard, each test cell judged by its witness."""
        cells = []
        for new_index, index in positions.items():
            cell = guarded.cells[new_index]
            cell.source = original[index]
            if cell.cell_type == "code":
                verdict = take_witness(cell, nonce)
                if is_test_cell(cell) and verdict != "ok" and not error_message(cell):
                    cell.outputs.append(new_output(
                        "error", ename="GradingIntegrityError", evalue=verdict,
                        traceback=[f"GradingIntegrityError: {verdict}"]))
            cells.append(cell)
        guarded.cells = cells
        return guarded



def take_witness(cell, nonce):
    """Remove the guard's token lines from a cell's stdout; return the verdict."""
    verdict = "the test cell did not run to its end (its code was changed or skipped)"
    kept = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout" and nonce in output.text:
            lines = output.text.splitlines(keepends=True)
            for line in lines:
                if line.startswith(f"{nonce}:ok:"):
                    verdict = "ok"
                elif line.startswith(f"{nonce}:tampered:"):
                    verdict = "the checks were tampered with: " + line.strip().split(":", 3)[3]
            output.text = "".join(line for line in lines if not line.startswith(nonce))
            if not output.text:
                continue
        kept.append(output)
    cell.outputs = kept
    return verdict
