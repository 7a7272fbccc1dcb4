"""Tests of nnpractice.plotting: every function draws the data it is given on an Agg Axes and returns the artists."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from nnpractice.plotting import plot_accuracy, plot_error_vs_step, plot_loss, show_digit_grid  # noqa: E402


@pytest.fixture
def ax():
    figure, ax = plt.subplots()
    yield ax
    plt.close(figure)


def test_plot_loss_draws_the_losses(ax):
    """Does plot_loss return one line on ax whose y data are the losses, on a linear scale?"""
    losses = [2.3, 1.5, 1.1, 0.9]
    artists = plot_loss(ax, losses, label="sgd")
    assert len(artists) == 1 and isinstance(artists[0], Line2D)
    assert artists[0].axes is ax and artists[0].get_label() == "sgd"
    np.testing.assert_array_equal(artists[0].get_ydata(), losses)
    assert ax.get_yscale() == "linear"


def test_plot_loss_smooth_and_log(ax):
    """With smooth=k and log, is a k-step moving average drawn at its last iteration, on a log axis?"""
    losses = np.array([4.0, 2.0, 3.0, 1.0, 2.0])
    artists = plot_loss(ax, losses, log=True, smooth=2)
    assert len(artists) == 2 and all(a.axes is ax for a in artists)
    np.testing.assert_array_equal(artists[0].get_ydata(), losses)
    np.testing.assert_allclose(artists[1].get_ydata(), [3.0, 2.5, 2.0, 1.5])
    np.testing.assert_array_equal(artists[1].get_xdata(), [1, 2, 3, 4])
    assert ax.get_yscale() == "log"


def test_plot_loss_smooth_longer_than_history(ax):
    """With fewer losses than the smoothing window, is just the raw curve drawn?"""
    artists = plot_loss(ax, [1.0, 0.5], smooth=10)
    assert len(artists) == 1


def test_plot_accuracy_draws_train_and_val(ax):
    """Does plot_accuracy return a train and a val line holding the histories, with a legend?"""
    train, val = [0.1, 0.6, 0.8], [0.1, 0.5, 0.7]
    artists = plot_accuracy(ax, train, val)
    assert [a.get_label() for a in artists] == ["train", "val"]
    np.testing.assert_array_equal(artists[0].get_ydata(), train)
    np.testing.assert_array_equal(artists[1].get_ydata(), val)
    assert ax.get_legend() is not None
    assert ax.get_ylim()[0] == 0


def test_plot_error_vs_step_is_log_log(ax):
    """Does plot_error_vs_step draw errors against h on log-log axes, keeping a zero error visible?"""
    hs = np.logspace(-10, -1, 4)
    errors = np.array([1e-3, 1e-8, 0.0, 1e-4])
    artists = plot_error_vs_step(ax, hs, errors, label="centered, float64")
    assert len(artists) == 1 and artists[0].axes is ax
    assert artists[0].get_label() == "centered, float64"
    np.testing.assert_array_equal(artists[0].get_xdata(), hs)
    ydata = artists[0].get_ydata()
    np.testing.assert_array_equal(ydata[[0, 1, 3]], errors[[0, 1, 3]])
    assert 0 < ydata[2] < 1e-8, "a zero error vanishes from a log axis"
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_show_digit_grid_places_images_and_labels(ax):
    """Are the images laid out in a grid with one-pixel gaps, and the labels written in the title?"""
    images = np.arange(12 * 4, dtype=float).reshape(12, 4)  # 12 images of 2x2
    artist = show_digit_grid(ax, images, labels=list(range(12)), shape=(2, 2), ncols=5)
    assert isinstance(artist, AxesImage) and artist.axes is ax
    grid = np.asarray(artist.get_array())
    assert grid.shape == (3 * 3, 5 * 3)
    np.testing.assert_array_equal(grid[0:2, 0:2], images[0].reshape(2, 2))
    np.testing.assert_array_equal(grid[0:2, 3:5], images[1].reshape(2, 2))
    np.testing.assert_array_equal(grid[3:5, 0:2], images[5].reshape(2, 2))
    np.testing.assert_array_equal(grid[6:8, 3:5], images[11].reshape(2, 2))
    assert ax.get_title() == "0 1 2 3 4 5 6 7 8 9 10 11"


def test_show_digit_grid_without_labels(ax):
    """Without labels, is there no title?"""
    show_digit_grid(ax, np.ones((3, 64)))
    assert ax.get_title() == ""


def test_no_function_shows_the_figure(monkeypatch):
    """Do the functions leave showing to the caller (never plt.show())?"""
    def refuse():
        raise AssertionError("plt.show() called")

    monkeypatch.setattr(plt, "show", refuse)
    figure, axes = plt.subplots(1, 4)
    try:
        plot_loss(axes[0], [1.0, 0.5], smooth=1, log=True)
        plot_accuracy(axes[1], [0.1], [0.1])
        plot_error_vs_step(axes[2], [1e-5], [1e-9], label="h")
        show_digit_grid(axes[3], np.ones((2, 64)), labels=[1, 2])
    finally:
        plt.close(figure)
