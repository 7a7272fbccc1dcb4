"""How much does nnpractice.monitor.Monitor slow training down?

Chapter 03's network (64 -> 100 -> 100 -> 10, ReLU, He init, plain SGD,
minibatches of 50 bundled digits). The measurement functions are the
reference solutions of chapter 03 (autograder/references/03_babysitting.py),
i.e. what a correct student answer costs.

1. Per update: the time of one Trainer.step against the time of one
   monitor recording, divided by `every`. Each is the fastest of many short
   timings (timeit), which other processes on the machine disturb least.
2. End to end: 10 epochs of Trainer.train() (300 updates plus the per-epoch
   accuracies) with and without a monitor, interleaved, fastest of
   `--repeats` runs.

    python -m benchmarks.monitor_overhead [--repeats 7]

Target: less than 10% overhead with the default every=10.
"""

import argparse
import time
import timeit

from nnpractice.data import load_digits
from nnpractice_instructor.references import load_reference
from nnpractice.model import FullyConnectedNet
from nnpractice.monitor import Monitor
from nnpractice.trainer import Trainer


def make_trainer(data, monitor=None):
    model = FullyConnectedNet([100, 100], input_dim=64, weight_scale="he", seed=0)
    return Trainer(model, data, optim_config={"learning_rate": 0.1}, batch_size=50, num_epochs=10,
                   callbacks=[monitor] if monitor else [], seed=0)


def best_of(function, number=200, repeat=7):
    """Fastest time of one call, in seconds."""
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number


def end_to_end(data, monitor):
    """Seconds to train once with `monitor` (or None) as callback."""
    trainer = make_trainer(data, monitor)
    start = time.perf_counter()
    trainer.train()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="end-to-end runs per variant; the fastest counts")
    args = parser.parse_args(argv)
    reference = load_reference("03_babysitting")
    ratios, statistics = reference.layer_update_ratios, reference.layer_statistics
    variants = {
        "ratios + statistics, every=10 (default)": lambda: Monitor(update_ratios=ratios, statistics=statistics),
        "ratios only, every=1": lambda: Monitor(update_ratios=ratios, every=1),
        "ratios + statistics, every=1": lambda: Monitor(update_ratios=ratios, statistics=statistics, every=1),
    }
    data = load_digits()

    trainer = make_trainer(data)
    X_batch, y_batch = data[0][:50], data[1][:50]
    step = best_of(lambda: trainer.step(X_batch, y_batch))
    print(f"per update: one Trainer.step takes {step * 1e6:.0f} us")
    for name, make in variants.items():
        monitor = make()
        monitor.every = 1  # time one recording; the variant's own `every` divides it below
        recording = best_of(lambda: monitor(trainer))
        every = make().every
        print(f"  {name:40s} recording {recording * 1e6:5.0f} us every {every:2d} updates: "
              f"overhead {100 * recording / every / step:5.1f}%")

    times = {"no monitor": []} | {name: [] for name in variants}
    makers = {"no monitor": lambda: None} | variants
    end_to_end(data, None)  # warm up
    for _ in range(args.repeats):
        for name, make in makers.items():
            times[name].append(end_to_end(data, make()))
    base = min(times["no monitor"])
    print(f"end to end: 10 epochs, 300 updates, fastest of {args.repeats} runs")
    for name, seconds in times.items():
        print(f"  {name:40s} {min(seconds) * 1e3:7.1f} ms  overhead {100 * (min(seconds) / base - 1):+5.1f}%")


if __name__ == "__main__":
    main()
