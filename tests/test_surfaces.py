"""Are the explorer's surfaces right, and is the trajectory computation pure and honest?"""

import numpy as np
import pytest

from nnpractice.surfaces import SURFACES
from nnpractice.trajectories import NOT_IMPLEMENTED, race, trajectory


def numerical_grad(f, points, h=1e-6):
    """Centered differences of f along x and y at every point (..., 2)."""
    grad = np.empty_like(points)
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        grad[..., i] = (f(points + step) - f(points - step)) / (2 * h)
    return grad


def plain_sgd(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def heavy_ball(w, dw, config=None):
    """Momentum kept as test data (the course's rule is the student's)."""
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("velocity", np.zeros_like(w))
    config["velocity"] = 0.9 * config["velocity"] - config["learning_rate"] * dw
    return w + config["velocity"], config


def stub(w, dw, config=None):
    raise NotImplementedError()


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_gradient_passes_a_gradient_check(name, rng):
    """Does every surface's analytic gradient agree with centered differences over its view box?"""
    surface = SURFACES[name]
    x_min, x_max, y_min, y_max = surface.box
    points = np.stack([rng.uniform(x_min, x_max, 50), rng.uniform(y_min, y_max, 50)], axis=-1)
    analytic = surface.grad(points)
    numeric = numerical_grad(surface.f, points)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    error = np.max(np.abs(analytic - numeric) / np.where(scale > 1e-6, scale, 1.0))
    assert error < 1e-5, f"{name}: relative error {error:.1e}"


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_minimum_is_stationary_and_inside_the_view(name):
    """Is the stated minimum a zero of the gradient, and are the minimum and start inside the box?"""
    surface = SURFACES[name]
    assert surface.contains(surface.start)
    if surface.minimum is None:
        return
    assert surface.contains(surface.minimum)
    assert np.allclose(surface.grad(np.array(surface.minimum)), 0, atol=1e-12)


def test_saddle_and_ravine_are_what_the_chapter_says():
    """Is the saddle a saddle at 0 and the ravine a quadratic with condition number >= 20?"""
    saddle, ravine = SURFACES["saddle"], SURFACES["ravine"]
    assert np.allclose(saddle.grad(np.zeros(2)), 0) and saddle.f(np.array([0.0, 1.0])) < 0 < saddle.f(np.array([1.0, 0.0]))
    hessian = np.stack([(ravine.grad(np.eye(2)[j]) - ravine.grad(-np.eye(2)[j])) / 2 for j in range(2)], axis=1)
    assert np.linalg.cond(hessian) >= 20


def test_surfaces_are_vectorized():
    """Do f and grad take any batch shape (..., 2)?"""
    points = np.zeros((3, 4, 2))
    for surface in SURFACES.values():
        assert surface.f(points).shape == (3, 4)
        assert surface.grad(points).shape == (3, 4, 2)


def test_trajectory_returns_steps_plus_one_points_and_leaves_config_alone():
    """Does trajectory return (steps + 1, 2) points from the start, without touching the config it is given?"""
    ravine = SURFACES["ravine"]
    config = {"learning_rate": 0.1}
    points = trajectory(heavy_ball, ravine, (1.0, 1.0), 25, config)
    assert points.shape == (26, 2)
    assert np.array_equal(points[0], [1.0, 1.0])
    assert config == {"learning_rate": 0.1}
    again = trajectory(heavy_ball, ravine, (1.0, 1.0), 25, config)
    assert np.array_equal(points, again), "not pure: a second run differs"


def test_trajectory_stops_at_the_first_non_finite_point():
    """Does a diverging run stop before its first NaN or inf, keeping only finite points?"""
    points = trajectory(plain_sgd, SURFACES["rosenbrock"], (-1.5, 2.5), 200, {"learning_rate": 0.1})
    assert len(points) < 201
    assert np.all(np.isfinite(points))


def test_trajectory_runs_several_starts_at_once():
    """With starts of shape (K, 2), is each run the same as run alone (rules are elementwise)?"""
    ravine = SURFACES["ravine"]
    starts = np.array([[1.0, 1.0], [-3.0, 0.5], [2.0, -2.0]])
    together = trajectory(heavy_ball, ravine, starts, 30, {"learning_rate": 0.2})
    assert together.shape == (31, 3, 2)
    for k, start in enumerate(starts):
        assert np.allclose(together[:, k], trajectory(heavy_ball, ravine, start, 30, {"learning_rate": 0.2}))


def test_race_matches_separate_trajectories_and_reports_every_outcome():
    """Does race give each rule its own trajectory and name stubs, divergence and errors instead of raising?"""
    def broken(w, dw, config=None):
        return w + dw[5], config

    rosenbrock = SURFACES["rosenbrock"]
    rules = {"sgd": plain_sgd, "momentum": heavy_ball, "stub": stub, "broken": broken}
    runs = race(rules, rosenbrock, (-1.5, 2.5), 100, {"learning_rate": 1e-3})
    assert list(runs) == list(rules)
    for label in ("sgd", "momentum"):
        alone = trajectory(rules[label], rosenbrock, (-1.5, 2.5), 100, {"learning_rate": 1e-3})
        assert np.allclose(runs[label].points, alone) and runs[label].status == "ok"
        assert np.allclose(runs[label].losses, rosenbrock.f(alone))
    assert runs["stub"].status == NOT_IMPLEMENTED and runs["stub"].steps_done == 0
    assert runs["broken"].status.startswith("error: IndexError")
    fast = race({"sgd": plain_sgd}, rosenbrock, (-1.5, 2.5), 100, {"learning_rate": 0.1})["sgd"]
    assert fast.status == "diverged" and np.all(np.isfinite(fast.points)) and fast.steps_done < 100

    def explodes(w, dw, config=None):
        return w * 1e100, config  # 1e100, 1e200, 1e300, then inf at the 4th update

    mixed = race({"sgd": plain_sgd, "explodes": explodes}, rosenbrock, (-1.5, 2.5), 100, {"learning_rate": 1e-3})
    assert mixed["explodes"].status == "diverged" and mixed["explodes"].steps_done == 3
    assert np.allclose(mixed["sgd"].points, runs["sgd"].points) and mixed["sgd"].status == "ok"
