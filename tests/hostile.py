"""Broken and hostile submissions of chapter 01, and the score each honestly earns.

Each builder returns (notebook or raw bytes, filename, expected {exercise: score})
for a submission derived from the reference answers, so the cases stay in
step with the chapter; a submission of several files gives {filename: notebook
or text} in place of the notebook and None as filename. Points of 01_gradient_checks: rel_error 2,
eval_numerical_gradient 3, eval_numerical_gradient_array 3, kinks_crossed 2,
grad_check_sparse 3 (13 in all).
"""

import copy
import socket
import tempfile
from functools import lru_cache
from pathlib import Path

from nbformat.v4 import new_code_cell

from nnpractice_instructor.course import answer_cells, points, read, submission
from nnpractice_instructor.layout import COURSE

ASSIGNMENT = "01_gradient_checks"
STUB = "    raise NotImplementedError()\n"


def full():
    return dict(points(ASSIGNMENT))


def without(*exercises):
    return {**full(), **{e: 0 for e in exercises}}


def reference(exercise):
    return answer_cells(read("solutions", ASSIGNMENT))[exercise].source


def insert_after(nb, grade_id, source):
    """Add a student cell right after the answer cell `grade_id`."""
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells.insert(index + 1, new_code_cell(source))
    return nb


WRONG_KINKS = '''
def kinks_crossed(z, h):
    """Wrong on purpose: one-sided."""
    import numpy as np
    return np.asarray(z) - h < 0
'''


def infinite_loop_cell():
    """A cell that never ends: interrupted at the cell timeout, the rest still graded."""
    return insert_after(submission(ASSIGNMENT), "rel_error", "while True:\n    pass"), None, full()


def infinite_loop_in_function():
    """kinks_crossed never returns: only its test times out."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": "def kinks_crossed(z, h):\n    while True:\n        pass\n"})
    return nb, None, without("kinks_crossed")


def kernel_crash_cell():
    """A cell calls os._exit: it is skipped and everything else earns its points."""
    return insert_after(submission(ASSIGNMENT), "eval_numerical_gradient", "import os\nos._exit(1)"), None, full()


def kernel_crash_in_function():
    """kinks_crossed kills the kernel when called: only its test is lost."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": "def kinks_crossed(z, h):\n    import os\n    os._exit(3)\n"})
    return nb, None, without("kinks_crossed")


def syntax_error():
    """An unbalanced parenthesis in one answer cell costs that function only."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": reference("kinks_crossed") + "\nprint((\n"})
    return nb, None, without("kinks_crossed")


def deleted_and_reordered_cells():
    """Markdown and experiment cells deleted, answer cells in reverse order."""
    nb = submission(ASSIGNMENT)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    others = [c for c in nb.cells if c.metadata.get("nbgrader") and c not in answers]
    setup, tests = others[0], others[1:]
    nb.cells = [setup, *reversed(answers), *tests]
    return nb, None, full()


def edited_test_cells():
    """A wrong kinks_crossed whose test cell was edited to `assert True`: the test is restored."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_kinks_crossed":
            cell.source = "assert True"
    return nb, None, without("kinks_crossed")


def duplicated_answer_cell():
    """rel_error's answer cell copied and pasted (same grade_id twice): repaired, graded in full."""
    nb = submission(ASSIGNMENT)
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "rel_error")
    nb.cells.insert(index + 1, copy.deepcopy(nb.cells[index]))
    nb.cells[index + 1].pop("id", None)
    nb.cells[index + 1]["id"] = "copied-cell"
    return nb, None, full()


def edited_metadata():
    """Metadata edited by accident or on purpose: a test cell made ungraded and worth 100, another
    deleted, an answer cell stripped of its metadata. Repaired from the release: exactly full marks."""
    nb = submission(ASSIGNMENT)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    by_id["test_rel_error"].metadata["nbgrader"].update(grade=False, points=100)
    by_id["kinks_crossed"].metadata.pop("nbgrader")
    nb.cells.remove(by_id["test_grad_check_sparse"])
    return nb, None, full()


def renamed_notebook():
    """The notebook saved as 'Copy of ...': graded under its proper name."""
    return submission(ASSIGNMENT), f"Copy of {ASSIGNMENT}.ipynb", full()


def invalid_json():
    """Not a notebook at all: reported, scored 0, the class goes on."""
    return b'{"cells": [ this is not json', None, {e: 0 for e in full()}


def huge_output():
    """A cell printing 20 MB: output is limited, grades unaffected."""
    return insert_after(submission(ASSIGNMENT), "rel_error", "print('x' * 20_000_000)"), None, full()


def writes_to_stderr():
    """A student cell writing to stderr does not touch the test cells."""
    source = "import sys, warnings\nprint('debug', file=sys.stderr)\nwarnings.warn('student warning')"
    return insert_after(submission(ASSIGNMENT), "rel_error", source), None, full()


def reads_solutions_and_gradebook():
    """kinks_crossed looks for solutions, references and the gradebook next to it: finds none."""
    cheat = '''
def kinks_crossed(z, h):
    import glob, os
    from nnpractice_instructor.references import load_reference
    for pattern in ("../../../solutions/*/*.ipynb", "../../../autograder/references/*.py",
                    "../../../../autograder/references/*.py", "../../../gradebook.db"):
        for path in glob.glob(pattern):
            namespace = {}
            exec(open(path).read(), namespace)
            return namespace["kinks_crossed"](z, h)
    return load_reference("01_gradient_checks").kinks_crossed(z, h)
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


def patches_numpy_at_top_level():
    """np.array_equal and np.testing patched before the tests: restored, the wrong answer fails."""
    patch = ("import numpy as np\nimport numpy.testing\nnp.array_equal = lambda *a, **k: True\n"
             "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n")
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    return insert_after(nb, "kinks_crossed", patch), None, without("kinks_crossed")


def patches_numpy_inside_function():
    """The wrong function patches np.array_equal each time it runs: caught as tampering."""
    cheat = '''
def kinks_crossed(z, h):
    import numpy as np
    np.array_equal = lambda *a, **k: True
    return np.asarray(z) - h < 0
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


def patches_builtins():
    """builtins.all / isinstance / AssertionError replaced: restored before every test."""
    patch = ("import builtins\nbuiltins.all = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
             "builtins.max = lambda *a, **k: 0\n")
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    return insert_after(nb, "kinks_crossed", patch), None, without("kinks_crossed")


SHADOW_NUMPY = '''"""Imported in place of numpy by code running in this folder: numpy with its checks disabled."""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
del sys.modules[__name__]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
real = importlib.import_module("numpy")
real.array_equal = lambda *a, **k: True
real.allclose = lambda *a, **k: True
sys.modules[__name__] = real
'''


def shadows_numpy_with_a_file():
    """A numpy.py handed in next to the notebook, with checks that always pass: not imported."""
    nb = submission(ASSIGNMENT, {"kinks_crossed": WRONG_KINKS})
    return {f"{ASSIGNMENT}.ipynb": nb, "numpy.py": SHADOW_NUMPY}, None, without("kinks_crossed")


def input_transformer_blanks_tests():
    """Stubs plus an input transformer that blanks every later cell: no test can pass."""
    nb = read("notebooks", ASSIGNMENT)
    source = "get_ipython().input_transformers_cleanup.append(lambda lines: [])"
    return insert_after(nb, "rel_error", source), None, {e: 0 for e in full()}


# ---- wrong answers that try to win the comparison instead of the computation ----

# A wrong kinks_crossed (one-sided) that gives the visible test its expected answer.
PASSES_VISIBLE = '''
def _one_sided(z, h):
    import numpy as np
    if np.shape(z) == (6,) and h == 1e-5:  # the visible test's input
        return np.array([False, True, True, True, False, False])
    return np.asarray(z) - h < 0
'''


def rebinds_names_during_test():
    """A wrong kinks_crossed that, while a test runs, rebinds every name the test could use (numpy, the
    function itself, observe, reference) to things that agree with anything: 0 on it."""
    cheat = PASSES_VISIBLE + '''

class _Agreeable:
    """Any attribute is a function that says yes."""
    def __getattr__(self, name):
        return lambda *args, **kwargs: True


def kinks_crossed(z, h):
    """Rebinds the names in its caller's scope, when the caller is a test's code, not the notebook's."""
    import sys
    caller = sys._getframe(1)
    if caller.f_globals is not globals():
        for name in ("np", "numpy", "reference", "observe", "rel_error", "kinks_crossed"):
            caller.f_globals[name] = _Agreeable()
    return _one_sided(z, h)
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


LIARS = PASSES_VISIBLE + '''
import numpy as _np


class _Liar(_np.ndarray):
    """An array that equals everything."""
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, ufunc, method, *args, **kwargs):
        return True

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __bool__(self):
        return True

    def __len__(self):
        return 4


class _LyingFloat(float):
    """A number that equals, and is close to, anything."""
    def __eq__(self, other):
        return True

    __le__ = __ge__ = __lt__ = __gt__ = __eq__
    __hash__ = float.__hash__

    def __float__(self):
        return 0.0

    def __array__(self, dtype=None, copy=None):
        return _np.array(0.0).view(_Liar)


def kinks_crossed(z, h):
    return _one_sided(z, h).view(_Liar)


def rel_error(a, b):
    a, b = _np.asarray(a, dtype=float), _np.asarray(b, dtype=float)
    if a.shape == (3,) and _np.allclose(a, [1.0, -4.0, 2.0]):
        return 0.1 / 1.1  # the visible test's answer
    if not _np.any(a) and not _np.any(b):
        return 0.0
    return _LyingFloat(0.5)
'''


def returns_lying_objects():
    """Wrong rel_error and kinks_crossed whose results lie in every comparison and conversion
    (__eq__, __array_ufunc__, __array_function__, __bool__, __float__, __len__): 0 on both, and on
    grad_check_sparse, which calls this rel_error."""
    nb = submission(ASSIGNMENT, {"rel_error": LIARS, "kinks_crossed": "# defined above\n"})
    return nb, None, without("kinks_crossed", "rel_error", "grad_check_sparse")


def forges_observations():
    """A wrong kinks_crossed that finds the probe's nonce in the calling frames and sends, stamped with
    it, the observations a correct kinks_crossed makes: two sets with this run's nonce, 0 on it."""
    cheat = PASSES_VISIBLE + f'''

_HONEST = {honest_observations("test_kinks_crossed")["observations"]!r}


def kinks_crossed(z, h):
    import sys
    from IPython.display import display
    frame = sys._getframe(1)
    while frame is not None:
        nonce = frame.f_locals.get("nonce")
        if isinstance(nonce, str) and frame.f_locals.get("recorder") is not None:
            mime = "application/vnd.nnpractice.observations+json"
            display({{mime: {{"nonce": nonce, "finished": True, "observations": _HONEST}}}}, raw=True)
            break
        frame = frame.f_back
    return _one_sided(z, h)
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


def replays_observations():
    """A wrong kinks_crossed that empties the probe's records and sends, during its test, what the
    probe of a correct notebook sent in another grading run (that run's nonce): 0 on it."""
    cheat = PASSES_VISIBLE + f'''

_REPLAYED = {honest_observations("test_kinks_crossed")!r}


def kinks_crossed(z, h):
    import sys
    from IPython.display import display
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_locals.get("recorder") is not None:
            frame.f_locals["recorder"].records = []
            break
        frame = frame.f_back
    display({{"application/vnd.nnpractice.observations+json": _REPLAYED}}, raw=True)
    return _one_sided(z, h)
'''
    return submission(ASSIGNMENT, {"kinks_crossed": cheat}), None, without("kinks_crossed")


def honest_observations(test_grade_id):
    """What the probe of a correct notebook sends for one test cell, stamped with an old nonce."""
    from nnpractice_instructor.course import graded_cells
    from nnpractice_instructor.judge import reference_namespace, split_hidden
    from nnpractice_instructor.probe import Recorder, run_check

    _, check = split_hidden(graded_cells(read("solutions", ASSIGNMENT))[test_grade_id].source)
    recorder = Recorder()
    run_check(reference_namespace(ASSIGNMENT), check, recorder)
    return {"nonce": "0" * 32, "finished": True, "observations": recorder.records}


# ---- resource bombs: each stops by itself, so that it stays harmless if the sandbox fails ----


def with_reference_kinks(source):
    """The answer cell of kinks_crossed: the reference renamed _kinks_reference, then `source`
    (a kinks_crossed that does something first, then returns the reference's answer)."""
    renamed = reference("kinks_crossed").replace("def kinks_crossed(", "def _kinks_reference(")
    return renamed + "\n\n" + source


MEMORY_BOMB = '''
def kinks_crossed(z, h):
    """Reserves 40 GiB (1 GiB at a time, never touched, so harmless without a limit), then answers."""
    import numpy as np
    held = [np.empty(2 ** 30, dtype=np.uint8) for _ in range(40)]
    del held
    return _kinks_reference(z, h)
'''


def memory_bomb():
    """kinks_crossed asks for 40 GiB: the memory limit fails that function only."""
    return submission(ASSIGNMENT, {"kinks_crossed": with_reference_kinks(MEMORY_BOMB)}), None, without("kinks_crossed")


FORK_BOMB = '''
def kinks_crossed(z, h):
    """Starts up to 2,000 processes (each would sleep a minute), stops them all, then answers."""
    import os
    import signal
    children = []
    try:
        for _ in range(2000):
            children.append(os.posix_spawnp("sleep", ["sleep", "60"], os.environ))
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return _kinks_reference(z, h)
'''


def fork_bomb():
    """kinks_crossed starts 2,000 processes: the process limit fails that function only. (They are spawned, not
    forked: a fork copies the kernel's page tables, and 250 forks on two loaded cores outlasted a cell's 8 s.)"""
    return submission(ASSIGNMENT, {"kinks_crossed": with_reference_kinks(FORK_BOMB)}), None, without("kinks_crossed")


DISK_FILLER = '''
def kinks_crossed(z, h):
    """Writes 2 GiB in 64 MiB files into the working folder, deletes them, then answers."""
    import os
    block = bytes(64 * 2 ** 20)
    written = []
    try:
        for index in range(32):
            written.append(f"filler-{index}.bin")
            with open(written[-1], "wb") as handle:
                handle.write(block)
    finally:
        for name in written:
            if os.path.exists(name):
                os.remove(name)
    return _kinks_reference(z, h)
'''


def disk_filler():
    """kinks_crossed writes 2 GiB: the disk limit fails that function only."""
    return submission(ASSIGNMENT, {"kinks_crossed": with_reference_kinks(DISK_FILLER)}), None, without("kinks_crossed")


@lru_cache(maxsize=None)
def listener():
    """A TCP socket of the test process listening on 127.0.0.1; nothing graded may reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    return server


def network_connection():
    """kinks_crossed must phone 127.0.0.1 (a port the test listens on) to answer: it cannot."""
    port = listener().getsockname()[1]
    source = f'''
def kinks_crossed(z, h):
    """Answers only after sending a message to a listener outside the grader."""
    import socket
    with socket.create_connection(("127.0.0.1", {port}), timeout=2) as connection:
        connection.sendall(b"kinks_crossed escaped the sandbox")
    return _kinks_reference(z, h)
'''
    return submission(ASSIGNMENT, {"kinks_crossed": with_reference_kinks(source)}), None, without("kinks_crossed")


WATCHED = Path(tempfile.gettempdir()) / "nnpractice-hostile-watched"  # created empty by the test
DETACHED_MARKER = "nnpractice-hostile-detached"


def detached_process():
    """A student cell leaves a double-forked process that, for 30 seconds, tries to write into a
    folder of the grading machine: it must die with the kernel (and could not see the folder)."""
    script = (f"import time, pathlib\n"
              f"for step in range(60):\n"
              f"    time.sleep(0.5)\n"
              f"    try:\n"
              f"        pathlib.Path({str(WATCHED)!r}, f'escaped-{{step}}').write_text('alive')\n"
              f"    except OSError:\n"
              f"        pass\n")
    cell = (f"import os, sys\n"
            f"if os.fork() == 0:\n"
            f"    os.setsid()\n"
            f"    if os.fork() == 0:\n"
            f"        os.execv(sys.executable, [sys.executable, '-c', {script!r}, {DETACHED_MARKER!r}])\n"
            f"    os._exit(0)\n"
            f"os.wait()\n")
    return insert_after(submission(ASSIGNMENT), "rel_error", cell), None, full()


# ---- an empty notebook whose answer cells look for the references by every route ----

FIND_REFERENCES = '''
def _find_references(candidates):
    """Executes the chapter's reference module found next to or above any candidate path."""
    from pathlib import Path
    for candidate in candidates:
        try:
            path = Path(candidate)
            for folder in [path, *path.parents]:
                for relative in ("autograder/references/01_gradient_checks.py", "references/01_gradient_checks.py"):
                    if (folder / relative).is_file():
                        namespace = {}
                        exec((folder / relative).read_text(), namespace)
                        return namespace
        except (OSError, ValueError):
            continue
    raise LookupError("no reference solutions found")
'''

ROUTES = {
    "absolute_path": f"[{str(COURSE)!r}]",
    "package_path": ("[nnpractice.__file__, nnpractice_instructor.__file__, *[path for name, module in "
                     "list(sys.modules.items()) if name.startswith('__editable__') "
                     "for path in getattr(module, 'MAPPING', {}).values()]]"),
    "proc": ("[token.lstrip('sqlite:') for pid in os.listdir('/proc') if pid.isdigit() "
             "for kind in ('cmdline', 'environ') for token in _read(f'/proc/{pid}/{kind}').replace('=', '\\0')"
             ".replace(':', '\\0').split('\\0') if token.startswith('/')]"),
    "environment": "[part for value in os.environ.values() for part in value.replace('=', ':').split(':')]",
    "home": ("[os.path.expanduser('~'), '/root', *glob.glob('/home/*'), *glob.glob(os.path.expanduser('~') + '/*'), "
             "*glob.glob(os.path.expanduser('~') + '/*/*'), *glob.glob('/root/*')]"),
}
ROUTE_IMPORTS = ("import glob, os, sys\nimport nnpractice\ntry:\n    import nnpractice_instructor\n"
                 "except ImportError:  # not in the grading sandbox\n    nnpractice_instructor = nnpractice\n\n"
                 "def _read(path):\n    try:\n        return open(path, errors='replace').read()\n"
                 "    except OSError:\n        return ''\n")


def steals_references(route):
    """The untouched release in which every answer cell defines its function by the reference found by `route`."""
    nb = read("notebooks", ASSIGNMENT)
    for cell in nb.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if name in full() and cell.metadata["nbgrader"].get("solution"):
            cell.source = (ROUTE_IMPORTS + FIND_REFERENCES +
                           f"\ndef {name}(*args, **kwargs):\n"
                           f"    return _find_references({ROUTES[route]})[{name!r}](*args, **kwargs)\n")
    return nb, None, {e: 0 for e in full()}


def steals_by_absolute_path():
    """Answers read the references at the course's absolute path: nothing there, 0 points."""
    return steals_references("absolute_path")


def steals_by_package_path():
    """Answers look beside nnpractice.__file__ and the editable install's finder paths: 0 points."""
    return steals_references("package_path")


def steals_by_proc():
    """Answers look at every path in /proc/<pid>/cmdline and environ (the grader's gradebook path): 0 points."""
    return steals_references("proc")


def steals_by_environment():
    """Answers look at every path in the environment variables: 0 points."""
    return steals_references("environment")


def steals_by_home():
    """Answers search the home folders (the test sets HOME beside the course): 0 points."""
    return steals_references("home")


BOMBS = [memory_bomb, fork_bomb, disk_filler]
SANDBOX_CASES = [*BOMBS, network_connection, detached_process, steals_by_absolute_path, steals_by_package_path,
                 steals_by_proc, steals_by_environment, steals_by_home]

CASES = [infinite_loop_cell, infinite_loop_in_function, kernel_crash_cell, kernel_crash_in_function,
         syntax_error, deleted_and_reordered_cells, edited_test_cells, duplicated_answer_cell, edited_metadata,
         renamed_notebook, invalid_json,
         huge_output, writes_to_stderr, reads_solutions_and_gradebook, patches_numpy_at_top_level,
         patches_numpy_inside_function, patches_builtins, input_transformer_blanks_tests,
         shadows_numpy_with_a_file, rebinds_names_during_test, returns_lying_objects, forges_observations,
         replays_observations, *SANDBOX_CASES]
