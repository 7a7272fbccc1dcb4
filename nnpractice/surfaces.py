"""Two-dimensional loss surfaces on which optimizers are watched at work.

Each surface is a `Surface`: the function `f`, its analytic gradient `grad`,
where its minimum is (None when it has none, e.g. a saddle), the view box to
draw it in, an instructive start point and learning rate, and contour levels.
`f` and `grad` are vectorized: they take points of shape (..., 2), the last
axis holding (x, y), and return shape (...) and (..., 2).

- saddle: x^2 - y^2, flat at the origin, where gradient descent stalls.
- ravine: 0.1 x^2 + 2.5 y^2, an elongated bowl (condition number 25) in
  which plain SGD zig-zags across and crawls along.
- beale: Beale's function, flat plateaus and steep walls, minimum at (3, 0.5).
- rosenbrock: a curved banana valley, minimum at (1, 1).

The tests prove every gradient against a centered difference.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Surface:
    """A loss surface f(x, y) with its gradient and how to look at it.

    Fields:
    - name: short name, e.g. "ravine".
    - title: what to call it in a figure, e.g. "ravine 0.1x² + 2.5y²".
    - f: function of points (..., 2) returning losses (...).
    - grad: function of points (..., 2) returning gradients (..., 2).
    - box: (x_min, x_max, y_min, y_max), the view.
    - start: default start point (x, y).
    - learning_rate: a default learning rate that shows the surface's lesson.
    - minimum: (x, y) of the global minimum, or None.
    - levels: contour levels (None: matplotlib chooses).
    - log_loss: plot the loss on a log scale (True for non-negative f).
    """

    name: str
    title: str
    f: object
    grad: object
    box: tuple
    start: tuple
    learning_rate: float
    minimum: tuple = None
    levels: object = field(default=None, compare=False)
    log_loss: bool = True

    def contains(self, points):
        """Boolean array (...): whether each point (..., 2) lies inside the view box."""
        points = np.asarray(points, dtype=float)
        x_min, x_max, y_min, y_max = self.box
        x, y = points[..., 0], points[..., 1]
        return (x >= x_min) & (x <= x_max) & (y >= y_min) & (y <= y_max)

    def grid(self, num=200):
        """(X, Y, Z) on a num x num grid over the view box, for contour plots."""
        x_min, x_max, y_min, y_max = self.box
        X, Y = np.meshgrid(np.linspace(x_min, x_max, num), np.linspace(y_min, y_max, num))
        return X, Y, self.f(np.stack([X, Y], axis=-1))


def _xy(points):
    points = np.asarray(points, dtype=float)
    return points[..., 0], points[..., 1]


def _stack(dx, dy):
    out = np.empty(np.shape(dx) + (2,))
    out[..., 0] = dx
    out[..., 1] = dy
    return out


def saddle_f(points):
    x, y = _xy(points)
    return x**2 - y**2


def saddle_grad(points):
    x, y = _xy(points)
    return _stack(2 * x, -2 * y)


def ravine_f(points):
    x, y = _xy(points)
    return 0.1 * x**2 + 2.5 * y**2


def ravine_grad(points):
    x, y = _xy(points)
    return _stack(0.2 * x, 5.0 * y)


def beale_f(points):
    x, y = _xy(points)
    return (1.5 - x + x * y)**2 + (2.25 - x + x * y**2)**2 + (2.625 - x + x * y**3)**2


def beale_grad(points):
    x, y = _xy(points)
    y2 = y * y
    y3 = y2 * y
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y2
    c = 2.625 - x + x * y3
    return _stack(2 * (a * (y - 1) + b * (y2 - 1) + c * (y3 - 1)),
                  2 * x * (a + 2 * b * y + 3 * c * y2))


def rosenbrock_f(points):
    x, y = _xy(points)
    return (1 - x)**2 + 100 * (y - x**2)**2


def rosenbrock_grad(points):
    x, y = _xy(points)
    inner = y - x**2
    return _stack(-2 * (1 - x) - 400 * x * inner, 200 * inner)


SURFACES = {
    "saddle": Surface("saddle", "saddle x² − y²", saddle_f, saddle_grad, box=(-1.5, 1.5, -1.5, 1.5),
                      start=(1.4, 0.01), learning_rate=0.01, minimum=None,
                      levels=np.linspace(-2.25, 2.25, 19), log_loss=False),
    "ravine": Surface("ravine", "ravine 0.1x² + 2.5y² (condition number 25)", ravine_f, ravine_grad,
                      box=(-6.0, 6.0, -3.0, 3.0), start=(-5.5, 1.5), learning_rate=0.35, minimum=(0.0, 0.0),
                      levels=np.geomspace(0.01, 25, 14)),
    "beale": Surface("beale", "Beale's function", beale_f, beale_grad, box=(-4.5, 4.5, -4.5, 4.5),
                     start=(1.0, 1.4), learning_rate=0.01, minimum=(3.0, 0.5),
                     levels=np.geomspace(0.05, 1e5, 20)),
    "rosenbrock": Surface("rosenbrock", "Rosenbrock (1−x)² + 100(y−x²)²", rosenbrock_f, rosenbrock_grad,
                          box=(-2.0, 2.0, -1.0, 3.0), start=(-1.5, 2.5), learning_rate=1e-3, minimum=(1.0, 1.0),
                          levels=np.geomspace(0.1, 2500, 16)),
}
