"""Reference solutions of 01_gradient_checks: GENERATED from solutions/01_gradient_checks/01_gradient_checks.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def rel_error(a, b):
    """Largest elementwise relative error between two arrays.

    Inputs:
    - a, b: arrays of the same shape (or scalars).

    Returns a float: max over elements of |a - b| / max(|a|, |b|), where an
    element with a == b == 0 counts as 0.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    # nnpractice:reference
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    safe_scale = np.where(scale > 0, scale, 1.0)  # both zero: diff is 0 too
    return float(np.max(diff / safe_scale))


def eval_numerical_gradient(f, x, h=1e-5):
    """Numerical gradient of a scalar function by centered differences.

    Inputs:
    - f: function taking one array (x itself) and returning a scalar.
    - x: float array of any shape, the point at which to differentiate;
      perturbed in place during the call and restored exactly afterwards.
    - h: step size. Keep x in float64: in float32, h = 1e-5 is lost
      in rounding.

    Returns grad, an array of x's shape: grad[i] ~ df/dx[i].
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        # nnpractice:reference
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x)
        x[ix] = old_value - h
        f_minus = f(x)
        x[ix] = old_value
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numerical gradient of sum(f(x) * df) with respect to x.

    Inputs:
    - f: function taking one array (x itself) and returning an array.
    - x: float array of any shape; perturbed in place and restored.
    - df: array of f(x)'s shape, the upstream gradient dL/df(x).
    - h: step size.

    Returns grad, an array of x's shape: grad[i] ~ dL/dx[i].
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        # nnpractice:reference
        old_value = x[ix]
        x[ix] = old_value + h
        out_plus = np.array(f(x), dtype=np.float64)  # copy: f may return a view of x
        x[ix] = old_value - h
        out_minus = np.array(f(x), dtype=np.float64)
        x[ix] = old_value
        grad[ix] = np.sum((out_plus - out_minus) * df) / (2 * h)
    return grad


def kinks_crossed(z, h):
    """Which ReLU inputs a centered difference of step h straddles the kink of.

    Inputs:
    - z: array of any shape, pre-activations of a ReLU.
    - h: positive step size of the centered difference.

    Returns a boolean array of z's shape: True where max(0, .) is not the same
    linear piece at z - h and at z + h (the two points lie strictly on
    either side of 0), so that the centered difference there measures a
    kink, not the slope.
    """
    z = np.asarray(z)
    # nnpractice:reference
    return (z - h < 0) & (z + h > 0)


def grad_check_sparse(f, params, grads, num_checks=5, h=1e-5, seed=0):
    """Compare analytic and numerical gradients at random coordinates of every parameter.

    Inputs:
    - f: function of no arguments returning the scalar loss computed from the
      arrays in params.
    - params: dict name -> float64 array; perturbed in place and restored.
    - grads: dict name -> array of the same shape, the analytic gradients.
    - num_checks: number of random coordinates checked in EACH array.
    - h: step size of the centered difference.
    - seed: seed of the coordinates (np.random.default_rng(seed)).

    Returns a dict name -> float, the largest relative error found in that
    parameter's checked coordinates.
    """
    rng = np.random.default_rng(seed)
    errors = {}
    for name, param in params.items():
        # nnpractice:reference
        worst = 0.0
        for _ in range(num_checks):
            ix = tuple(int(rng.integers(n)) for n in param.shape)
            old_value = param[ix]
            param[ix] = old_value + h
            f_plus = f()
            param[ix] = old_value - h
            f_minus = f()
            param[ix] = old_value
            numeric = (f_plus - f_minus) / (2 * h)
            worst = max(worst, rel_error(numeric, grads[name][ix]))
        errors[name] = worst
    return errors
