"""Run the trials of a hyperparameter search: in this process, on all cores, or on a cluster.

A *trial* is one training run of one configuration (a dict of hyperparameters).
`run_trials` hands trials to any `concurrent.futures.Executor` and, as each one
finishes, writes a *checkpoint* file into a folder, under a name made by a
function you pass in (the search chapter asks you to write it). Before it
starts, it reads the folder and skips every configuration already there, so a
search that was interrupted resumes where it stopped, and so does a search
whose workers crashed.

Where the trials run is the caller's choice, the search code stays the same:

- `executor=None`: one after another in this process;
- `local_executor()`: a pool of processes, one per core of this machine;
- Dask: `client.get_executor()` of a `dask.distributed.Client`, connected to a
  `LocalCluster` or to a cluster of many machines (`pip install dask[distributed]`).

Workers only need `train_trial` (or your own trial function) to be importable:
functions defined in a notebook cannot be sent to a fresh process on every
platform. This module chooses nothing for you: it trains with plain SGD and
the configurations it is given.
"""

import concurrent.futures
import multiprocessing
import os
import pickle
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

CHECKPOINT_SUFFIX = ".pkl"


def train_trial(config, num_epochs=1, seed=0, data=None):
    """Train a two-layer net on one configuration; the default trial of a search.

    Inputs:
    - config: dict with learning_rate (required) and optionally reg (0.0),
      hidden_dim (50), lr_decay (1.0), batch_size (100) and weight_scale
      ("he"). Plain SGD.
    - num_epochs: int, length of the run (short runs for a coarse search).
    - seed: seed of the initial weights and of the minibatch order.
    - data: (X_train, y_train, X_val, y_val); None loads the bundled digits
      in the process that runs the trial.

    Returns a dict: config, val_acc (best validation accuracy of the run),
    final_val_acc, train_acc (last), history (loss / train_acc / val_acc
    lists), params (the parameters at the best epoch), num_epochs, seed,
    seconds, diverged.
    """
    # Imported here so that a worker process only pays for what it uses.
    from nnpractice.data import load_digits
    from nnpractice.model import TwoLayerNet
    from nnpractice.optim import sgd
    from nnpractice.trainer import Trainer

    start = time.perf_counter()
    if data is None:
        data = load_digits()
    X_train, num_classes = data[0], int(max(data[1].max(), data[3].max())) + 1
    model = TwoLayerNet(X_train.shape[1], int(config.get("hidden_dim", 50)), num_classes,
                        weight_scale=config.get("weight_scale", "he"), reg=float(config.get("reg", 0.0)), seed=seed)
    trainer = Trainer(model, data, update_rule=sgd, optim_config={"learning_rate": float(config["learning_rate"])},
                      lr_decay=float(config.get("lr_decay", 1.0)), batch_size=int(config.get("batch_size", 100)),
                      num_epochs=num_epochs, num_train_samples=None, seed=seed)
    with _quiet_numpy():
        trainer.train()
    return {
        "config": dict(config),
        "val_acc": float(max(trainer.val_acc_history)),
        "final_val_acc": float(trainer.val_acc_history[-1]),
        "train_acc": float(trainer.train_acc_history[-1]),
        "history": {name: list(values) for name, values in trainer.history.items()},
        "params": trainer.best_params or {name: w.copy() for name, w in model.params.items()},
        "num_epochs": num_epochs,
        "seed": seed,
        "seconds": time.perf_counter() - start,
        "diverged": trainer.diverged,
    }


def _quiet_numpy():
    """A diverging learning rate overflows: that is a result of the trial, not a warning."""
    import numpy as np
    return np.errstate(all="ignore")


def save_checkpoint(path, result):
    """Write one trial's result atomically (a crash never leaves half a file).

    Inputs:
    - path: str or Path of the checkpoint, ending in .pkl.
    - result: dict returned by a trial (config, val_acc, ...).
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        pickle.dump(result, handle)
    os.replace(partial, path)


def load_checkpoint(path):
    """The result dict saved by save_checkpoint (only load files you wrote: it is a pickle)."""
    with open(path, "rb") as handle:
        return pickle.load(handle)


def config_key(config):
    """A hashable identity of a configuration: its items sorted by name, each value made canonical.

    Values may be anything JSON can hold: numbers (1, 1.0 and np.float64(1.0)
    are the same value), strings such as weight_scale="he", booleans, None,
    and lists or dicts of these. Anything else raises TypeError.
    """
    return tuple(sorted((name, _canonical(value)) for name, value in config.items()))


def _canonical(value):
    """A hashable form of one configuration value (see config_key)."""
    if isinstance(value, np.generic):  # numpy scalars: the equal Python value
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), _canonical(item)) for key, item in value.items()))
    raise TypeError(f"configuration value {value!r} ({type(value).__name__}): use numbers, strings, booleans, "
                    "None, or lists and dicts of these")


def completed_configs(folder):
    """Keys (see config_key) of the configurations with a checkpoint in folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return set()
    return {config_key(load_checkpoint(path)["config"]) for path in sorted(folder.glob("*" + CHECKPOINT_SUFFIX))}


def usable_cores():
    """How many CPU cores this process may run on (fewer than the machine's when it is pinned to some, as
    in a container or a grading job)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def local_executor(max_workers=None, threads_per_worker=1):
    """A process pool on this machine, one worker per core this process may use by default (usable_cores).

    Workers are started with "spawn" (a fresh interpreter), which behaves the
    same on Linux, macOS and Windows and is safe inside Jupyter kernels. Each
    worker limits its BLAS to threads_per_worker threads: two processes that
    each start one BLAS thread per core would fight over the cores (and the
    course's matrices are too small to gain from threads anyway).
    Use it as a context manager, or call shutdown() when done.
    """
    return concurrent.futures.ProcessPoolExecutor(max_workers or usable_cores(),
                                                  mp_context=multiprocessing.get_context("spawn"),
                                                  initializer=limit_threads, initargs=(threads_per_worker,))


def limit_threads(num_threads=1):
    """Limit BLAS/OpenMP threads of this process, whether numpy is loaded yet or not."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(num_threads)
    from threadpoolctl import threadpool_limits
    threadpool_limits(num_threads)


def run_trials(configs, folder, name, trial=train_trial, executor=None, limit=None, progress=True,
               **trial_kwargs):
    """Run every configuration that has no checkpoint in folder yet.

    Inputs:
    - configs: list of dicts, the configurations of the search.
    - folder: str or Path; created if missing. One checkpoint per trial.
    - name: function name(val_acc, config) -> file name ending in .pkl.
    - trial: importable function trial(config, **trial_kwargs) -> dict with
      at least config and val_acc (default: train_trial).
    - executor: None (run here, one by one) or any concurrent.futures
      Executor (local_executor(), a Dask client's get_executor(), ...).
      It is not shut down: the caller owns it.
    - limit: run at most this many new trials (None: all), e.g. to spread a
      search over several sessions.
    - progress: show a progress bar (tqdm; a widget in Jupyter).
    - trial_kwargs: passed to every trial (num_epochs, seed, data, ...).

    Returns a dict: ran (trials run now), skipped (found in the folder),
    remaining (not run), seconds, interrupted. An interrupt (Ctrl-C, or
    "interrupt kernel") cancels the queued trials and keeps every finished one.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    done = completed_configs(folder)
    pending, seen = [], set(done)
    for config in configs:
        key = config_key(config)
        if key not in seen:
            pending.append(config)
            seen.add(key)
    skipped = len({config_key(c) for c in configs} & done)
    todo = pending if limit is None else pending[:limit]
    start = time.perf_counter()
    ran, interrupted = 0, False
    bar = tqdm(total=len(todo), desc="trials", disable=not progress or not todo, leave=True)
    futures = []
    try:
        if executor is None:
            for config in todo:
                _save(folder, name, trial(config, **trial_kwargs))
                ran += 1
                bar.update()
        else:
            futures = [executor.submit(trial, config, **trial_kwargs) for config in todo]
            for future in concurrent.futures.as_completed(futures):
                _save(folder, name, future.result())
                ran += 1
                bar.update()
    except KeyboardInterrupt:
        interrupted = True
        for future in futures:
            future.cancel()
        print(f"interrupted: {ran} new trials saved in {folder}; run again to resume")
    finally:
        bar.close()
    return {"ran": ran, "skipped": skipped, "remaining": len(pending) - ran,
            "seconds": time.perf_counter() - start, "interrupted": interrupted}


def _save(folder, name, result):
    file_name = name(result["val_acc"], result["config"])
    if not file_name.endswith(CHECKPOINT_SUFFIX):
        raise ValueError(f"checkpoint names must end in {CHECKPOINT_SUFFIX}, got {file_name!r}")
    save_checkpoint(folder / file_name, result)
