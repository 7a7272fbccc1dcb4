"""Does the judge decide hidden checks from plain data only, and refuse anything else?"""

import base64
import io
import pickle

import numpy as np
import pytest

from nnpractice_instructor import judge, probe
from nnpractice_instructor.judge import CheckError, Expected, NotPlainData, decode, judge_records, verdict
from nnpractice_instructor.probe import plain

CHECK = '''
rng_check = np.random.default_rng(0)
x = rng_check.standard_normal(5)
observe(double(x), "double: not twice its input", rtol=1e-12)
observe(x, "double: changed its input")
'''


def namespace(double):
    return {"np": np, "double": double}


def reference_double(x):
    return 2 * x


def test_round_trip_of_plain_data():
    """Do numbers, bools, strings, None, arrays, lists and dicts come back as they went in?"""
    value = {"loss": 0.5, "steps": [1, 2, 3], "done": True, "name": "adam", "nothing": None,
             "weights": np.arange(6, dtype=np.float32).reshape(2, 3), "mask": np.array([True, False]),
             "pair": (np.int64(3), np.float64(2.5))}
    back = decode(plain(value))
    assert back["name"] == "adam" and back["nothing"] is None
    assert back["weights"].dtype == np.float32 and np.array_equal(back["weights"], value["weights"])
    assert back["mask"].dtype == bool and back["done"].dtype == bool
    assert [int(v) for v in back["steps"]] == [1, 2, 3] and float(back["pair"][1]) == 2.5


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return True


class LyingFloat(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [np.zeros(3).view(LyingArray), LyingFloat(1.0), object(), np.array([object()]),
                                   np.array(["text"]), {1: 2.0}, lambda: 0, np.zeros(2, dtype=[("a", "f8")]),
                                   {"nested": [np.zeros(2).view(LyingArray)]}],
                         ids=["ndarray subclass", "float subclass", "object", "object array", "str array",
                              "int keys", "function", "structured array", "nested subclass"])
def test_what_is_not_plain_data_fails(value):
    """Subclasses, objects, object/str/structured arrays and non-str keys are refused, however nested."""
    with pytest.raises(NotPlainData):
        decode(plain(value))


def test_pickles_never_load():
    """An .npy payload that holds a pickle (object array) is refused, not unpickled."""
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    record = {"npy": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(NotPlainData):
        decode(record)
    raw_pickle = {"npy": base64.b64encode(pickle.dumps(np.zeros(2))).decode()}
    with pytest.raises(NotPlainData):
        decode(raw_pickle)


@pytest.mark.parametrize("record", [{"npy": "not base64!"}, {"list": "abc"}, {"dict": [[1, {"none": True}]]},
                                    {"float": 1.0}, {"none": True, "str": "x"}, ["list"], "text"])
def test_malformed_records_fail(record):
    with pytest.raises(NotPlainData):
        decode(record)


def test_comparison_rules():
    """Tolerances, bool vs number, shapes, dict keys in any order, and list lengths."""
    assert judge.same(np.array(1.0 + 1e-10), np.array(1.0), rtol=1e-9, atol=0)
    assert not judge.same(np.array(1.0 + 1e-10), np.array(1.0), rtol=0, atol=0)
    assert judge.same(np.array(3), np.array(3.0), 0, 0), "an int 3 equals a float 3.0"
    assert not judge.same(np.array([1.0, 0.0]), np.array([True, False]), 0, 0), "bools are not numbers"
    assert not judge.same(np.zeros((2, 1)), np.zeros(2), 0, 0), "shapes must match"
    assert judge.same({"a": np.array(1), "b": np.array(2)}, {"b": np.array(2), "a": np.array(1)}, 0, 0)
    assert not judge.same([np.array(1)], [np.array(1), np.array(2)], 0, 0)
    assert judge.same(np.array([np.nan]), np.array([np.nan]), 0, 0), "NaN where the reference has NaN"
    assert not judge.same("adam", np.array(1), 0, 0)


def test_in_process_judge_passes_the_reference_and_names_the_mistake():
    judge.judge_in_process(CHECK, namespace(lambda x: x + x), namespace(reference_double))
    with pytest.raises(CheckError, match="not twice its input"):
        judge.judge_in_process(CHECK, namespace(lambda x: 3 * x), namespace(reference_double))

    def in_place(x):
        x *= 2
        return x

    with pytest.raises(CheckError, match="changed its input"):
        judge.judge_in_process(CHECK, namespace(in_place), namespace(reference_double))


def test_the_kernels_tolerance_and_message_are_ignored():
    """The expected value, message and tolerance come from the grader's run only."""
    expected = judge.expectations(CHECK, namespace(reference_double))
    lax = CHECK.replace("rtol=1e-12", "rtol=1.0")
    recorder = probe.Recorder()
    probe.run_check(namespace(lambda x: 2.5 * x), lax, recorder)
    assert verdict(recorder.records, expected) == "double: not twice its input"


def records_of(double):
    recorder = probe.Recorder()
    probe.run_check(namespace(double), CHECK, recorder)
    return recorder.records


@pytest.fixture
def expected():
    return judge.expectations(CHECK, namespace(reference_double))


def payload(nonce, records, finished=True):
    return {"nonce": nonce, "finished": finished, "observations": records}


def test_one_payload_with_this_runs_nonce_decides(expected):
    honest = records_of(reference_double)
    assert judge_records([payload("n1", honest)], "n1", expected) == ""
    assert "missing" in judge_records([], "n1", expected)
    assert "forged" in judge_records([payload("old", honest)], "n1", expected), "replayed from another run"
    assert "twice" in judge_records([payload("n1", honest), payload("n1", honest)], "n1", expected)
    assert "twice" in judge_records([payload("old", honest), payload("n1", records_of(lambda x: x))], "n1",
                                    expected)
    assert "end" in judge_records([payload("n1", honest, finished=False)], "n1", expected)
    assert judge_records([payload("n1", honest[:1])], "n1", expected) == "double: changed its input", \
        "an observation the reference makes but the kernel does not is a failure"
    assert "more observations" in judge_records([payload("n1", honest + honest)], "n1", expected)


def test_probe_source_replaces_the_hidden_block():
    source = 'assert double(1) == 2\n### BEGIN HIDDEN TESTS\nobserve(double(3), "double: 3")\n### END HIDDEN TESTS\n'
    visible, check = judge.split_hidden(source)
    assert "BEGIN HIDDEN" not in visible and "assert double(1) == 2" in visible
    assert check.strip() == 'observe(double(3), "double: 3")'
    probed = judge.probe_source(visible, check, "abc123")
    assert "observe(double(3)" in probed and "abc123" in probed and "### BEGIN" not in probed
    assert "reference" not in judge.PROBE_SOURCE.replace("reference solutions", ""), \
        "the kernel-side code never touches references"


def test_probe_module_imports_nothing_of_the_instructors_package():
    """probe.py runs in a kernel that cannot see nnpractice_instructor."""
    assert "nnpractice_instructor" not in judge.PROBE_SOURCE
    namespace_of_probe = {}
    exec(judge.PROBE_SOURCE, namespace_of_probe)
    assert callable(namespace_of_probe["probe"])
