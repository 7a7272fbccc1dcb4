"""Hidden checks decided in the grader's process, never in the student's kernel.

The hidden block of a test cell (between ### BEGIN HIDDEN TESTS and ### END
HIDDEN TESTS) is a *check*: Python that calls the chapter's functions on
inputs it makes, and hands every result worth judging to

    observe(value, "rel_error: the misconception a wrong value reveals", rtol=1e-9, atol=0)

The check runs twice, as the same code on the same inputs:

- in the student's kernel (the *probe*, probe.py), on the student's names:
  `observe` only records the value as plain data, and the records leave the
  kernel as one display output stamped with a per-run nonce;
- in the grader's process, on the reference solutions' names (the chapter's
  setup cell, then its reference module): `observe` records the expected
  value, with the message and tolerance of the check.

`Judge`, an nbgrader preprocessor that runs after execution and before
SaveAutoGrades, compares the two lists one by one: numbers and arrays by
shape, kind (bool or number) and value within the tolerance (exact by
default), strings, lists and dicts item by item (dicts by key, in any
order). At the first difference, or if the records are missing, malformed,
not plain data, stamped with another nonce or sent more than once, the test
cell gets an AssertionError with that observation's message, so it earns no
points. `Probe`, which runs before execution, puts the probe in place of
every hidden block; `Judge` puts the hidden block back.

Reference code never enters the kernel. A kernel can forge its records, but
only with values it computed itself: to match the reference's, it has to
compute what a correct solution computes.

Rules for writing a check: it is self-contained (it may use the setup
cell's imports and the chapter's functions, never the test cell's visible
part or other cells), draws its inputs from its own seeded generator, and
takes the same path through its code whatever the student's functions
return (no `if` on a student's result: observe it).
"""

import base64
import binascii
import copy
import hashlib
import inspect
import io
import json
import os
import secrets
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from nnpractice_instructor import probe
from nnpractice_instructor.course import read, setup_cell
from nnpractice_instructor.layout import COURSE, HIDDEN_MARKERS, error_message, grade_id, is_test_cell, references_dir
from nnpractice_instructor.probe import OBSERVATIONS_MIME

PROBE_SOURCE = inspect.getsource(probe)
MAX_OBSERVATION_BYTES = 64 * 2**20  # decoded .npy bytes of one observation
CACHE_FOLDER = ".expected"  # beside the reference modules: the reference runs' observations


class CheckError(AssertionError):
    """A hidden check failed: the message names the likely mistake."""


@dataclass
class Expected:
    """One observation of the reference run: the value (a probe.plain record), and how to judge a student's."""

    record: dict
    message: str
    rtol: float = 0.0
    atol: float = 0.0

    @property
    def value(self):
        return decode(self.record)


class ExpectationRecorder:
    """The grader's `observe`: keeps the reference's values with their messages and tolerances."""

    def __init__(self):
        self.expected = []

    def __call__(self, value, message, rtol=0.0, atol=0.0):
        record = probe.plain(value)
        decode(record)  # the reference's own observations must be plain data too
        self.expected.append(Expected(record, str(message), float(rtol), float(atol)))


# ---- the check's source ------------------------------------------------------------


def hidden_parts(source):
    """(before, check, after): a test cell's source around and inside its hidden block (check None without one)."""
    if HIDDEN_MARKERS[0] not in source:
        return source, None, ""
    before, rest = source.split(HIDDEN_MARKERS[0], 1)
    check, after = rest.split(HIDDEN_MARKERS[1], 1)
    return before, check, after


def split_hidden(source):
    """(visible part, check) of a test cell's source; check is None without a hidden block."""
    before, check, after = hidden_parts(source)
    return before + after.lstrip("\n"), check


def probe_source(visible, check, nonce):
    """A test cell's source with its hidden block replaced by the probe."""
    call = (f"_nnpractice_probe = {{}}\nexec({PROBE_SOURCE!r}, _nnpractice_probe)\n"
            f"_nnpractice_probe['probe'](globals(), {check!r}, {nonce!r})\ndel _nnpractice_probe\n")
    return visible.rstrip("\n") + "\n" + call


def run_here(nb):
    """A copy of a solution notebook that runs as it is, outside grading (tests, site, benchmarks).

    Its hidden checks run in the notebook's own kernel with an `observe` that
    records nothing: there the chapter's functions ARE the reference, so there
    is nothing to compare (tests/test_exercises.py judges the reference against
    its checks), but every check still runs to its end or raises. To judge a
    notebook for real, grade it (`nnpractice-check NOTEBOOK`).
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        before, check, after = hidden_parts(cell.source)
        if is_test_cell(cell) and check is not None:
            cell.source = (f"{before}{HIDDEN_MARKERS[0]}\nexec({check!r}, {{**globals(), 'observe': "
                           f"lambda value, *message, **tolerance: None}})\n{HIDDEN_MARKERS[1]}{after}")
    return nb


# ---- the reference run ---------------------------------------------------------------


def reference_namespace(chapter, course=COURSE, references=None):
    """A fresh namespace where the chapter's setup cell and reference module ran, as in a notebook."""
    namespace = {"__name__": "__reference__"}
    exec(compile(setup_cell(read("solutions", chapter, course)).source, "<setup>", "exec"), namespace)
    module = Path(references or references_dir(course)) / f"{chapter}.py"
    exec(compile(module.read_text(), str(module), "exec"), namespace)
    return namespace


def expectations(check, namespace):
    """The reference's observations of `check`, run in a copy of `namespace` (list of Expected)."""
    recorder = ExpectationRecorder()
    probe.run_check(namespace, check, recorder)
    return recorder.expected


@lru_cache(maxsize=64)
def cached_expectations(chapter, check, course, references):
    """expectations() of one chapter's check, computed once per course state.

    Kept in this process and in a JSON file beside the references (the
    folder the kernel never sees), named by a hash of everything the result
    depends on: the setup cell, the reference module, the check, numpy's
    version. The first submission graded pays for the reference run; every
    other grading process reads the file.
    """
    setup = setup_cell(read("solutions", chapter, Path(course))).source
    module = (Path(references) / f"{chapter}.py").read_text()
    key = hashlib.sha256("\0".join([setup, module, check, np.__version__]).encode()).hexdigest()[:24]
    path = Path(references) / CACHE_FOLDER / f"{chapter}-{key}.json"
    try:
        return [Expected(**entry) for entry in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError):
        pass
    expected = expectations(check, reference_namespace(chapter, Path(course), references))
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps([asdict(e) for e in expected]))
        temporary.replace(path)  # atomic: a process grading at the same time reads all or nothing
    except OSError:
        pass  # a read-only course: computed again next time
    return expected


def prepare(chapters, course=COURSE, references=None):
    """Compute (or read) the reference observations of every hidden check of `chapters`, so that grading
    their first submission does not wait for them (a grading process's warm-up, workers.py)."""
    course = str(course)
    references = str(references or references_dir(Path(course)))
    for chapter in chapters:
        for cell in read("solutions", chapter, Path(course)).cells:
            check = split_hidden(cell.source)[1] if is_test_cell(cell) else None
            if check is not None:
                cached_expectations(chapter, check, course, references)


# ---- plain data ----------------------------------------------------------------------


class NotPlainData(ValueError):
    """An observation that is not plain data."""


def decode(record):
    """The value of one record of probe.plain: None, str, ndarray, list or dict. Raises NotPlainData."""
    if not isinstance(record, dict) or len(record) != 1:
        raise NotPlainData("a malformed observation")
    (kind, data), = record.items()
    if kind == "none" and data is True:
        return None
    if kind == "str" and isinstance(data, str):
        return data
    if kind == "npy" and isinstance(data, str):
        return decode_array(data)
    if kind == "list" and isinstance(data, list):
        return [decode(item) for item in data]
    if kind == "dict" and isinstance(data, list):
        if not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in data):
            raise NotPlainData("a malformed dict observation")
        return {key: decode(item) for key, item in data}
    if kind == "unsupported":
        raise NotPlainData(f"returned {str(data)[:80]}, which is not plain data (numbers, arrays, lists, dicts)")
    raise NotPlainData("a malformed observation")


def decode_array(text):
    """A bool/int/float ndarray from base64 .npy bytes, never a pickle."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NotPlainData("a malformed array observation") from None
    if len(raw) > MAX_OBSERVATION_BYTES:
        raise NotPlainData("an array observation over the size limit")
    try:
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError):
        raise NotPlainData("a malformed array observation") from None
    if type(array) is not np.ndarray or array.dtype.kind not in "biuf" or array.dtype.fields is not None:
        raise NotPlainData("an array observation that is not bool, int or float")
    return array


# ---- comparing -----------------------------------------------------------------------


def same(got, expected, rtol, atol):
    """Whether the student's decoded value matches the reference's, within the tolerance."""
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            return False
        if (got.dtype.kind == "b") != (expected.dtype.kind == "b"):
            return False
        if expected.dtype.kind == "b":
            return bool(np.array_equal(got, expected))
        with np.errstate(all="ignore"):
            return bool(np.allclose(got.astype(float), expected.astype(float), rtol=rtol, atol=atol, equal_nan=True))
    if isinstance(expected, list):
        return (isinstance(got, list) and len(got) == len(expected)
                and all(same(g, e, rtol, atol) for g, e in zip(got, expected)))
    if isinstance(expected, dict):
        return (isinstance(got, dict) and got.keys() == expected.keys()
                and all(same(got[k], expected[k], rtol, atol) for k in expected))
    return type(got) is type(expected) and got == expected


def verdict(records, expected):
    """'' if the student's records match the expectations, else the message of the first that does not."""
    for index, wanted in enumerate(expected):
        if index >= len(records):
            return wanted.message
        try:
            got = decode(records[index])
        except NotPlainData as problem:
            return f"{wanted.message} ({problem})"
        if not same(got, decode(wanted.record), wanted.rtol, wanted.atol):
            return wanted.message
    if len(records) > len(expected):
        return "the hidden check recorded more observations than it makes: its code was changed"
    return ""


def judge_in_process(check, student_namespace, reference_namespace):
    """Run `check` on both namespaces in this process and raise CheckError on a difference.

    The tests and the mutation tool use this; grading uses Probe and Judge.
    An exception of the student's code propagates, as it would in the kernel.
    """
    expected = expectations(check, reference_namespace)
    recorder = probe.Recorder()
    probe.run_check(student_namespace, check, recorder)
    message = verdict(recorder.records, expected)
    if message:
        raise CheckError(message)


# ---- the nbgrader steps ---------------------------------------------------------------


class Probe(NbGraderPreprocessor):
    """Before execution: every hidden block becomes a probe stamped with a fresh nonce."""

    def preprocess(self, nb, resources):
        checks = {}
        for cell in nb.cells:
            if is_test_cell(cell):
                visible, check = split_hidden(cell.source)
                if check is not None:
                    nonce = secrets.token_hex(16)
                    checks[grade_id(cell)] = {"source": cell.source, "check": check, "nonce": nonce}
                    cell.source = probe_source(visible, check, nonce)
        resources["nnpractice_checks"] = checks
        return nb, resources


class Judge(NbGraderPreprocessor):
    """After execution: decide every hidden check here, from the probe's records."""

    course = Unicode(str(COURSE), help="The course whose solutions/ hold the setup cells.").tag(config=True)
    references = Unicode("", help="Folder of the reference modules (default: the course's).").tag(config=True)

    def preprocess(self, nb, resources):
        checks = resources.get("nnpractice_checks", {})
        chapter = resources.get("nbgrader", {}).get("assignment", "")
        for cell in nb.cells:
            records = take_records(cell) if cell.cell_type == "code" else []
            check = checks.get(grade_id(cell)) if is_test_cell(cell) else None
            if check is None:
                continue
            cell.source = check["source"]
            if error_message(cell):
                continue  # the cell failed on its own (a visible test, or an exception of the student's code)
            expected = cached_expectations(chapter, check["check"], self.course,
                                           self.references or str(references_dir(Path(self.course))))
            message = judge_records(records, check["nonce"], expected)
            if message:
                cell.outputs.append(new_output("error", ename="AssertionError", evalue=message,
                                               traceback=[f"AssertionError: {message}"]))
        return nb, resources


def take_records(cell):
    """Remove every observations output from the cell; return their payloads."""
    payloads, kept = [], []
    for output in cell.outputs:
        data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
        if OBSERVATIONS_MIME in data:
            payloads.append(data[OBSERVATIONS_MIME])
        else:
            kept.append(output)
    cell.outputs = kept
    return payloads


def judge_records(payloads, nonce, expected):
    """'' if exactly one finished payload with this run's nonce matches `expected`, else why not."""
    ours = [p for p in payloads if isinstance(p, dict) and p.get("nonce") == nonce]
    if len(payloads) != 1 or len(ours) != 1:
        return "the hidden check's observations are missing, forged or sent twice"
    payload = ours[0]
    records = payload.get("observations")
    if payload.get("finished") is not True or not isinstance(records, list):
        return "the hidden check did not run to its end"
    return verdict(records, expected)
