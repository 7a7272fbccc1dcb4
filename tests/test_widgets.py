"""Does the trajectory explorer draw the student's own rules and react to its controls, without a browser?"""

import copy

import numpy as np
import pytest

from nnpractice.trajectories import NOT_IMPLEMENTED
from nnpractice.widgets import COLORS, TrajectoryExplorer
from nnpractice_instructor.course import read
from nnpractice_instructor.judge import run_here
from nnpractice_instructor.kernels import execute
from nnpractice_instructor.layout import notebook_path
from tests.helpers import namespace

RULES = {"SGD": "sgd", "momentum": "sgd_momentum", "Nesterov": "nesterov_momentum",
         "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam"}


@pytest.fixture
def solved():
    """A notebook namespace with the reference rules defined."""
    return namespace("02_optimizers")


def path_of(explorer, label):
    """The points the view would draw for a rule: what the browser was sent."""
    return np.asarray(explorer.view.runs[label]["points"])


class Browser:
    """Stands for a browser showing the view: records the frames the kernel sends it."""

    def __init__(self, explorer):
        self.explorer, self.frames = explorer, []
        explorer.view.send = lambda content, buffers=None: self.frames.append((content, buffers))
        explorer.view._on_message(explorer.view, {"type": "hello"}, [])

    def request(self, **changes):
        """Ask for a frame with the settings the view shows, changed by `changes`; returns the answer."""
        settings = {**self.explorer.settings(), **changes}
        self.explorer.view._on_message(self.explorer.view, {"type": "request", "id": "r1", "settings": settings}, [])
        return self.frames[-1][0]

    def prefetch(self, *momenta, surface=None):
        """Ask ahead of need for the frames at these momenta; returns the answers (content, buffers)."""
        settings = self.explorer.settings()
        items = [{"key": f"m={m}", "settings": {**settings, "momentum": m, "surface": surface or settings["surface"]}}
                 for m in momenta]
        before = len(self.frames)
        self.explorer.view._on_message(self.explorer.view, {"type": "prefetch", "items": items}, [])
        return self.frames[before:]


def test_every_rule_is_drawn_with_its_status(solved):
    """With every rule written, does each get a path, a loss curve and a status line in the view's traits?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    explorer.sliders["learning_rate"].value = 0.05
    for label in RULES:
        assert path_of(explorer, label).shape == (51, 2)
        assert len(explorer.view.runs[label]["losses"]) == 51
        assert explorer.view.runs[label]["end"] == "o"
        assert explorer.status[label].startswith("loss ")
        assert explorer.view.runs[label]["status"] == explorer.status[label]
    assert explorer.view.rules[0] == {"label": "SGD", "color": COLORS[0]}
    assert explorer.view.surface["name"] == "ravine" and len(explorer.view.surface["contours"]["xy"]) > 1000


def test_slider_change_updates_lines_in_place(solved):
    """Does moving a slider recompute, and send the browser the paths but not the contours again?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    before, surface, sent = path_of(explorer, "SGD"), explorer.view.surface, explorer.view.frames_sent
    explorer.sliders["learning_rate"].value = 0.01
    assert explorer.view.frames_sent == sent + 1
    assert explorer.view.surface is surface, "the contours were sent again"
    assert not np.allclose(path_of(explorer, "SGD"), before)
    explorer.sliders["start_x"].value = 2.0
    assert path_of(explorer, "Adam")[0, 0] == pytest.approx(2.0)
    explorer.sliders["steps"].value = 20
    assert path_of(explorer, "momentum").shape == (21, 2)


def test_only_changed_runs_are_sent(solved):
    """After a change of the momentum, are only the rules that read it sent again, as binary arrays?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    browser = Browser(explorer)
    assert set(browser.frames[-1][0]["runs"]) == set(RULES), "a new view must get every run"
    frame = browser.request(momentum=0.5)
    assert set(frame["runs"]) == {"momentum", "Nesterov"}
    run = frame["runs"]["Nesterov"]
    points = np.frombuffer(browser.frames[-1][1][run["points"]], dtype=np.float64).reshape(-1, 2)
    assert np.array_equal(points, path_of(explorer, "Nesterov")) and run["n"] == 51


def test_frames_asked_ahead_of_need_equal_the_frames_asked_for_and_change_nothing(solved):
    """A prefetched frame sends the runs that differ from the current frame, equal to what a request at those
    settings sends; the current frame, its runs and the status stay as they were."""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    browser = Browser(explorer)
    current = {label: path_of(explorer, label).copy() for label in RULES}
    status, sent = dict(explorer.status), explorer.view.frames_sent
    (content, buffers), = browser.prefetch(0.5)
    assert content["type"] == "prefetched" and content["key"] == "m=0.5" and content["settings"]["momentum"] == 0.5
    assert set(content["runs"]) == {"momentum", "Nesterov"} and content["generation"] == explorer.view.generation
    ahead = {label: np.frombuffer(buffers[run["points"]]).reshape(-1, 2) for label, run in content["runs"].items()}
    assert explorer.view.frames_sent == sent and explorer.status == status
    assert all(np.array_equal(path_of(explorer, label), current[label]) for label in RULES)
    answer = browser.request(momentum=0.5)
    assert answer["loss_axis"] == content["loss_axis"]
    for label in ("momentum", "Nesterov"):
        assert np.array_equal(ahead[label], path_of(explorer, label))


def test_frames_ahead_of_need_are_skipped_for_another_surface_or_after_a_redefinition(solved):
    """Is every asked frame answered, and none computed with a function the browser has not been told of?"""
    namespace_ = dict(solved)
    explorer = TrajectoryExplorer(RULES, namespace=namespace_, surface="ravine", steps=50)
    browser = Browser(explorer)
    (content, _), = browser.prefetch(0.5, surface="rosenbrock")
    assert content == {"type": "prefetched", "key": "m=0.5", "skipped": True}
    generation = explorer.view.generation
    namespace_["sgd_momentum"] = lambda w, dw, config=None: (w - 0.1 * dw, config)
    (content, _), = browser.prefetch(0.5)
    assert content.get("skipped"), "a redefined function's frames come with its next update"
    frame = browser.request(momentum=0.4)
    assert frame["generation"] == generation + 1, "the browser must forget the frames it kept"
    assert browser.prefetch(0.5)[0][0]["generation"] == generation + 1


def test_browser_request_uses_its_settings_and_is_answered(solved):
    """Does a browser's request compute with the settings it sends, and say which request it answers?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    browser = Browser(explorer)
    frame = browser.request(start=[1.0, -1.0], steps=20, chosen=["SGD", "Adam"])
    assert frame["answers"] == "r1" and frame["settings"]["steps"] == 20
    assert path_of(explorer, "SGD")[0] == pytest.approx([1.0, -1.0]) and len(path_of(explorer, "SGD")) == 21
    assert explorer.status["momentum"] == "hidden" and len(path_of(explorer, "momentum")) == 0
    sent = explorer.view.frames_sent
    explorer.sliders["momentum"].value = 0.3  # with a browser, its own request recomputes, not the slider
    assert explorer.view.frames_sent == sent
    frame = browser.request(surface="rosenbrock")
    assert explorer.view.surface["name"] == "rosenbrock" and frame["answers"] == "r1"
    assert frame["settings"]["start"] == pytest.approx([-1.5, 2.5]), "a new surface starts at its own start"


def test_unwritten_rules_are_listed_not_crashed():
    """With the untouched release, is every rule 'not implemented yet' and nothing raised?"""
    explorer = TrajectoryExplorer(RULES, namespace=namespace("02_optimizers", answers="notebooks"))
    assert set(explorer.status.values()) == {NOT_IMPLEMENTED}
    assert all(len(path_of(explorer, label)) == 0 for label in RULES)
    assert {run["status"] for run in explorer.view.runs.values()} == {NOT_IMPLEMENTED}
    explorer.sliders["momentum"].value = 0.5
    assert set(explorer.status.values()) == {NOT_IMPLEMENTED}


def test_redefined_rule_is_picked_up_and_missing_one_reported(solved):
    """Does the explorer call the namespace's current function, and survive a name not defined yet?"""
    partial = {"sgd": solved["sgd"]}
    explorer = TrajectoryExplorer(RULES, namespace=partial, surface="ravine", steps=30)
    assert explorer.status["Adam"] == "not defined yet"
    partial["adam"] = solved["adam"]
    explorer.update()
    assert explorer.status["Adam"].startswith("loss ")

    def adam(w, dw, config=None):
        raise NotImplementedError()

    partial["adam"] = adam
    explorer.update()
    assert explorer.status["Adam"] == NOT_IMPLEMENTED and len(path_of(explorer, "Adam")) == 0


def test_divergence_and_leaving_the_plot_are_shown(solved):
    """Is a blow-up listed as diverged and a run leaving the box as leaving the plot?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="rosenbrock", steps=200)
    explorer.sliders["learning_rate"].value = 0.1
    assert "diverged" in explorer.status["SGD"]
    assert explorer.view.runs["SGD"]["end"] == "x"
    explorer.surface_menu.value = "saddle"
    explorer.sliders["learning_rate"].value = 0.1
    assert explorer.status["SGD"].startswith("left the plot at step")
    assert explorer.view.runs["SGD"]["status"] == explorer.status["SGD"]


def test_surface_change_redraws_contours_and_resets_start(solved):
    """Does choosing another surface send its contours, move the start and set its step size?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="saddle", steps=30)
    explorer.surface_menu.value = "rosenbrock"
    assert explorer.surface.name == "rosenbrock"
    assert (explorer.sliders["start_x"].value, explorer.sliders["start_y"].value) == pytest.approx((-1.5, 2.5))
    assert explorer.sliders["learning_rate"].value == pytest.approx(1e-3)
    assert explorer.view.surface["name"] == "rosenbrock"
    assert explorer.view.surface["box"] == [-2.0, 2.0, -1.0, 3.0]
    assert path_of(explorer, "Adam")[0] == pytest.approx([-1.5, 2.5])
    assert explorer.view.loss_axis["log"] is True


def test_contour_lines_lie_on_their_levels():
    """Are the contour lines sent to the browser on the surface's levels, with one colour per level?"""
    from nnpractice.surfaces import SURFACES
    from nnpractice.widgets import surface_picture

    surface = SURFACES["ravine"]
    picture = surface_picture(surface)
    contours = picture["contours"]
    lengths = np.frombuffer(contours["lengths"], dtype=np.int32)
    xy = np.frombuffer(contours["xy"], dtype=np.float32).reshape(-1, 2)
    assert lengths.sum() == len(xy) and sum(level["lines"] for level in contours["levels"]) == len(lengths)
    values = np.repeat([level["value"] for level in contours["levels"]], [level["lines"] for level in contours["levels"]])
    losses = surface.f(xy.astype(float))
    assert np.allclose(losses, np.repeat(values, lengths), rtol=0.05, atol=1e-3)
    assert len({level["color"] for level in contours["levels"]}) > 5


def test_clicking_the_contour_plot_moves_the_start(solved):
    """Does a click on the contour plot (the browser moves the start sliders, then asks) start the runs there?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=20)
    browser = Browser(explorer)
    frame = browser.request(start=[1.0, -1.0])
    assert frame["start"] == [1.0, -1.0]
    assert path_of(explorer, "SGD")[0] == pytest.approx([1.0, -1.0])


@pytest.mark.slow
def test_explorer_cell_runs_in_the_untouched_release(tmp_path):
    """In the release as handed out (every rule a stub), does the explorer cell run without error?"""
    nb = read("notebooks", "02_optimizers")
    execute(nb, notebook_path("02_optimizers", "notebooks").parent, timeout=300, allow_errors=True)
    cell = next(c for c in nb.cells if "TrajectoryExplorer(" in c.source)
    assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs)


@pytest.mark.slow
def test_figures_after_the_explorer_stay_inline_images():
    """In the executed solution notebook, are the figures drawn after the explorer still PNG images?"""
    nb = run_here(read("solutions", "02_optimizers"))
    execute(nb, notebook_path("02_optimizers", "solutions").parent, timeout=300)
    index = next(i for i, c in enumerate(nb.cells) if "TrajectoryExplorer(" in c.source)
    later = [o for c in nb.cells[index + 1:] for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(later) >= 2, "figures after the explorer are not inline images"


def test_race_animation_draws_growing_paths(tmp_path, solved):
    """Does race_animation save a GIF whose paths grow from frame to frame?"""
    from matplotlib.animation import PillowWriter
    from PIL import Image

    from nnpractice_instructor.animation import race_animation
    from nnpractice.surfaces import SURFACES

    rules = {"SGD": solved["sgd"], "Adam": solved["adam"]}
    animation = race_animation(rules, SURFACES["ravine"], 0.05, steps=20, frames=4)
    animation.save(tmp_path / "race.gif", writer=PillowWriter(fps=4))
    with Image.open(tmp_path / "race.gif") as gif:
        assert gif.n_frames == 4


def test_animations_ship_with_the_chapter():
    """Are the two race GIFs in the chapter's folder (hence in the release), and does the notebook show them?"""
    from PIL import Image

    markdown = "\n".join(c.source for c in read("solutions", "02_optimizers").cells if c.cell_type == "markdown")
    for kind in ("solutions", "notebooks"):
        for name in ("saddle", "ravine"):
            path = notebook_path("02_optimizers", kind).parent / "animations" / f"{name}_race.gif"
            with Image.open(path) as gif:
                assert gif.n_frames >= 20, path
            assert f"(animations/{name}_race.gif)" in markdown


def counting(rules):
    """The rules wrapped so that each call is counted: (wrapped rules, dict label -> calls)."""
    calls = {label: 0 for label in rules}

    def wrap(label, rule):
        def counted(w, dw, config=None):
            calls[label] += 1
            return rule(w, dw, config)
        return counted

    return {label: wrap(label, rule) for label, rule in rules.items()}, calls


def test_only_rules_reading_the_changed_key_are_recomputed(solved):
    """After the momentum slider moves, are only the momentum rules run again, the others' runs kept?"""
    rules, calls = counting({label: solved[name] for label, name in RULES.items()})
    explorer = TrajectoryExplorer(rules, surface="ravine", steps=50)
    browser = Browser(explorer)
    before = dict(explorer.runs)
    calls.update({label: 0 for label in calls})
    browser.request(momentum=0.5)
    assert sorted(explorer.recomputed) == ["Nesterov", "momentum"]
    assert calls["SGD"] <= 3 and calls["Adam"] <= 3, "only a few steps to learn which keys a rule reads"
    assert calls["momentum"] >= 50 and calls["Nesterov"] >= 50
    assert explorer.runs["SGD"] is before["SGD"] and explorer.runs["momentum"] is not before["momentum"]
    browser.request(momentum=0.5, beta2=0.99)
    assert explorer.recomputed == ["Adam"]
    browser.request(momentum=0.5, beta2=0.99, learning_rate=0.02)
    assert sorted(explorer.recomputed) == sorted(RULES), "every rule reads the step size"


def test_kept_runs_equal_recomputed_ones(solved):
    """Is a frame built from kept runs the same as one computed from scratch with the same settings?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="beale", steps=80)
    browser = Browser(explorer)
    browser.request(momentum=0.6)
    browser.request(momentum=0.6, decay_rate=0.9)
    kept = {label: run.points for label, run in explorer.runs.items()}
    fresh = TrajectoryExplorer(RULES, namespace=solved, surface="beale", steps=80)
    Browser(fresh).request(momentum=0.6, decay_rate=0.9)
    fresh.update(settings={**fresh.settings(), "momentum": 0.6, "decay_rate": 0.9})
    assert fresh.recomputed == list(RULES)
    for label, points in kept.items():
        assert np.array_equal(points, fresh.runs[label].points), label


def test_start_steps_and_redefined_rules_recompute_every_affected_run(solved):
    """Do a new start, new steps or a redefined function run the rules again, whatever keys they read?"""
    names = dict(solved)
    explorer = TrajectoryExplorer(RULES, namespace=names, surface="ravine", steps=30)
    browser = Browser(explorer)
    browser.request(start=[1.0, -1.0])
    assert explorer.recomputed == list(RULES)
    browser.request(start=[1.0, -1.0], steps=40)
    assert explorer.recomputed == list(RULES)
    names["sgd"] = lambda w, dw, config: (w - 0.5 * config["learning_rate"] * dw, config)
    browser.request(start=[1.0, -1.0], steps=40)
    assert explorer.recomputed == ["SGD"]


def test_stubs_are_tried_again_at_every_change():
    """Is a stub (it raises, so which keys it reads is unknown) run again after any slider change?"""
    explorer = TrajectoryExplorer(RULES, namespace=namespace("02_optimizers", answers="notebooks"), steps=20)
    browser = Browser(explorer)
    browser.request(beta2=0.99)
    assert explorer.recomputed == list(RULES)
    assert set(explorer.status.values()) == {NOT_IMPLEMENTED}


def test_keys_read_follows_lookups_and_gives_up_on_iteration(solved):
    """Does keys_read list what a rule looks up, and answer None for a rule that sees every key or raises?"""
    from nnpractice.config_reads import keys_read
    from nnpractice.surfaces import SURFACES

    surface, config = SURFACES["ravine"], {"learning_rate": 0.01, "momentum": 0.9, "beta1": 0.9, "beta2": 0.999}
    assert keys_read(solved["sgd"], surface, surface.start, config) == {"learning_rate"}
    assert keys_read(solved["sgd_momentum"], surface, surface.start, config) == {"learning_rate", "momentum"}
    assert keys_read(solved["adam"], surface, surface.start, config) == {"learning_rate", "beta1", "beta2"}

    def scaled(w, dw, config):
        factor = sum(config.values())
        return w - 1e-3 * factor * dw, config

    def late(w, dw, config):  # reads the momentum from its second step on
        if "t" in config:
            return w - config["momentum"] * dw, config
        config["t"] = config["learning_rate"]
        return w, config

    def stub(w, dw, config=None):
        raise NotImplementedError

    def copying(w, dw, config):
        config = copy.deepcopy(config)
        return w - config["learning_rate"] * dw, config

    assert keys_read(scaled, surface, surface.start, config) is None
    assert keys_read(copying, surface, surface.start, config) is None
    assert keys_read(lambda w, dw, config: (w, config | {"t": 1}), surface, surface.start, config) is None
    assert keys_read(late, surface, surface.start, config) == {"learning_rate", "momentum"}
    assert keys_read(stub, surface, surface.start, config) is None
    assert config == {"learning_rate": 0.01, "momentum": 0.9, "beta1": 0.9, "beta2": 0.999}, "config modified"


def test_a_request_that_changes_nothing_runs_no_rule(solved):
    """With the settings of the last frame, is no rule run and no path sent again?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=30)
    browser = Browser(explorer)
    browser.request(momentum=0.4)
    status = dict(explorer.status)
    frame = browser.request(momentum=0.4)
    assert explorer.recomputed == [] and frame["runs"] == {}
    assert explorer.status == status and set(explorer.runs) == set(RULES)
