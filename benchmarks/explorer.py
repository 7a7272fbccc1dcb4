"""How fast does the trajectory explorer react? Recompute and redraw times, per surface.

Recompute: `race` of the 6 reference rules x 500 steps (the explorer's compute
part). Redraw: updating the lines with set_data and rendering the figure with
Agg (what ipympl does in the kernel before it sends the picture to the
browser), and the same plus PNG encoding (the image fallback without ipympl).
Medians of 15 runs. Run from the repository root:

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
    print(f"{'surface':>12} {'recompute':>12} {'set_data+draw':>15} {'+png':>8}   (ms, median of {REPEATS};"
          f" {len(rules)} rules x {STEPS} steps)")
    for name, surface in SURFACES.items():
        explorer.set_surface(name)
        config = explorer.config()
        compute = median_ms(lambda: race(rules, surface, surface.start, STEPS, config))
        explorer.redraw = lambda: explorer.figure.canvas.draw()
        draw = median_ms(lambda: explorer.update()) - compute
        del explorer.redraw
        full = median_ms(lambda: explorer.update()) - compute
        print(f"{name:>12} {compute:12.1f} {draw:15.1f} {full:8.1f}")


if __name__ == "__main__":
    main()
