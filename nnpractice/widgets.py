"""The trajectory explorer: watch your update rules race on a 2-D surface (view only).

The computing is done by `nnpractice.trajectories.race` (pure); this module
only draws. `TrajectoryExplorer` draws a surface's contours once, keeps one
path line, one end marker and one loss line per rule, and on every change of
a control reads the controls, recomputes the race and calls `set_data` on
those lines, then `draw_idle()`. It exposes `sliders`, `checkboxes`, `lines`,
`status` and `update()`, so tests drive it without a browser.

In a Jupyter kernel the figure is an ipympl canvas (a widget drawn by the
browser; click on the contour plot to move the start point). Elsewhere
(tests, scripts) it is a plain Agg figure, shown as a PNG image widget.

The rules are looked up by name in a namespace (the notebook's `globals()`)
at every update, so redefining `adam` in the notebook changes what you see.
A rule that still raises NotImplementedError is listed as "not implemented
yet"; a run that produces NaN or inf is listed as diverged; one that leaves
the view box is listed as such.
"""

import io
import time
import warnings

import numpy as np

from nnpractice.surfaces import SURFACES
from nnpractice.trajectories import NOT_IMPLEMENTED, race

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def in_kernel():
    """Whether we run inside a Jupyter kernel (where widgets can be displayed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def new_figure(figsize=(10, 4.2), interactive=None):
    """A matplotlib Figure: on an ipympl canvas in a kernel (interactive), else on Agg.

    Never touches pyplot's global backend, so the notebook's other figures
    stay inline images."""
    from matplotlib.figure import Figure

    if interactive is None:
        interactive = in_kernel()
    figure = Figure(figsize=figsize, dpi=80, layout="constrained")
    if interactive:
        import matplotlib

        backend = matplotlib.get_backend()
        from ipympl.backend_nbagg import Canvas, FigureManager

        if matplotlib.get_backend() != backend:
            # importing ipympl makes it pyplot's backend: keep the notebook's (inline) one
            matplotlib.use(backend)

        canvas = Canvas(figure)
        with warnings.catch_warnings():
            # ipympl's own Toolbar passes its canvas the old traitlets way (ipympl 0.10)
            warnings.filterwarnings("ignore", "Passing unrecognized arguments", DeprecationWarning)
            FigureManager(canvas, 0)
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
    else:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(figure)
    return figure


def draw_contours(ax, surface, num=200):
    """Contours of a surface over its view box, with its minimum starred; returns the artists."""
    X, Y, Z = surface.grid(num)
    contours = ax.contour(X, Y, Z, levels=surface.levels, cmap="viridis", linewidths=0.8, alpha=0.7)
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


class TrajectoryExplorer:
    """Sliders, a contour plot with one path per rule, and loss against step.

    Inputs:
    - rules: dict label -> rule, or label -> name of a rule in `namespace`
      (looked up again at every update).
    - namespace: dict to look names up in, e.g. the notebook's globals().
    - surface: name of the surface shown first (see nnpractice.surfaces).
    - steps: number of updates shown first.
    - figure: a Figure to draw in (default: new_figure()).

    Attributes: sliders (dict name -> slider), checkboxes (dict label ->
    Checkbox), lines (dict label -> {"path", "end", "loss"} Line2D),
    status (dict label -> text), runs (dict label -> Run of the last
    update), widget (the ipywidgets box to display), timings (ms of the
    last compute and draw).
    """

    def __init__(self, rules, namespace=None, surface="saddle", steps=300, figure=None):
        import ipywidgets as widgets

        self.rules = dict(rules)
        self.namespace = namespace if namespace is not None else {}
        self.surface = SURFACES[surface]
        self.figure = figure if figure is not None else new_figure()
        self.interactive = isinstance(self.figure.canvas, widgets.DOMWidget)
        self.runs, self.status, self.timings = {}, {}, {}
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

        self.ax_surface, self.ax_loss = self.figure.subplots(1, 2, width_ratios=[1.15, 1])
        self._contours = draw_contours(self.ax_surface, self.surface)
        self.start_marker, = self.ax_surface.plot(*first.start, "ko", ms=6, zorder=6)
        self.lines = {}
        for i, label in enumerate(self.rules):
            color = COLORS[i % len(COLORS)]
            path, = self.ax_surface.plot([], [], "-", color=color, lw=1.6, label=label, zorder=4)
            end, = self.ax_surface.plot([], [], "o", color=color, ms=5, zorder=5)
            loss, = self.ax_loss.plot([], [], "-", color=color, lw=1.4, label=label)
            self.lines[label] = {"path": path, "end": end, "loss": loss}
        self.ax_surface.legend(loc="upper left", fontsize=8, framealpha=0.8)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss")
        self.ax_loss.set_title("loss against step", fontsize=10)
        self.ax_loss.grid(alpha=0.3)
        self.ax_loss.set_yscale("log" if first.log_loss else "linear")

        for control in [self.surface_menu, *self.sliders.values(), *self.checkboxes.values()]:
            control.observe(self._on_change, names="value")
        self.figure.canvas.mpl_connect("button_press_event", self._on_click)

        if self.interactive:
            self.image = None
            view = self.figure.canvas
        else:
            self.image = widgets.Image(format="png")
            view = self.image
        controls = widgets.VBox([self.surface_menu, *self.sliders.values()])
        choices = widgets.VBox([widgets.HTML("<b>optimizers</b>"), *self.checkboxes.values()])
        self.widget = widgets.VBox([widgets.HBox([controls, choices, self.status_html]), view])
        self.widget.add_class("nnpractice-explorer")
        # Lay out once (constrained), then keep the positions: a redraw only moves lines.
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine("none")
        self.update()

    def _set_start_ranges(self, surface):
        x_min, x_max, y_min, y_max = surface.box
        for key, low, high, value in (("start_x", x_min, x_max, surface.start[0]),
                                      ("start_y", y_min, y_max, surface.start[1])):
            slider = self.sliders[key]
            slider.min, slider.max = min(low, slider.min), max(high, slider.max)
            slider.value = value
            slider.min, slider.max = low, high

    def _on_change(self, change):
        if self._holding:
            return
        if change["owner"] is self.surface_menu:
            self.set_surface(change["new"])
        else:
            self.update()

    def _on_click(self, event):
        if event.inaxes is self.ax_surface and event.xdata is not None:
            self._holding = True
            self.sliders["start_x"].value = event.xdata
            self.sliders["start_y"].value = event.ydata
            self._holding = False
            self.update()

    def set_surface(self, name):
        """Show another surface: redraw its contours (the one full redraw), reset start and α."""
        self._holding = True
        self.surface = SURFACES[name]
        self.surface_menu.value = name
        for artist in self._contours:
            artist.remove()
        self._contours = draw_contours(self.ax_surface, self.surface)
        self.sliders["learning_rate"].value = self.surface.learning_rate
        self._set_start_ranges(self.surface)
        self.ax_loss.set_yscale("log" if self.surface.log_loss else "linear")
        self._holding = False
        self.update()

    def config(self):
        """The hyperparameters the sliders set, given to every rule."""
        return {key: float(self.sliders[key].value)
                for key in ("learning_rate", "momentum", "decay_rate", "beta1", "beta2")}

    def resolve(self, label):
        """The rule behind a label, looked up in the namespace if given by name (None if missing)."""
        rule = self.rules[label]
        return self.namespace.get(rule) if isinstance(rule, str) else rule

    def update(self, *_):
        """Read the controls, recompute every chosen rule's run, update the lines, redraw."""
        started = time.perf_counter()
        start = (self.sliders["start_x"].value, self.sliders["start_y"].value)
        chosen = {label: self.resolve(label) for label, box in self.checkboxes.items() if box.value}
        missing = {label for label, rule in chosen.items() if not callable(rule)}
        runnable = {label: rule for label, rule in chosen.items() if label not in missing}
        self.runs = race(runnable, self.surface, start, int(self.sliders["steps"].value), self.config())
        computed = time.perf_counter()

        self.status = {}
        for label, artists in self.lines.items():
            run = self.runs.get(label)
            if run is None or not run.steps_done:
                self.status[label] = ("not defined yet" if label in missing else "hidden") if run is None \
                    else describe(run, self.surface)
                for artist in artists.values():
                    artist.set_data([], [])
                continue
            self.status[label] = describe(run, self.surface)
            x, y = run.points[:, 0], run.points[:, 1]
            artists["path"].set_data(x, y)
            artists["end"].set_data(x[-1:], y[-1:])
            artists["end"].set_marker("X" if run.status == "diverged" else "o")
            losses = run.losses if not self.surface.log_loss else np.maximum(run.losses, 1e-12)
            artists["loss"].set_data(np.arange(len(losses)), losses)
        self.start_marker.set_data([start[0]], [start[1]])
        self._rescale_loss_axis()
        self.status_html.value = self._status_table()
        self.redraw()
        self.timings = {"compute_ms": 1e3 * (computed - started),
                        "update_ms": 1e3 * (time.perf_counter() - computed)}
        return self.runs

    def _rescale_loss_axis(self):
        # the loss range of the points in view: a saddle's loss is unbounded below
        finite = [run.losses[self.surface.contains(run.points)] for run in self.runs.values() if run.steps_done]
        finite = [v for v in finite if v.size]
        # up to the last step any run made inside the view
        shown = [int(np.flatnonzero(self.surface.contains(run.points))[-1]) for run in self.runs.values()
                 if run.steps_done and self.surface.contains(run.points).any()]
        self.ax_loss.set_xlim(0, max(shown + [10]))
        if not finite:
            return
        values = np.concatenate(finite)
        if self.surface.log_loss:
            values = np.maximum(values, 1e-12)
            low, high = values.min(), min(values.max(), 1e12)
            self.ax_loss.set_ylim(low / 2, max(high * 2, low * 10))
        else:
            low, high = max(values.min(), -1e6), min(values.max(), 1e6)
            pad = 0.05 * max(high - low, 1e-3)
            self.ax_loss.set_ylim(low - pad, high + pad)

    def _status_table(self):
        rows = []
        for i, (label, text) in enumerate(self.status.items()):
            color = COLORS[i % len(COLORS)]
            rows.append(f'<tr><td style="color:{color}">&#9632;</td><td><b>{label}</b></td>'
                        f'<td class="nnpractice-status">{text}</td></tr>')
        return "<table>" + "".join(rows) + "</table>"

    def redraw(self):
        """Ask the canvas to redraw (ipympl: in the browser; Agg: into the image widget)."""
        if self.interactive:
            self.figure.canvas.draw_idle()
        else:
            buffer = io.BytesIO()
            self.figure.canvas.print_png(buffer)
            self.image.value = buffer.getvalue()
