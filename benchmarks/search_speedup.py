"""Parallel speed-up of a hyperparameter search: the same seeded trials serially and on a process pool.

Prints the wall-clock time of `nnpractice.search.run_trials` on 16 trials (two-layer nets on the
bundled digits, plain SGD) run in this process and on local_executor() with 1, 2, ... workers up to
the number of cores, and checks that every run produced the same accuracies (trials are seeded).
With --dask, also on a Dask LocalCluster with as many workers as cores.

    python -m benchmarks.search_speedup [--trials 16] [--epochs 10] [--dask]
"""

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nnpractice.search import limit_threads, local_executor, run_trials


def name(val_acc, config):
    """Checkpoint name for the benchmark (the course's exercise asks students to write one)."""
    return f"val_{val_acc:.4f}_" + "_".join(f"{k}={config[k]:.6e}" for k in sorted(config)) + ".pkl"


def accuracies(folder):
    return sorted(path.name.split("_")[1] for path in Path(folder).glob("*.pkl"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=16, help="number of trials")
    parser.add_argument("--epochs", type=int, default=10, help="epochs per trial")
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    args = parser.parse_args(argv)
    limit_threads(1)  # a fair serial baseline: the pool's workers run one BLAS thread each too
    rng = np.random.default_rng(0)
    configs = [{"learning_rate": float(10 ** rng.uniform(-1.5, 0)), "reg": float(10 ** rng.uniform(-5, -3)),
                "hidden_dim": 200.0, "batch_size": 25.0} for _ in range(args.trials)]
    cores = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="search_speedup_"))
    print(f"{args.trials} trials of {args.epochs} epochs, {cores} cores")
    start = time.perf_counter()
    run_trials(configs, root / "serial", name, progress=False, num_epochs=args.epochs)
    serial = time.perf_counter() - start
    print(f"  serial (this process): {serial:6.2f} s")
    reference = accuracies(root / "serial")
    status = 0
    for workers in range(1, cores + 1):
        with local_executor(workers) as pool:
            list(pool.map(abs, range(workers)))  # start the workers before timing
            start = time.perf_counter()
            run_trials(configs, root / f"pool{workers}", name, executor=pool, progress=False, num_epochs=args.epochs)
            seconds = time.perf_counter() - start
        same = accuracies(root / f"pool{workers}") == reference
        status |= not same
        print(f"  process pool, {workers} worker(s): {seconds:6.2f} s, speed-up {serial / seconds:4.2f}x, "
              f"same results: {same}")
    if args.dask:
        from dask.distributed import Client, LocalCluster
        with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            client.run(limit_threads, 1)
            start = time.perf_counter()
            run_trials(configs, root / "dask", name, executor=client.get_executor(), progress=False,
                       num_epochs=args.epochs)
            seconds = time.perf_counter() - start
        same = accuracies(root / "dask") == reference
        status |= not same
        print(f"  Dask LocalCluster, {cores} workers: {seconds:6.2f} s, speed-up {serial / seconds:4.2f}x, "
              f"same results: {same}")
    return status


if __name__ == "__main__":
    sys.exit(main())
