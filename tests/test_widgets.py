"""Does the trajectory explorer draw the student's own rules and react to its controls, without a browser?"""

import numpy as np
import pytest

from nnpractice.trajectories import NOT_IMPLEMENTED
from nnpractice.widgets import TrajectoryExplorer
from nnpractice_instructor.course import read
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
    return np.column_stack(explorer.lines[label]["path"].get_data())


def test_every_rule_is_drawn_with_its_status(solved):
    """With every rule written, does each get a path, an end marker, a loss curve and a status line?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    explorer.sliders["learning_rate"].value = 0.05
    for label in RULES:
        assert path_of(explorer, label).shape == (51, 2)
        assert len(explorer.lines[label]["loss"].get_xdata()) == 51
        assert explorer.status[label].startswith("loss ")
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_slider_change_updates_lines_in_place(solved):
    """Does moving the learning-rate slider recompute and update the same line artists (no new figure)?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=50)
    line, figure, before = explorer.lines["SGD"]["path"], explorer.figure, path_of(explorer, "SGD")
    picture = explorer.image.value
    explorer.sliders["learning_rate"].value = 0.01
    assert explorer.lines["SGD"]["path"] is line and explorer.figure is figure
    assert not np.allclose(path_of(explorer, "SGD"), before)
    assert bytes(explorer.image.value) != bytes(picture), "the picture did not change"
    explorer.sliders["start_x"].value = 2.0
    assert path_of(explorer, "Adam")[0, 0] == pytest.approx(2.0)
    explorer.sliders["steps"].value = 20
    assert path_of(explorer, "momentum").shape == (21, 2)


def test_unwritten_rules_are_listed_not_crashed():
    """With the untouched release, is every rule 'not implemented yet' and nothing raised?"""
    explorer = TrajectoryExplorer(RULES, namespace=namespace("02_optimizers", answers="notebooks"))
    assert set(explorer.status.values()) == {NOT_IMPLEMENTED}
    assert all(len(path_of(explorer, label)) == 0 for label in RULES)
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


def test_divergence_and_leaving_the_plot_are_shown(solved):
    """Is a blow-up listed as diverged and a run leaving the box as leaving the plot?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="rosenbrock", steps=200)
    explorer.sliders["learning_rate"].value = 0.1
    assert "diverged" in explorer.status["SGD"]
    assert explorer.lines["SGD"]["end"].get_marker() == "X"
    explorer.surface_menu.value = "saddle"
    explorer.sliders["learning_rate"].value = 0.1
    assert explorer.status["SGD"].startswith("left the plot at step")


def test_surface_change_redraws_contours_and_resets_start(solved):
    """Does choosing another surface draw its contours, move the start and set its step size?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="saddle", steps=30)
    explorer.surface_menu.value = "rosenbrock"
    assert explorer.surface.name == "rosenbrock"
    assert (explorer.sliders["start_x"].value, explorer.sliders["start_y"].value) == pytest.approx((-1.5, 2.5))
    assert explorer.sliders["learning_rate"].value == pytest.approx(1e-3)
    assert explorer.ax_surface.get_xlim() == (-2.0, 2.0)
    assert len(explorer.ax_surface.collections) == 1, "old contours left behind"
    assert path_of(explorer, "Adam")[0] == pytest.approx([-1.5, 2.5])


def test_clicking_the_contour_plot_moves_the_start(solved):
    """Does a click on the contour axes become the new start point?"""
    explorer = TrajectoryExplorer(RULES, namespace=solved, surface="ravine", steps=20)

    class Click:
        inaxes, xdata, ydata = explorer.ax_surface, 1.0, -1.0

    explorer._on_click(Click)
    assert path_of(explorer, "SGD")[0] == pytest.approx([1.0, -1.0])


@pytest.mark.slow
def test_explorer_cell_runs_in_the_untouched_release(tmp_path):
    """In the release as handed out (every rule a stub), does the explorer cell run without error?"""
    nb = read("notebooks", "02_optimizers")
    execute(nb, notebook_path("02_optimizers", "notebooks").parent, timeout=300, allow_errors=True)
    cell = next(c for c in nb.cells if "TrajectoryExplorer(" in c.source)
    assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs)


def test_interactive_figure_keeps_the_notebook_backend():
    """Does building the ipympl figure leave pyplot's backend alone (importing ipympl switches it)?"""
    import matplotlib
    import ipywidgets

    from nnpractice.widgets import new_figure

    backend = matplotlib.get_backend()
    figure = new_figure(interactive=True)
    assert isinstance(figure.canvas, ipywidgets.DOMWidget)
    assert matplotlib.get_backend() == backend


@pytest.mark.slow
def test_figures_after_the_explorer_stay_inline_images():
    """In the executed solution notebook, are the figures drawn after the explorer still PNG images?"""
    nb = read("solutions", "02_optimizers")
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
