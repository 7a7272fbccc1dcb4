"""Mutation testing of the hidden tests: do they reject every small change to a reference answer?

For every exercise, the reference answer (the solution blocks of its answer
cell, and the defaults of its signature) is changed one small step at a
time with the standard operators: arithmetic and comparison swaps,
off-by-one constants, sign flips, and/or swaps, negated conditions, a
dropped statement, a loop left after its first pass, `.copy()` removed or
added, a view in place of a copy, in-place versus out-of-place updates, a
dropped keyword (axis, keepdims, ...), a dropped slice bound, a flipped
flag, a reversed iteration order, a swapped reduction (max/min, sum/mean,
...). Each changed function (a mutant) replaces the reference in a
namespace where the chapter's setup and answer cells ran, and the hidden
block of the exercise's test cell runs against it, in this process: an
exception, an output on stderr (nbgrader scores such a cell 0) or a time
limit rejects ("kills") the mutant.

A mutant that no input can tell apart from the reference is *equivalent*;
autograder/mutation_equivalents.toml lists each with a one-line reason.
The score of a chapter is killed / (mutants - equivalent); the command
fails when a chapter scores below the bar or when an entry of the
equivalents file no longer matches a surviving mutant (stale).

    nnpractice-mutation [CHAPTER ...] [--bar 0.98] [--survivors PATH] [--jobs N]
    make mutation
"""

import argparse
import ast
import contextlib
import copy
import io
import operator
import signal
import sys
import time
import tomllib
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnpractice_instructor.course import answer_cells, exercises, graded_cells, read, setup_cell
from nnpractice_instructor.judge import CheckError, expectations, split_hidden, verdict
from nnpractice_instructor.layout import COURSE, SOLUTION_MARKERS, autograder_dir, chapters, grade_id_for
from nnpractice_instructor.probe import Recorder, run_check

BAR = 0.98
TIME_LIMIT = 10.0  # seconds one mutant may run its hidden tests (a mutant may loop forever)
EQUIVALENTS = "mutation_equivalents.toml"
SURVIVORS = Path("artifacts") / "mutation" / "survivors.txt"


def equivalents_path(course=COURSE):
    """The file of equivalent mutants: [[equivalent]] chapter, function, mutant, reason."""
    return autograder_dir(course) / EQUIVALENTS


# ---- the operators ----------------------------------------------------------------

BINOPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
          ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv, ast.MatMult: ast.Mult}
COMPARES = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
# the reduction or elementwise function a student may confuse with another
SWAPS = {"max": "min", "min": "max", "maximum": "minimum", "minimum": "maximum", "argmax": "argmin",
         "argmin": "argmax", "sum": "mean", "mean": "sum", "floor": "ceil", "ceil": "floor", "nanmax": "nanmin",
         "nanmin": "nanmax", "var": "std", "std": "var", "exp": "expm1", "log": "log1p", "log10": "log",
         "log1p": "log", "round": "floor", "cumsum": "cumprod"}
DROPPABLE_CALLS = {"abs", "sqrt", "copy", "array", "float", "int", "sorted", "list", "asarray", "clip", "squeeze",
                   "ravel", "reshape", "flatten", "astype"}
OPERATORS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.FloorDiv: "floordiv",
             ast.Pow: "pow", ast.MatMult: "matmul", ast.Mod: "mod"}
PROBE = "_mutation_probe"
KEYWORDS = {"axis", "keepdims", "ddof", "copy", "dtype", "replace", "out", "where", "axes", "key", "reverse",
            "endpoint", "size", "p"}


def _name(func):
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _num(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _with(node, **changes):
    new = copy.deepcopy(node)
    for key, value in changes.items():
        setattr(new, key, value)
    return new


def _call(name, *args):
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def _method(value, name):
    return ast.Call(func=ast.Attribute(value=copy.deepcopy(value), attr=name, ctx=ast.Load()), args=[], keywords=[])


def expression_mutants(node):
    """[(operator, replacement node)] of one expression node."""
    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        out.append(("arithmetic", _with(node, op=BINOPS[type(node.op)]())))
        if isinstance(node.op, (ast.Sub, ast.Div)):
            out.append(("swapped operands", _with(node, left=copy.deepcopy(node.right),
                                                  right=copy.deepcopy(node.left))))
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARES:
                ops = [copy.deepcopy(o) for o in node.ops]
                ops[i] = COMPARES[type(op)]()
                out.append(("comparison", _with(node, ops=ops)))
    elif isinstance(node, ast.BoolOp):
        out.append(("and/or", _with(node, op=ast.Or() if isinstance(node.op, ast.And) else ast.And())))
        for i in range(len(node.values)):
            rest = [copy.deepcopy(v) for j, v in enumerate(node.values) if j != i]
            out.append(("dropped condition", rest[0] if len(rest) == 1 else _with(node, values=rest)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        out.append(("sign flip" if isinstance(node.op, ast.USub) else "negation dropped",
                    copy.deepcopy(node.operand)))
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            out.append(("flag", ast.Constant(value=not node.value)))
        elif isinstance(node.value, int):
            out += [("off by one", ast.Constant(value=node.value + 1)),
                    ("off by one", ast.Constant(value=node.value - 1))]
        elif isinstance(node.value, float):
            out += [("constant", ast.Constant(value=node.value + 1.0)),
                    ("constant", ast.Constant(value=node.value / 10 if node.value else 1e-3))]
    elif isinstance(node, ast.IfExp):
        out += [("condition", copy.deepcopy(node.body)), ("condition", copy.deepcopy(node.orelse))]
    elif isinstance(node, ast.Call):
        name = _name(node.func)
        if name in SWAPS:
            func = copy.deepcopy(node.func)
            if isinstance(func, ast.Attribute):
                func.attr = SWAPS[name]
            else:
                func.id = SWAPS[name]
            out.append(("swapped function", _with(node, func=func)))
        if name == "zeros_like" and isinstance(node.func, ast.Attribute):
            # np.empty_like, made deterministic: memory that happens to hold zeros would let the
            # mistake pass one run and fail the next, so the garbage is NaN every time
            func = copy.deepcopy(node.func)
            func.attr = "full_like"
            garbage = ast.Attribute(value=copy.deepcopy(node.func.value), attr="nan", ctx=ast.Load())
            out.append(("uninitialized memory (empty_like)",
                        _with(node, func=func, args=[*copy.deepcopy(node.args), garbage])))
        if name in DROPPABLE_CALLS:
            if isinstance(node.func, ast.Attribute) and name in ("copy", "astype", "reshape", "ravel",
                                                                  "flatten", "squeeze", "clip"):
                if not (isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy")):
                    out.append(("dropped call" if name != "copy" else "view for copy",
                                copy.deepcopy(node.func.value)))
                elif node.args:
                    out.append(("dropped call" if name != "copy" else "view for copy", copy.deepcopy(node.args[0])))
            elif node.args and name in ("float", "int") and isinstance(node.func, ast.Name):
                # float(np.float64) is the same number (np.float64 is a float); inert unless the value differs
                out.append(("dropped call", _probe("cast", ast.Constant(name), copy.deepcopy(node.args[0]))))
            elif node.args:
                out.append(("dropped call", copy.deepcopy(node.args[0])))
        if name == "array" and isinstance(node.func, ast.Attribute):
            func = _with(node.func, attr="asarray")
            out.append(("view for copy", _with(node, func=func)))
        for i, keyword in enumerate(node.keywords):
            if keyword.arg in KEYWORDS:
                kept = [copy.deepcopy(k) for j, k in enumerate(node.keywords) if j != i]
                out.append(("dropped keyword", _with(node, keywords=kept)))
        if len(node.args) == 2 and name in ("clip", "where", "dot",
                                             "matmul", "full", "uniform", "normal", "arange", "linspace",
                                             "integers", "choice"):
            out.append(("swapped arguments", _with(node, args=[copy.deepcopy(node.args[1]),
                                                               copy.deepcopy(node.args[0])])))
    elif isinstance(node, ast.Slice):
        for bound in ("lower", "upper", "step"):
            if getattr(node, bound) is not None:
                out.append(("slice bound", _with(node, **{bound: None})))
        for bound in ("lower", "upper"):
            value = getattr(node, bound)
            if value is not None and not isinstance(value, ast.Constant):
                out.append(("slice bound", _with(node, **{bound: ast.BinOp(left=copy.deepcopy(value),
                                                                            op=ast.Add(),
                                                                            right=ast.Constant(value=1))})))
    return out


def statement_mutants(node):
    """[(operator, replacement statements)] of one statement."""
    out = []
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # a docstring or comment-like
        out.append(("dropped statement", []))
    if isinstance(node, ast.AugAssign) and isinstance(node.target, (ast.Name, ast.Attribute)) \
            and type(node.op) in OPERATORS:
        # x += y -> x = x + y: a new object instead of the one others may hold (inert on immutable x)
        out.append(("out of place", [ast.Assign(targets=[copy.deepcopy(node.target)],
                                                value=_probe("op", ast.Constant(OPERATORS[type(node.op)]),
                                                             _loaded(node.target), copy.deepcopy(node.value)),
                                                lineno=node.lineno)]))
    if isinstance(node, ast.AugAssign) and type(node.op) in BINOPS:
        out.append(("arithmetic", [_with(node, op=BINOPS[type(node.op)]())]))
    if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], (ast.Name, ast.Attribute))
            and isinstance(node.value, ast.BinOp) and type(node.value.op) in OPERATORS
            and ast.dump(node.value.left) == ast.dump(_loaded(node.targets[0]))):
        # x = x + y -> x += y: writes into an object the caller may still hold (inert on immutable x)
        out.append(("in place", [_with(node, value=_probe("op", ast.Constant("i" + OPERATORS[type(node.value.op)]),
                                                          copy.deepcopy(node.value.left),
                                                          copy.deepcopy(node.value.right)))]))
    if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute, ast.Subscript)):
        out.append(("copy added", [_with(node, value=_probe("copy", copy.deepcopy(node.value)))]))
    if isinstance(node, ast.Return) and isinstance(node.value, (ast.Name, ast.Subscript)):
        out.append(("copy added", [_with(node, value=_probe("copy", copy.deepcopy(node.value)))]))
    if isinstance(node, (ast.If, ast.While)):
        out.append(("negated condition", [_with(node, test=ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(node.test)))]))
        if node.orelse:
            out.append(("dropped else", [_with(node, orelse=[])]))
    if isinstance(node, ast.For):
        out.append(("loop once", [_with(node, body=[*copy.deepcopy(node.body), ast.Break()])]))
        out.append(("reversed order", [_with(node, iter=_call("reversed", _call("list", copy.deepcopy(node.iter))))]))
    return out


def _loaded(target):
    load = copy.deepcopy(target)
    load.ctx = ast.Load()
    return load


def _probe(method, *args):
    """A call of the probe that records whether a copy or an in-place change touched a mutable object."""
    return ast.Call(func=ast.Attribute(value=ast.Name(id=PROBE, ctx=ast.Load()), attr=method, ctx=ast.Load()),
                    args=list(args), keywords=[])


def _first_line(node):
    text = ast.unparse(node) if not isinstance(node, list) else "; ".join(ast.unparse(n) for n in node) or "(nothing)"
    text = text.splitlines()[0] if text else "(nothing)"
    return text if len(text) <= 90 else text[:87] + "..."


@dataclass
class Mutant:
    chapter: str
    function: str
    id: str          # stable: operator and the change, e.g. "arithmetic: epoch // every -> epoch / every"
    source: str      # the mutated function's source
    line: int        # line in the answer cell
    outcome: str = ""
    detail: str = ""
    equivalent: str = field(default="", repr=False)


def solution_lines(source):
    """Line numbers (1-based) inside the solution blocks of an answer cell's source."""
    lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == SOLUTION_MARKERS[0]:
            inside = True
        elif line.strip() == SOLUTION_MARKERS[1]:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def _sites(function, lines):
    """[(path to node, kind, node)]: every place of `function` (or of the methods of a class) a mutant
    may change, in a fixed order."""
    if isinstance(function, ast.ClassDef):
        return [((("body", i), *path), kind, node) for i, method in enumerate(function.body)
                if isinstance(method, ast.FunctionDef) for path, kind, node in _sites(method, lines)]
    found = []

    def visit(node, path):
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        step = (*path, (name, i))
                        if isinstance(item, ast.stmt) and getattr(item, "lineno", 0) in lines:
                            found.append((step, "stmt", item))
                        elif isinstance(item, ast.expr) and getattr(item, "lineno", 0) in lines:
                            found.append((step, "expr", item))
                        visit(item, step)
            elif isinstance(value, ast.AST):
                step = (*path, (name, None))
                if isinstance(value, (ast.expr, ast.Slice)) and getattr(value, "lineno", 0) in lines:
                    found.append((step, "expr", value))
                visit(value, step)

    for body_index, statement in enumerate(function.body):
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and body_index == 0:
            continue  # the docstring
        step = (("body", body_index),)
        if statement.lineno in lines:
            found.append((step, "stmt", statement))
        visit(statement, step)
    for i, default in enumerate(function.args.defaults):  # the signature's defaults, given in the stub
        found.append(((("args", None), ("defaults", i)), "default", default))
    for i, default in enumerate(function.args.kw_defaults):
        if default is not None:
            found.append(((("args", None), ("kw_defaults", i)), "default", default))
    return found


def _replace(root, path, new):
    node = root
    for name, index in path[:-1]:
        node = getattr(node, name) if index is None else getattr(node, name)[index]
    name, index = path[-1]
    if index is None:
        setattr(node, name, new)
    elif isinstance(new, list):  # statements: splice
        body = getattr(node, name)
        body[index:index + 1] = new
        if not body:
            body.append(ast.Pass())
    else:
        getattr(node, name)[index] = new


def function_mutants(chapter, function, lines):
    """Every mutant of one function (an ast.FunctionDef of an answer cell)."""
    out, seen = [], {}
    for path, kind, node in _sites(function, lines):
        if kind == "stmt":
            options = statement_mutants(node)
        else:
            options = expression_mutants(node)
            if kind == "default":
                options = [(f"default {op}", new) for op, new in options]
        for operator_name, new in options:
            mutated = copy.deepcopy(function)
            _replace(mutated, path, new)
            ast.fix_missing_locations(mutated)
            try:
                source = ast.unparse(mutated)
                compile(source, "<mutant>", "exec")
            except (SyntaxError, ValueError):
                continue
            if source == ast.unparse(function):
                continue
            key = f"{operator_name}: {_first_line(node)} -> {_first_line(new)}"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key += f" #{seen[key]}"
            out.append(Mutant(chapter, function.name, key, source, node.lineno if kind != "default" else 0))
    return out


def chapter_mutants(chapter, course=COURSE):
    """Every mutant of every exercise of `chapter`."""
    out = []
    graded = set(exercises(chapter, course))
    for name, cell in answer_cells(read("solutions", chapter, course)).items():
        if name not in graded:
            continue
        tree = ast.parse(cell.source)
        lines = solution_lines(cell.source)
        for function in tree.body:
            if isinstance(function, (ast.FunctionDef, ast.ClassDef)) and function.name == name:
                out += function_mutants(chapter, function, lines)
    return out


# ---- running a mutant against the hidden tests ---------------------------------------


class _TimeLimit(BaseException):
    """Raised by the alarm when a mutant runs longer than the time limit (not an Exception: never caught)."""


def _on_alarm(signum, frame):
    raise _TimeLimit()


IMMUTABLE = (int, float, complex, str, bytes, tuple, frozenset, type(None), np.generic)


class Probe:
    """What a "copy added", "in place", "out of place" or dropped float()/int() mutant did: `mutable` is
    True once it copied or updated a mutable object (an array, a list, a dict), or kept a value that
    float()/int() would have changed. A mutant that never did is inert (no input of the run could tell
    it apart): on immutable values a copy is the same value and x += y is x = x + y, and float() of an
    np.float64 is the same float."""

    def __init__(self):
        self.mutable = False

    def copy(self, value):
        if isinstance(value, IMMUTABLE):
            return value
        self.mutable = True
        return value.copy() if hasattr(value, "copy") else copy.copy(value)

    def cast(self, name, value):
        """`value` itself where the reference had float(value) or int(value); counts as a change only
        when the value is not already a float (np.float64 is one) or an integer of numpy or Python."""
        if not isinstance(value, float if name == "float" else (int, np.integer)) or isinstance(value, bool):
            self.mutable = True
        return value

    def op(self, name, left, right):
        if not isinstance(left, IMMUTABLE):
            self.mutable = True
        return getattr(operator, name)(left, right)


class Chapter:
    """The compiled cells of a chapter, to run the hidden tests of one exercise many times."""

    def __init__(self, chapter, course=COURSE):
        solutions = read("solutions", chapter, course)
        self.setup = compile(setup_cell(solutions).source, f"<{chapter} setup>", "exec")
        self.answers = [compile(c.source, f"<{chapter} {gid}>", "exec") for gid, c in answer_cells(solutions).items()]
        cells = graded_cells(solutions)
        self.hidden = {}
        for exercise in exercises(chapter, course):
            _, check = split_hidden(cells[grade_id_for(exercise)].source)
            if check is not None:
                self.hidden[exercise] = check
        self.expected = {}  # the reference's observations, per exercise (computed once)

    def namespace(self):
        ns = {"__name__": "__notebook__"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(self.setup, ns)
            for code in self.answers:
                exec(code, ns)
        return ns

    def run(self, exercise, function_source=None, time_limit=TIME_LIMIT):
        """('survived' | 'killed' | 'timeout' | 'stderr', detail) of the hidden tests of `exercise`,
        with `function_source` (a mutant) in place of the reference."""
        if exercise not in self.hidden:
            return "survived", "no hidden tests"
        if exercise not in self.expected:
            with contextlib.redirect_stdout(io.StringIO()):
                self.expected[exercise] = expectations(self.hidden[exercise], self.namespace())
        ns = self.namespace()
        probe = ns[PROBE] = Probe()
        out, err = io.StringIO(), io.StringIO()
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                    warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if function_source is not None:
                    exec(compile(function_source, f"<mutant of {exercise}>", "exec"), ns)
                recorder = Recorder()
                run_check(ns, self.hidden[exercise], recorder)
                message = verdict(recorder.records, self.expected[exercise])
                if message:
                    raise CheckError(message)
        except _TimeLimit:
            return "timeout", f"ran over {time_limit:g} s"
        except Exception as error:  # any failure of the test cell rejects the mutant
            return "killed", f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:160]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if err.getvalue() or caught:
            first = err.getvalue().strip().splitlines()[:1] or [str(caught[0].message)]
            return "stderr", f"wrote to stderr: {first[0]}"[:160]
        if function_source is not None and PROBE in function_source and not probe.mutable:
            return "inert", "the change touched immutable values only"
        return "survived", ""


def run_chapter(chapter, course=COURSE, time_limit=TIME_LIMIT, functions=None):
    """Every mutant of `chapter`, with its outcome; raises if the reference itself fails."""
    runner = Chapter(chapter, course)
    for exercise in runner.hidden:
        outcome, detail = runner.run(exercise, time_limit=time_limit)
        if outcome != "survived":
            raise RuntimeError(f"{chapter}: the reference fails the hidden tests of {exercise}: {detail}")
    mutants = [m for m in chapter_mutants(chapter, course) if functions is None or m.function in functions]
    for mutant in mutants:
        mutant.outcome, mutant.detail = runner.run(mutant.function, mutant.source, time_limit)
    return mutants


# ---- equivalents, scores, report -------------------------------------------------------


def read_equivalents(course=COURSE):
    """{(chapter, function, mutant id): reason}."""
    path = equivalents_path(course)
    if not path.is_file():
        return {}
    entries = tomllib.loads(path.read_text()).get("equivalent", [])
    return {(e["chapter"], e["function"], e["mutant"]): e["reason"] for e in entries}


@dataclass
class Score:
    chapter: str
    mutants: int
    killed: int
    equivalent: int
    survivors: list

    @property
    def score(self):
        alive = self.mutants - self.equivalent
        return 1.0 if alive == 0 else self.killed / alive


def score(chapter, mutants, equivalents):
    """The Score of a chapter; marks each equivalent mutant."""
    killed = equivalent = 0
    survivors = []
    for m in mutants:
        if m.outcome == "inert":
            m.equivalent = "inert: the change met only values it leaves as they are (immutable, or already float/int)"
            equivalent += 1
        elif m.outcome != "survived":
            killed += 1
        elif (m.chapter, m.function, m.id) in equivalents:
            m.equivalent = equivalents[(m.chapter, m.function, m.id)]
            equivalent += 1
        else:
            survivors.append(m)
    return Score(chapter, len(mutants), killed, equivalent, survivors)


def stale_entries(equivalents, mutants, chapters_run, functions=None):
    """Entries of the equivalents file (of the chapters run) that match no surviving mutant."""
    alive = {(m.chapter, m.function, m.id) for m in mutants if m.outcome == "survived"}
    return sorted(key for key in equivalents if key[0] in chapters_run and key not in alive
                  and (functions is None or key[1] in functions))


def table(scores):
    """The per-chapter table, as text."""
    rows = [f"{'chapter':<28}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'surv.':>7}{'score':>8}"]
    for s in scores:
        rows.append(f"{s.chapter:<28}{s.mutants:>8}{s.killed:>8}{s.equivalent:>8}{len(s.survivors):>7}"
                    f"{100 * s.score:>7.1f}%")
    return "\n".join(rows)


def survivors_text(scores):
    """Every surviving, non-equivalent mutant: chapter, function, id and the changed source."""
    blocks = []
    for s in scores:
        for m in s.survivors:
            blocks.append(f"[{m.chapter}] {m.function} :: {m.id}\n"
                          + "\n".join("    " + line for line in m.source.splitlines()))
    return "\n\n".join(blocks) + ("\n" if blocks else "no survivors\n")


def _run_one(args):
    chapter, course, time_limit, functions = args
    started = time.perf_counter()
    mutants = run_chapter(chapter, course, time_limit, functions)
    return chapter, mutants, time.perf_counter() - started


def run(names=None, course=COURSE, jobs=1, time_limit=TIME_LIMIT, functions=None):
    """[(chapter, mutants, seconds)] of the chapters `names` (default: all)."""
    names = list(names or chapters(course))
    work = [(name, course, time_limit, functions) for name in names]
    if jobs <= 1:
        return [_run_one(w) for w in work]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_run_one, work))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="nnpractice-mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapters to mutate (default: all)")
    parser.add_argument("--bar", type=float, default=BAR, help="lowest score a chapter may have (default 0.98)")
    parser.add_argument("--survivors", type=Path, default=None,
                        help=f"where to write the surviving mutants (default <course>/{SURVIVORS})")
    parser.add_argument("--jobs", type=int, default=1, help="chapters mutated at the same time")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="seconds per mutant")
    parser.add_argument("--function", action="append", help="only mutants of this exercise (repeatable)")
    parser.add_argument("--list", action="store_true", help="print every mutant's outcome")
    args = parser.parse_args(argv)
    names = args.chapters or chapters()
    unknown = set(names) - set(chapters())
    if unknown:
        parser.error(f"no such chapter: {', '.join(sorted(unknown))}")
    equivalents = read_equivalents()
    started = time.perf_counter()
    results = run(names, jobs=args.jobs, time_limit=args.time_limit, functions=args.function)
    scores, everything = [], []
    for chapter, mutants, _ in results:
        scores.append(score(chapter, mutants, equivalents))
        everything += mutants
    if args.list:
        for m in everything:
            state = "equivalent" if m.equivalent else m.outcome
            print(f"{state:<10} [{m.chapter}] {m.function} :: {m.id}  {m.detail}")
    print(table(scores))
    print(f"{len(everything)} mutants in {time.perf_counter() - started:.1f} s")
    target = args.survivors or COURSE / SURVIVORS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(survivors_text(scores))
    print(f"survivors: {sum(len(s.survivors) for s in scores)} written to {target}")
    stale = stale_entries(equivalents, everything, set(names), args.function)
    for chapter, function, mutant in stale:
        print(f"stale equivalent (no such surviving mutant): [{chapter}] {function} :: {mutant}")
    below = [s.chapter for s in scores if s.score < args.bar]
    if below:
        print(f"below the bar of {100 * args.bar:.0f}%: {', '.join(below)}")
    return 1 if below or stale else 0


if __name__ == "__main__":
    sys.exit(main())
