"""Static races for readers without a kernel: the update rules animated on a surface, as GIFs.

`race_animation(rules, surface, ...)` returns a matplotlib FuncAnimation of a
race (paths growing on the contour plot, loss against step beside it). The
command below writes the chapter's two animations with the instructor's
reference rules (the support package holds none), into the chapter's source
folder, from which `nbgrader generate_assignment` copies them to the release:

    nnpractice-animations [OUT_DIR]      # or: make animations

It needs autograder/references/02_optimizers.py (run `make release` first).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from nnpractice.surfaces import SURFACES
from nnpractice.trajectories import race
from nnpractice.widgets import COLORS, draw_contours
from nnpractice_instructor.layout import solutions_dir
from nnpractice_instructor.references import load_reference

RULE_NAMES = {"SGD": "sgd", "momentum": "sgd_momentum", "Nesterov": "nesterov_momentum",
              "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam"}
# (surface, learning rate, steps): the races the chapter shows.
RACES = [("saddle", 0.01, 300), ("ravine", 0.05, 300)]


def race_animation(rules, surface, learning_rate, steps=300, frames=40, config=None):
    """Animate a race of `rules` on `surface` from its default start.

    Inputs:
    - rules: dict label -> update rule.
    - surface: a nnpractice.surfaces.Surface.
    - learning_rate: step size given to every rule (with `config`'s other keys).
    - steps: number of updates; frames: number of pictures (steps are spread over them).

    Returns a matplotlib.animation.FuncAnimation (save it with a PillowWriter).
    """
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    runs = race(rules, surface, surface.start, steps, {**(config or {}), "learning_rate": learning_rate})
    figure = Figure(figsize=(9, 3.6), dpi=60, layout="constrained")
    FigureCanvasAgg(figure)
    ax_surface, ax_loss = figure.subplots(1, 2, width_ratios=[1.15, 1])
    draw_contours(ax_surface, surface, num=150)
    paths, losses = {}, {}
    for i, (label, run) in enumerate(runs.items()):
        color = COLORS[i % len(COLORS)]
        paths[label], = ax_surface.plot([], [], "-", color=color, lw=1.6, label=f"{label}")
        losses[label], = ax_loss.plot([], [], "-", color=color, lw=1.4)
    ax_surface.legend(loc="lower left", fontsize=7)
    # the loss range of the points in view: a saddle's loss is unbounded below
    finite = np.concatenate([run.losses[surface.contains(run.points)] for run in runs.values()])
    if surface.log_loss:
        ax_loss.set_yscale("log")
        finite = np.maximum(finite, 1e-12)
    low, high = finite.min(), min(finite.max(), 1e6)
    ax_loss.set_ylim(low - 0.05 * abs(low), high + 0.05 * abs(high)) if not surface.log_loss \
        else ax_loss.set_ylim(low / 2, high * 2)
    ax_loss.set_xlim(0, steps)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss")
    ax_loss.grid(alpha=0.3)
    title = ax_loss.set_title("")

    def draw(frame):
        step = int(round(steps * (frame + 1) / frames))
        for label, run in runs.items():
            shown = run.points[:step + 1]
            paths[label].set_data(shown[:, 0], shown[:, 1])
            losses[label].set_data(np.arange(len(shown)), run.losses[:step + 1])
        title.set_text(f"α = {learning_rate:g}, step {step}")
        return [*paths.values(), *losses.values(), title]

    return FuncAnimation(figure, draw, frames=frames, blit=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(solutions_dir() / "02_optimizers" / "animations"),
                        help="folder to write <surface>_race.gif into")
    args = parser.parse_args(argv)
    from matplotlib.animation import PillowWriter


    reference = load_reference("02_optimizers")
    rules = {label: getattr(reference, name) for label, name in RULE_NAMES.items()}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, learning_rate, steps in RACES:
        target = out / f"{name}_race.gif"
        race_animation(rules, SURFACES[name], learning_rate, steps).save(target, writer=PillowWriter(fps=10))
        print(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
