"""Does the trial runner of the search chapter run, save, skip and resume trials, on any executor?"""

import concurrent.futures
import os
from pathlib import Path

import numpy as np
import pytest

from nnpractice.data import make_spirals, train_val_split
from nnpractice.search import (completed_configs, config_key, load_checkpoint, local_executor, run_trials,
                               save_checkpoint, train_trial, usable_cores)
from nnpractice_instructor.course import answer_cells, read
from nnpractice_instructor.layout import COURSE as ROOT
from tests.helpers import solution_blocks


@pytest.fixture(scope="module")
def spirals():
    X, y = make_spirals(num_per_class=40, seed=3)
    return train_val_split(X, y, num_val=30, seed=3)


def name(val_acc, config):
    """A checkpoint name in the format the chapter asks for (written independently here)."""
    return f"val_{val_acc:.4f}" + "".join(f"__{k}={config[k]:.4e}" for k in sorted(config)) + ".pkl"


CONFIGS = [{"learning_rate": lr, "reg": reg} for lr, reg in [(0.3, 1e-4), (1.0, 1e-3), (0.01, 1e-5), (3.0, 0.0)]]


def test_train_trial_is_seeded_and_reports_its_best_epoch(spirals):
    """Does the same config and seed give the same run, with val_acc the best epoch's accuracy?"""
    first = train_trial({"learning_rate": 0.5, "hidden_dim": 20}, num_epochs=4, seed=1, data=spirals)
    second = train_trial({"learning_rate": 0.5, "hidden_dim": 20}, num_epochs=4, seed=1, data=spirals)
    assert first["val_acc"] == second["val_acc"] and first["history"] == second["history"]
    assert first["val_acc"] == max(first["history"]["val_acc"])
    assert first["params"]["W1"].shape == (2, 20)
    assert first["config"] == {"learning_rate": 0.5, "hidden_dim": 20}
    other = train_trial({"learning_rate": 0.5, "hidden_dim": 20}, num_epochs=4, seed=2, data=spirals)
    assert other["history"]["loss"] != first["history"]["loss"]


def test_train_trial_survives_a_huge_learning_rate(spirals, recwarn):
    """Does a learning rate that blows up end as a poor trial, without numpy warnings?"""
    result = train_trial({"learning_rate": 1e6, "weight_scale": 1.0}, num_epochs=3, data=spirals)
    assert 0 <= result["val_acc"] <= 1 and isinstance(result["diverged"], bool)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_run_trials_saves_one_named_checkpoint_per_config(tmp_path, spirals):
    """Is every trial saved under the name function's name, holding its config and accuracy?"""
    summary = run_trials(CONFIGS, tmp_path / "search", name, progress=False, num_epochs=2, data=spirals)
    assert summary["ran"] == len(CONFIGS) and summary["skipped"] == 0 and not summary["interrupted"]
    files = sorted((tmp_path / "search").iterdir())
    assert len(files) == len(CONFIGS) and all(f.suffix == ".pkl" for f in files)
    for path in files:
        result = load_checkpoint(path)
        assert path.name == name(result["val_acc"], result["config"])
    assert completed_configs(tmp_path / "search") == {config_key(c) for c in CONFIGS}


def test_config_key_takes_any_json_like_value():
    """Is a configuration with strings, booleans, None, lists and dicts keyed, numbers by value?"""
    config = {"learning_rate": 0.1, "weight_scale": "he", "nesterov": True, "decay": None,
              "hidden": [50, 20], "schedule": {"kind": "step", "every": 5}}
    reordered = {"schedule": {"every": 5.0, "kind": "step"}, "hidden": (50, 20), "decay": None,
                 "nesterov": True, "weight_scale": "he", "learning_rate": np.float64(0.1)}
    assert config_key(config) == config_key(reordered)
    assert hash(config_key(config)) == hash(config_key(reordered))
    assert config_key({**config, "weight_scale": "xavier"}) != config_key(config)
    assert config_key({"hidden_dim": 50}) == config_key({"hidden_dim": np.int64(50)}) == config_key({"hidden_dim": 50.0})
    with pytest.raises(TypeError, match="configuration value"):
        config_key({"rule": object()})


def named(val_acc, config):
    """A checkpoint name for configurations that hold strings (written independently here)."""
    return f"val_{val_acc:.4f}__" + "__".join(f"{k}={config[k]}" for k in sorted(config)) + ".pkl"


def test_run_trials_runs_and_resumes_string_valued_configs(tmp_path, spirals):
    """Does a search over weight_scale="he"/"xavier" run, and resume without repeating a trial?"""
    configs = [{"learning_rate": lr, "weight_scale": scale} for lr in (0.3, 1.0) for scale in ("he", "xavier")]
    first = run_trials(configs, tmp_path, named, limit=2, progress=False, num_epochs=1, data=spirals)
    assert (first["ran"], first["remaining"]) == (2, 2)
    second = run_trials(configs, tmp_path, named, progress=False, num_epochs=1, data=spirals)
    assert (second["ran"], second["skipped"], second["remaining"]) == (2, 2, 0)
    assert completed_configs(tmp_path) == {config_key(c) for c in configs}
    assert {load_checkpoint(p)["config"]["weight_scale"] for p in tmp_path.glob("*.pkl")} == {"he", "xavier"}


def test_run_trials_resumes_where_it_stopped(tmp_path, spirals):
    """After a session cut short (limit), does the next one run only the missing trials?"""
    first = run_trials(CONFIGS, tmp_path, name, limit=1, progress=False, num_epochs=1, data=spirals)
    assert (first["ran"], first["remaining"]) == (1, 3)
    second = run_trials(CONFIGS, tmp_path, name, progress=False, num_epochs=1, data=spirals)
    assert (second["ran"], second["skipped"], second["remaining"]) == (3, 1, 0)
    third = run_trials(CONFIGS + CONFIGS[:1], tmp_path, name, progress=False, num_epochs=1, data=spirals)
    assert (third["ran"], third["skipped"]) == (0, 4)
    assert len(list(tmp_path.glob("*.pkl"))) == 4


def interrupted_on_third(config, calls=[]):  # noqa: B006 (counts calls across one test)
    calls.append(config)
    if len(calls) == 3:
        raise KeyboardInterrupt
    return {"config": config, "val_acc": 0.5 + 0.1 * len(calls)}


def test_interrupt_keeps_the_finished_trials(tmp_path, capsys):
    """Does Ctrl-C during a search keep what finished and say how to resume?"""
    summary = run_trials(CONFIGS, tmp_path, name, trial=interrupted_on_third, progress=False)
    assert summary["interrupted"] and summary["ran"] == 2 and summary["remaining"] == 2
    assert len(list(tmp_path.glob("*.pkl"))) == 2
    assert "run again to resume" in capsys.readouterr().out


def test_checkpoints_are_written_atomically(tmp_path):
    """Is no half-written .partial file left behind, and does a checkpoint load back unchanged?"""
    result = {"config": {"learning_rate": 0.1}, "val_acc": 0.75, "params": {"W1": np.arange(6.0).reshape(2, 3)}}
    save_checkpoint(tmp_path / "a.pkl", result)
    assert [p.name for p in tmp_path.iterdir()] == ["a.pkl"]
    loaded = load_checkpoint(tmp_path / "a.pkl")
    assert loaded["val_acc"] == 0.75 and np.array_equal(loaded["params"]["W1"], result["params"]["W1"])


def test_names_without_the_checkpoint_suffix_are_refused(tmp_path, spirals):
    """Would a name function that forgets .pkl make checkpoints the master cannot find? It is refused."""
    with pytest.raises(ValueError, match=".pkl"):
        run_trials(CONFIGS[:1], tmp_path, lambda acc, config: f"{acc}", progress=False, num_epochs=1, data=spirals)


def test_any_executor_gives_the_same_results(tmp_path, spirals):
    """Does a thread pool (any concurrent.futures.Executor) give the same checkpoints as a serial run?"""
    run_trials(CONFIGS, tmp_path / "serial", name, progress=False, num_epochs=2, data=spirals)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        run_trials(CONFIGS, tmp_path / "threads", name, executor=pool, progress=False, num_epochs=2, data=spirals)
    assert sorted(p.name for p in (tmp_path / "serial").iterdir()) == \
        sorted(p.name for p in (tmp_path / "threads").iterdir())


def test_the_pool_has_one_worker_per_core_this_process_may_use():
    """Pinned to one core (a container's cpuset, a grading job), does the pool start one worker, not one per
    core of the machine?"""
    everything = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(everything)})
    try:
        assert usable_cores() == 1
        with local_executor() as pool:
            assert pool._max_workers == 1
    finally:
        os.sched_setaffinity(0, everything)
    with local_executor() as pool:
        assert pool._max_workers == usable_cores() == len(everything)


@pytest.mark.slow
def test_process_pool_gives_the_same_results(tmp_path, spirals):
    """Do worker processes (spawned, one BLAS thread each) reproduce the serial search exactly?"""
    run_trials(CONFIGS, tmp_path / "serial", name, progress=False, num_epochs=2, data=spirals)
    with local_executor(2) as pool:
        run_trials(CONFIGS, tmp_path / "pool", name, executor=pool, progress=False, num_epochs=2, data=spirals)
    assert sorted(p.name for p in (tmp_path / "serial").iterdir()) == \
        sorted(p.name for p in (tmp_path / "pool").iterdir())


@pytest.mark.slow
def test_dask_executor_gives_the_same_results(tmp_path, spirals):
    """Does the same search run unchanged on a Dask cluster's executor?"""
    distributed = pytest.importorskip("dask.distributed")
    run_trials(CONFIGS, tmp_path / "serial", name, progress=False, num_epochs=2, data=spirals)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        run_trials(CONFIGS, tmp_path / "dask", name, executor=client.get_executor(), progress=False, num_epochs=2,
                   data=spirals)
    assert sorted(p.name for p in (tmp_path / "serial").iterdir()) == \
        sorted(p.name for p in (tmp_path / "dask").iterdir())


@pytest.mark.parametrize("assignment", ["05_lr_schedules", "06_hyperparameter_search", "07_ensembles",
                                        "09_modern_practice"])
def test_support_package_holds_no_answer(assignment):
    """Does any module of nnpractice contain a line of these chapters' reference solutions?"""
    if not (ROOT / "solutions" / assignment).is_dir():
        pytest.skip(f"{assignment} not in this tree")
    answers = {line.strip() for cell in answer_cells(read("solutions", assignment)).values()
               for block in solution_blocks(cell.source) for line in block if len(line.strip()) > 20}
    answers.discard("# nnpractice:reference")
    for module in sorted((ROOT / "nnpractice").glob("*.py")):
        text = module.read_text()
        leaked = [line for line in answers if line in text]
        assert not leaked, f"{Path(module).name} contains reference code of {assignment}: {leaked[:2]}"
