"""How fast does the trajectory explorer react in the kernel? Recompute and update times, per surface.

Recompute: `race` of the 6 reference rules x 500 steps (the explorer's compute
part). Update: a whole TrajectoryExplorer.update() (recompute, statuses, and
the changed paths handed to the widget; the browser draws them, which
benchmarks/explorer_browser.py times). Momentum: the update after the momentum
slider moved, which runs only the rules that read the momentum. Medians of 15
runs. Run from the repository root:

    .venv/bin/python -m benchmarks.explorer
"""

import statistics
import time

import matplotlib

matplotlib.use("Agg")

from nnpractice.surfaces import SURFACES  # noqa: E402
from nnpractice.trajectories import race  # noqa: E402
from nnpractice.widgets import TrajectoryExplorer  # noqa: E402
from nnpractice_instructor.animation import RULE_NAMES  # noqa: E402
from nnpractice_instructor.references import load_reference  # noqa: E402

REPEATS = 15
STEPS = 500


def median_ms(function):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def main():
    reference = load_reference("02_optimizers")
    rules = {label: getattr(reference, name) for label, name in RULE_NAMES.items()}
    explorer = TrajectoryExplorer(rules, steps=STEPS)
    print(f"{'surface':>12} {'recompute':>12} {'update':>8} {'momentum':>9}   "
          f"(ms, median of {REPEATS}; {len(rules)} rules x {STEPS} steps)")
    for name, surface in SURFACES.items():
        explorer.set_surface(name)
        config = explorer.config()
        compute = median_ms(lambda: race(rules, surface, surface.start, STEPS, config))
        update = median_ms(lambda: explorer.update())
        momentum = median_ms(lambda: move(explorer.sliders["momentum"]))
        print(f"{name:>12} {compute:12.1f} {update:8.1f} {momentum:9.1f}")


def move(slider):
    """Move a slider to another value (the explorer updates, as after a student's move)."""
    slider.value = 0.5 if slider.value != 0.5 else 0.6


if __name__ == "__main__":
    main()
