"""The trajectory explorer: watch your update rules race on a 2-D surface (view only).

The computing is done by `nnpractice.trajectories.race` (pure) in the kernel,
with the notebook's own functions; the drawing is done by the browser.
`TrajectoryExplorer` shows ipywidgets controls and an `ExplorerView`, an
anywidget whose script (explorer.js, next to this file, no build step and
nothing fetched) draws on a canvas with the Canvas 2D API:

- the contour lines of a surface are computed here once per surface and sent
  once (the `surface` trait); the browser draws them once into a background
  picture and reuses it;
- after every change only the rules that the change concerns are run again
  (the momentum slider does not change SGD's path: `config_reads` finds which
  config keys each function reads), and only the runs that changed go to
  the browser, as binary arrays;
- the browser asks for a recompute with the settings it shows, a few requests
  in flight at most (explorer.js, `requests`): while a slider is dragged the
  settings passed while they are all in flight are never asked for, and the
  next request carries the latest settings, so the figure never replays a
  backlog.

Without a browser (tests, scripts) a change of a control recomputes at once,
and `view.runs` holds what would be drawn. The explorer exposes `sliders`,
`checkboxes`, `status`, `runs`, `view` and `update()`, so tests drive it headless.

The rules are looked up by name in a namespace (the notebook's `globals()`)
at every update, so redefining `adam` in the notebook changes what you see.
A rule that still raises NotImplementedError is listed as "not implemented
yet"; a run that produces NaN or inf is listed as diverged; one that leaves
the view box is listed as such.

`draw_contours` and `COLORS` serve matplotlib figures of the same surfaces
(the chapter's static figures and nnpractice.animation).
"""

import functools
import time
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from nnpractice.config_reads import keys_read
from nnpractice.surfaces import SURFACES
from nnpractice.trajectories import NOT_IMPLEMENTED, race

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
HYPERPARAMETERS = ("learning_rate", "momentum", "decay_rate", "beta1", "beta2")


def draw_contours(ax, surface, num=200):
    """Contours of a surface over its view box, with its minimum starred; returns the artists."""
    X, Y, Z = surface.grid(num)
    contours = ax.contour(X, Y, Z, levels=contour_levels(surface, Z), cmap="viridis", linewidths=0.8, alpha=0.7)
    artists = [contours]
    if surface.minimum is not None:
        artists += ax.plot(*surface.minimum, "k*", ms=12, zorder=5)
    x_min, x_max, y_min, y_max = surface.box
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_title(surface.title, fontsize=10)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return artists


def contour_levels(surface, Z):
    """The surface's contour levels, or matplotlib's choice for Z when it has none."""
    if surface.levels is not None:
        return np.asarray(surface.levels, dtype=float)
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(8).tick_values(Z.min(), Z.max())


@functools.lru_cache(maxsize=None)
def surface_picture(surface, num=200):
    """What the browser needs to draw a surface: its box and title, and its contour lines.

    Returns a dict (the ExplorerView's `surface` trait): name, title, box
    (x_min, x_max, y_min, y_max), minimum ((x, y) or None), log_loss, and
    contours: levels (list of {"value", "color", "lines"}, lines = how many
    polylines of that level follow in order), lengths (int32 bytes, points
    per polyline) and xy (float32 bytes, the points x0, y0, x1, y1, ...).
    Lines as matplotlib draws them: same levels, viridis over the levels.
    Computed once per surface (cached: treat the dict as read-only).
    """
    import contourpy
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    X, Y, Z = surface.grid(num)
    levels = contour_levels(surface, Z)
    spread = levels.max() - levels.min()
    colors = colormaps["viridis"]((levels - levels.min()) / (spread if spread > 0 else 1.0))
    generator = contourpy.contour_generator(X, Y, Z)
    described, lengths, points = [], [], []
    for value, color in zip(levels, colors):
        lines = [line for line in generator.lines(value) if len(line) > 1]
        described.append({"value": float(value), "color": to_hex(color), "lines": len(lines)})
        lengths += [len(line) for line in lines]
        points += lines
    xy = np.concatenate(points).astype(np.float32) if points else np.zeros((0, 2), np.float32)
    return {"name": surface.name, "title": surface.title, "box": [float(v) for v in surface.box],
            "minimum": None if surface.minimum is None else [float(v) for v in surface.minimum],
            "log_loss": bool(surface.log_loss),
            "contours": {"levels": described, "lengths": np.asarray(lengths, np.int32).tobytes(),
                         "xy": xy.tobytes()}}


def describe(run, surface):
    """One line about a run: how far it got and how it ended."""
    if run.status == NOT_IMPLEMENTED:
        return NOT_IMPLEMENTED
    if run.status.startswith("error"):
        return run.status
    inside = surface.contains(run.points)
    if not inside.all():
        left = int(np.argmin(inside))
        text = f"left the plot at step {left}"
        return text + ", then diverged (NaN/inf)" if run.status == "diverged" else text
    if run.status == "diverged":
        return f"diverged (NaN/inf) after step {run.steps_done}"
    return f"loss {run.losses[-1]:.3g} after {run.steps_done} steps"


class ExplorerView(anywidget.AnyWidget):
    """The explorer's figure, drawn in the browser: contours, one path per rule, loss against step.

    Traits sent to the browser:
    - surface: dict from surface_picture(), sent once per surface.
    - rules: list of {"label", "color"}, one per rule, in the legend's order.
    - controls: the ipywidgets whose values are the settings (the browser
      reads them to ask for recomputes, and moves the start on a click).
    Kept here, sent as messages ("frame") with only the runs that changed:
    - runs: dict label -> {"points": array (n, 2), "losses": array (n,),
      "status": text, "end": "o" (end of the run), "x" (diverged next)
      or "" (nothing drawn)}.
    - start: (x, y); loss_axis: {"xlim", "ylim", "log"}; settings: what the
      frame was computed with; generation: raised whenever the rules'
      functions change (the browser then forgets the frames it kept).

    The browser sends {"type": "hello"} when it opens a view (answered with
    every run), {"type": "request", "id", "settings"} to ask for a
    recompute (`on_request` is called with those), and {"type": "prefetch",
    "items": [{"key", "settings"}]} to ask, while it waits, for frames it may
    show next (`on_prefetch`; each answered by a "prefetched" message with
    the runs that differ from the current frame's, which stays current).
    """

    _esm = Path(__file__).with_name("explorer.js")
    surface = traitlets.Dict().tag(sync=True)
    rules = traitlets.List().tag(sync=True)
    controls = traitlets.Dict().tag(sync=True, **widgets.widget_serialization)
    runs = traitlets.Dict()
    start = traitlets.Tuple()
    loss_axis = traitlets.Dict()
    settings = traitlets.Dict()

    def __init__(self, on_request=None, on_prefetch=None, **kwargs):
        super().__init__(**kwargs)
        self.on_request, self.on_prefetch = on_request, on_prefetch
        self.frames_sent = 0
        self.generation = 0  # raised when the rules' functions change: frames of another generation are stale
        self.browser = False  # True once a browser shows this view
        self.on_msg(self._on_message)

    def _on_message(self, _, content, buffers):
        self.browser = True
        if content.get("type") == "hello":
            self.send_frame(self.runs)
        elif content.get("type") == "request" and self.on_request is not None:
            self.on_request(content.get("settings", {}), content.get("id"))
        elif content.get("type") == "prefetch" and self.on_prefetch is not None:
            self.on_prefetch(content.get("items", []))

    def show(self, runs, start, loss_axis, settings, answers=None):
        """Keep a new frame and send the browser the runs that changed (answers: the request's id)."""
        changed = {label: run for label, run in runs.items() if not same_run(run, self.runs.get(label))}
        self.runs, self.start, self.loss_axis, self.settings = runs, tuple(start), loss_axis, settings
        self.send_frame(changed, answers)

    def send_frame(self, runs, answers=None):
        """Send the current start, loss axis and settings, with `runs` (label -> run) as binary arrays."""
        described, buffers = binary_runs(runs)
        self.send({"type": "frame", "answers": answers, "runs": described, "start": list(self.start),
                   "loss_axis": self.loss_axis, "settings": self.settings, "generation": self.generation}, buffers)
        self.frames_sent += 1

    def send_prefetched(self, key, runs, start, loss_axis, settings):
        """Send a frame the browser asked for ahead of need (kept there under `key`), with the runs that
        differ from the current frame's; the current frame stays what it is."""
        changed = {label: run for label, run in runs.items() if not same_run(run, self.runs.get(label))}
        described, buffers = binary_runs(changed)
        self.send({"type": "prefetched", "key": key, "runs": described, "start": list(start),
                   "loss_axis": loss_axis, "settings": settings, "generation": self.generation}, buffers)


def binary_runs(runs):
    """({label: {status, end, n, points, losses}}, buffers): each run's arrays as float64 bytes, `points` and
    `losses` giving their indices in buffers."""
    described, buffers = {}, []
    for label, run in runs.items():
        described[label] = {"status": run["status"], "end": run["end"], "n": len(run["points"]),
                            "points": len(buffers), "losses": len(buffers) + 1}
        buffers += [np.ascontiguousarray(run["points"], np.float64).tobytes(),
                    np.ascontiguousarray(run["losses"], np.float64).tobytes()]
    return described, buffers


def same_run(new, old):
    return old is not None and new["status"] == old["status"] and new["end"] == old["end"] \
        and np.array_equal(new["points"], old["points"]) and np.array_equal(new["losses"], old["losses"])


class TrajectoryExplorer:
    """Sliders, a contour plot with one path per rule, and loss against step.

    Inputs:
    - rules: dict label -> rule, or label -> name of a rule in `namespace`
      (looked up again at every update).
    - namespace: dict to look names up in, e.g. the notebook's globals().
    - surface: name of the surface shown first (see nnpractice.surfaces).
    - steps: number of updates shown first.

    Attributes: sliders (dict name -> slider), checkboxes (dict label ->
    Checkbox), surface_menu, status (dict label -> text), runs (dict label
    -> Run of the last update), view (the ExplorerView drawing the figure),
    widget (the ipywidgets box to display), timings (ms of the last compute
    and of preparing what is sent).
    """

    def __init__(self, rules, namespace=None, surface="saddle", steps=300):
        self.rules = dict(rules)
        self.namespace = namespace if namespace is not None else {}
        self.surface = SURFACES[surface]
        self.runs, self.status, self.timings = {}, {}, {}
        self.computed = {}  # label -> what its run was computed with: rule, config, surface, start, steps
        self.recomputed = []  # labels whose runs the last update computed (the others were kept)
        self._keys_read = {}  # rule -> the config keys it reads
        self._resolved = {}  # label -> the function its last update ran
        self._holding = False

        layout = widgets.Layout(width="330px")
        style = {"description_width": "110px"}
        first = self.surface
        self.surface_menu = widgets.Dropdown(options=list(SURFACES),
                                             value=surface, description="surface", layout=layout, style=style)
        self.sliders = {
            "learning_rate": widgets.FloatLogSlider(value=first.learning_rate, base=10, min=-5, max=0, step=0.05,
                                                    description="step size α", readout_format=".1e",
                                                    layout=layout, style=style),
            "momentum": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum μ",
                                            layout=layout, style=style),
            "decay_rate": widgets.FloatSlider(value=0.99, min=0.5, max=0.999, step=0.001, readout_format=".3f",
                                              description="decay rate ρ", layout=layout, style=style),
            "beta1": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="β₁",
                                         layout=layout, style=style),
            "beta2": widgets.FloatSlider(value=0.999, min=0.9, max=0.9999, step=0.0001, readout_format=".4f",
                                         description="β₂", layout=layout, style=style),
            "steps": widgets.IntSlider(value=steps, min=10, max=1000, step=10, description="steps",
                                       layout=layout, style=style),
            "start_x": widgets.FloatSlider(description="start x", layout=layout, style=style, step=0.01),
            "start_y": widgets.FloatSlider(description="start y", layout=layout, style=style, step=0.01),
        }
        self._set_start_ranges(first)
        self.checkboxes = {label: widgets.Checkbox(value=True, description=label, indent=False,
                                                   layout=widgets.Layout(width="110px"))
                           for label in self.rules}
        self.status_html = widgets.HTML()

        self.view = ExplorerView(
            on_request=self._on_request, on_prefetch=self._on_prefetch,
            rules=[{"label": label, "color": COLORS[i % len(COLORS)]} for i, label in enumerate(self.rules)],
            controls={"surface": self.surface_menu, "sliders": self.sliders, "checkboxes": self.checkboxes})
        self.view.add_class("nnpractice-view")
        for control in [self.surface_menu, *self.sliders.values(), *self.checkboxes.values()]:
            control.observe(self._on_change, names="value")

        controls = widgets.VBox([self.surface_menu, *self.sliders.values()])
        choices = widgets.VBox([widgets.HTML("<b>optimizers</b>"), *self.checkboxes.values()])
        self.widget = widgets.VBox([widgets.HBox([controls, choices, self.status_html]), self.view])
        self.widget.add_class("nnpractice-explorer")
        self.set_surface(surface)

    def _set_start_ranges(self, surface):
        x_min, x_max, y_min, y_max = surface.box
        for key, low, high, value in (("start_x", x_min, x_max, surface.start[0]),
                                      ("start_y", y_min, y_max, surface.start[1])):
            slider = self.sliders[key]
            # one message: a browser given the new range first would write its old value back
            with slider.hold_sync():
                slider.min, slider.max = min(low, slider.min), max(high, slider.max)
                slider.value = value
                slider.min, slider.max = low, high

    def _on_change(self, change):
        if self._holding or self.view.browser:  # a browser asks for every recompute itself
            return
        if change["owner"] is self.surface_menu:
            self.set_surface(change["new"])
        else:
            self.update(reuse=True)

    def _on_request(self, settings, request_id):
        """A browser asks for a frame computed with its settings (the latest it shows)."""
        name = settings.get("surface", self.surface.name)
        if name not in SURFACES:
            return
        if name != self.surface.name:
            self.set_surface(name, answers=request_id)
        else:
            self.update(settings=settings, answers=request_id, reuse=True)

    def set_surface(self, name, answers=None):
        """Show another surface: send its contours (once), reset the start and α, recompute."""
        self._holding = True
        self.surface = SURFACES[name]
        self.surface_menu.value = name
        self.sliders["learning_rate"].value = self.surface.learning_rate
        self._set_start_ranges(self.surface)
        self.view.surface = surface_picture(self.surface)
        self._holding = False
        self.update(answers=answers)

    def settings(self):
        """The controls' values: surface, the hyperparameters, steps, start [x, y], chosen (labels)."""
        return {"surface": self.surface.name,
                **{key: float(self.sliders[key].value) for key in HYPERPARAMETERS},
                "steps": int(self.sliders["steps"].value),
                "start": [float(self.sliders["start_x"].value), float(self.sliders["start_y"].value)],
                "chosen": [label for label, box in self.checkboxes.items() if box.value]}

    def config(self):
        """The hyperparameters the sliders set, given to every rule."""
        return {key: float(self.sliders[key].value) for key in HYPERPARAMETERS}

    def resolve(self, label):
        """The rule behind a label, looked up in the namespace if given by name (None if missing)."""
        rule = self.rules[label]
        return self.namespace.get(rule) if isinstance(rule, str) else rule

    def update(self, *_, settings=None, answers=None, reuse=False):
        """Recompute the chosen rules' runs and send the browser what changed.

        Inputs:
        - settings: dict as from settings() (default: the controls' values);
          a browser sends the settings it shows.
        - answers: id of the browser's request this frame answers.
        - reuse: keep the last run of a rule when nothing it depends on
          changed (see reusable()); the controls' changes and the browser's
          requests reuse, a direct call recomputes every rule (say after
          redefining a function that a rule calls).

        Returns the runs (dict label -> Run).
        """
        started = time.perf_counter()
        settings = self.settings() if settings is None else settings
        if not reuse or self.redefined():
            self.view.generation += 1  # new functions: the frames the browser keeps are out of date
        self._resolved = {label: self.resolve(label) for label in self.rules}
        frame = self.compute(settings, reuse)
        self.runs, self.computed, self.recomputed = frame["runs"], frame["computed"], frame["recomputed"]
        self.status = frame["status"]
        computed = time.perf_counter()
        self.view.show(frame["shown"], frame["start"], frame["loss_axis"], settings, answers)
        self.status_html.value = self._status_table()
        self.timings = {"compute_ms": 1e3 * (computed - started),
                        "update_ms": 1e3 * (time.perf_counter() - computed)}
        return self.runs

    def compute(self, settings, reuse=True):
        """The frame for `settings`, changing nothing here: a dict with runs (label -> Run), computed and
        recomputed (as the attributes), status (label -> text), shown (label -> what the view draws),
        start (x, y) and loss_axis."""
        start = tuple(float(v) for v in settings["start"])
        config = {key: float(settings[key]) for key in HYPERPARAMETERS}
        steps = int(settings["steps"])
        chosen = {label: self.resolve(label) for label in self.rules if label in settings["chosen"]}
        missing = {label for label, rule in chosen.items() if not callable(rule)}
        runnable = {label: rule for label, rule in chosen.items() if label not in missing}
        inputs = {"surface": self.surface.name, "start": start, "steps": steps}
        kept = {label: self.runs[label] for label, rule in runnable.items()
                if reuse and self.reusable(label, rule, inputs, config)}
        again = {label: rule for label, rule in runnable.items() if label not in kept}
        fresh = race(again, self.surface, start, steps, config) if again else {}
        runs = {label: kept[label] if label in kept else fresh[label] for label in runnable}

        status, shown = {}, {}
        for label in self.rules:
            run = runs.get(label)
            if run is None:
                status[label] = "not defined yet" if label in missing else "hidden"
            else:
                status[label] = describe(run, self.surface)
            if run is None or not run.steps_done:
                shown[label] = {"points": np.zeros((0, 2)), "losses": np.zeros(0), "status": status[label],
                                "end": ""}
                continue
            losses = np.maximum(run.losses, 1e-12) if self.surface.log_loss else run.losses
            shown[label] = {"points": run.points, "losses": losses, "status": status[label],
                            "end": "x" if run.status == "diverged" else "o"}
        return {"runs": runs, "recomputed": list(fresh), "status": status, "shown": shown, "start": start,
                "computed": {label: {"rule": rule, "config": config, **inputs} for label, rule in runnable.items()},
                "loss_axis": self.loss_axis(runs)}

    def redefined(self):
        """Whether a rule's function is not the one its last update ran (redefined, or defined since)."""
        return any(self.resolve(label) is not self._resolved.get(label) for label in self.rules)

    def _on_prefetch(self, items):
        """A browser asks, while it waits, for the frames of settings it may show next (its cache)."""
        # Not after a function was redefined (its next update comes first), nor for another surface;
        # every item is answered, if only to say it was skipped.
        redefined = self.redefined()
        for item in items:
            settings = item.get("settings", {})
            if redefined or settings.get("surface") != self.surface.name:
                self.view.send({"type": "prefetched", "key": item.get("key"), "skipped": True})
                continue
            frame = self.compute(settings)
            self.view.send_prefetched(item.get("key"), frame["shown"], frame["start"], frame["loss_axis"], settings)

    def reusable(self, label, rule, inputs, config):
        """Is the last run of `label` still right for `rule` with these inputs (surface, start, steps) and config?

        Yes when it was computed with the same function, surface, start and
        steps, and every config key the rule reads has the same value (the
        keys are found by config_reads.keys_read, once per function; a stub's
        are unknown, so a stub is always run again).
        """
        last = self.computed.get(label)
        run = self.runs.get(label)
        if last is None or run is None or last["rule"] is not rule:
            return False
        if any(last[key] != value for key, value in inputs.items()):
            return False
        keys = self.keys_read(rule, config)
        return keys is not None and all(last["config"].get(key) == config[key] for key in keys)

    def keys_read(self, rule, config):
        """The config keys `rule` reads (frozenset), or None if unknown; found once per function."""
        if rule not in self._keys_read:
            self._keys_read[rule] = keys_read(rule, self.surface, self.surface.start, config)
        return self._keys_read[rule]

    def loss_axis(self, runs=None):
        """Limits of the loss panel for `runs` (default: the last update's): {"xlim", "ylim" (None without a
        finite loss in view), "log"}."""
        runs = self.runs if runs is None else runs
        inside = {label: self.surface.contains(run.points) for label, run in runs.items() if run.steps_done}
        # up to the last step any run made inside the view
        shown = [int(np.flatnonzero(flags)[-1]) for flags in inside.values() if flags.any()]
        axis = {"xlim": [0, max(shown + [10])], "ylim": None, "log": bool(self.surface.log_loss)}
        # the loss range of the points in view: a saddle's loss is unbounded below
        finite = [runs[label].losses[flags] for label, flags in inside.items() if flags.any()]
        if not finite:
            return axis
        values = np.concatenate(finite)
        if self.surface.log_loss:
            values = np.maximum(values, 1e-12)
            low, high = values.min(), min(values.max(), 1e12)
            axis["ylim"] = [float(low / 2), float(max(high * 2, low * 10))]
        else:
            low, high = max(values.min(), -1e6), min(values.max(), 1e6)
            pad = 0.05 * max(high - low, 1e-3)
            axis["ylim"] = [float(low - pad), float(high + pad)]
        return axis

    def _status_table(self):
        rows = []
        for i, (label, text) in enumerate(self.status.items()):
            color = COLORS[i % len(COLORS)]
            rows.append(f'<tr><td style="color:{color}">&#9632;</td><td><b>{label}</b></td>'
                        f'<td class="nnpractice-status">{text}</td></tr>')
        return "<table>" + "".join(rows) + "</table>"
