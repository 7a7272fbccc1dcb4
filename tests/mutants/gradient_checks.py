"""Wrong answers to 01_gradient_checks that the hidden tests must reject."""

import numpy as np


def rel_error__zero_over_zero(a, b):
    """Divides 0 by 0 where both elements are 0, so the result is NaN."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(all="ignore"):
        return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))


def rel_error__sum_in_denominator(a, b):
    """Divides by |a| + |b| (another common formula), not by max(|a|, |b|)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def rel_error__mean_not_max(a, b):
    """Averages the elementwise errors, hiding one bad element among many good ones."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.mean(np.abs(a - b) / np.where(scale > 0, scale, 1.0)))


def rel_error__no_absolute_values(a, b):
    """Forgets the absolute values in the denominator."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(a, b)
    return float(np.max(np.abs(a - b) / np.where(scale != 0, scale, 1.0)))


def eval_numerical_gradient__forward_difference(f, x, h=1e-5):
    """Uses (f(x + h) - f(x)) / h, whose error is O(h) instead of O(h^2)."""
    grad = np.zeros_like(x, dtype=np.float64)
    f_x = f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - f_x) / h
        x[ix] = old
    return grad


def eval_numerical_gradient__divides_by_h(f, x, h=1e-5):
    """Centered difference divided by h instead of 2h."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / h
    return grad


def eval_numerical_gradient__restores_by_arithmetic(f, x, h=1e-5):
    """Puts x back by adding h again, which rounds: x is not restored exactly."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        f_plus = f(x)
        x[ix] -= 2 * h
        f_minus = f(x)
        x[ix] += h
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def eval_numerical_gradient__perturbs_a_copy(f, x, h=1e-5):
    """Perturbs a copy of x, so a function reading the original array sees no change."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[ix] += h
        x_minus[ix] -= h
        grad[ix] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


def eval_numerical_gradient__ignores_h(f, x, h=1e-5):
    """Hard-codes the step 1e-5 and ignores the h argument."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + 1e-5
        f_plus = f(x)
        x[ix] = old - 1e-5
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / 2e-5
    return grad


def eval_numerical_gradient_array__ignores_df(f, x, df, h=1e-5):
    """Sums the change of every output without weighting it by the upstream gradient."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        out_plus = np.array(f(x), dtype=np.float64)
        x[ix] = old - h
        out_minus = np.array(f(x), dtype=np.float64)
        x[ix] = old
        grad[ix] = np.sum(out_plus - out_minus) / (2 * h)
    return grad


def eval_numerical_gradient_array__forward_difference(f, x, df, h=1e-5):
    """One-sided difference for a layer: O(h) error."""
    grad = np.zeros_like(x, dtype=np.float64)
    out = np.array(f(x), dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        out_plus = np.array(f(x), dtype=np.float64)
        x[ix] = old
        grad[ix] = np.sum((out_plus - out) * df) / h
    return grad


def eval_numerical_gradient_array__ignores_h(f, x, df, h=1e-5):
    """Hard-codes the step 1e-5 and ignores the h argument."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + 1e-5
        out_plus = np.array(f(x), dtype=np.float64)
        x[ix] = old - 1e-5
        out_minus = np.array(f(x), dtype=np.float64)
        x[ix] = old
        grad[ix] = np.sum((out_plus - out_minus) * df) / 2e-5
    return grad


def kinks_crossed__one_sided(z, h):
    """Only checks z - h < 0, so every negative input counts as a crossing."""
    return np.asarray(z) - h < 0


def kinks_crossed__width_2h(z, h):
    """Uses |z| < 2h: the interval is (z - h, z + h), of half-width h, not 2h."""
    return np.abs(np.asarray(z)) < 2 * h


def kinks_crossed__touching_counts(z, h):
    """Counts z = +-h (the interval touches the kink) as a crossing."""
    return np.abs(np.asarray(z)) <= h


def _relative(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def _check_coordinate(f, param, ix, analytic, h):
    old = param[ix]
    param[ix] = old + h
    f_plus = f()
    param[ix] = old - h
    f_minus = f()
    param[ix] = old
    return _relative((f_plus - f_minus) / (2 * h), analytic)


def grad_check_sparse__concatenated_vector(f, params, grads, num_checks=5, h=1e-5, seed=0):
    """Samples coordinates of all parameters flattened together: small arrays are rarely checked."""
    rng = np.random.default_rng(seed)
    names = list(params)
    sizes = [params[n].size for n in names]
    errors = {n: 0.0 for n in names}
    for flat in rng.integers(sum(sizes), size=num_checks * len(names)):
        k = int(np.searchsorted(np.cumsum(sizes), flat, side="right"))
        name = names[k]
        ix = np.unravel_index(flat - sum(sizes[:k]), params[name].shape)
        errors[name] = max(errors[name], _check_coordinate(f, params[name], ix, grads[name][ix], h))
    return errors


def grad_check_sparse__first_parameter_only(f, params, grads, num_checks=5, h=1e-5, seed=0):
    """Checks the first parameter array and reports 0 for the others."""
    rng = np.random.default_rng(seed)
    errors = {n: 0.0 for n in params}
    first = next(iter(params))
    for _ in range(num_checks * len(params)):
        ix = tuple(int(rng.integers(n)) for n in params[first].shape)
        errors[first] = max(errors[first], _check_coordinate(f, params[first], ix, grads[first][ix], h))
    return errors


def grad_check_sparse__not_restored(f, params, grads, num_checks=5, h=1e-5, seed=0):
    """Leaves each checked coordinate at x - h instead of restoring it."""
    rng = np.random.default_rng(seed)
    errors = {}
    for name, param in params.items():
        worst = 0.0
        for _ in range(num_checks):
            ix = tuple(int(rng.integers(n)) for n in param.shape)
            old = param[ix]
            param[ix] = old + h
            f_plus = f()
            param[ix] = old - h
            f_minus = f()
            worst = max(worst, _relative((f_plus - f_minus) / (2 * h), grads[name][ix]))
        errors[name] = worst
    return errors


def grad_check_sparse__unseeded(f, params, grads, num_checks=5, h=1e-5, seed=0):
    """Ignores the seed (fresh randomness every call), so runs are not reproducible."""
    rng = np.random.default_rng()
    errors = {}
    for name, param in params.items():
        worst = 0.0
        for _ in range(num_checks):
            ix = tuple(int(rng.integers(n)) for n in param.shape)
            worst = max(worst, _check_coordinate(f, param, ix, grads[name][ix], h))
        errors[name] = worst
    return errors


def rel_error__signed_scale(a, b):
    """Scales by max(a, |b|): a negative a of the larger size does not count by its magnitude."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.maximum(a, np.abs(b))
    safe_scale = np.where(scale > 0, scale, 1.0)
    return float(np.max(np.abs(a - b) / safe_scale))


def eval_numerical_gradient_array__keeps_the_returned_array(f, x, df, h=1e-5):
    """Keeps f(x + h) without a copy: when f returns the same array each call, the difference is 0."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old_value = x[ix]
        x[ix] = old_value + h
        out_plus = f(x)
        x[ix] = old_value - h
        out_minus = f(x)
        x[ix] = old_value
        grad[ix] = np.sum((out_plus - out_minus) * df) / (2 * h)
    return grad


def eval_numerical_gradient__smaller_default_step(f, x, h=1e-6):
    """Defaults to h = 1e-6 ("smaller is more accurate") instead of the chapter's 1e-5."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x)
        x[ix] = old_value - h
        f_minus = f(x)
        x[ix] = old_value
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def eval_numerical_gradient_array__smaller_default_step(f, x, df, h=1e-6):
    """Defaults to h = 1e-6 ("smaller is more accurate") instead of the chapter's 1e-5."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old_value = x[ix]
        x[ix] = old_value + h
        out_plus = np.array(f(x), dtype=np.float64)
        x[ix] = old_value - h
        out_minus = np.array(f(x), dtype=np.float64)
        x[ix] = old_value
        grad[ix] = np.sum((out_plus - out_minus) * df) / (2 * h)
    return grad


def grad_check_sparse__six_checks_by_default(f, params, grads, num_checks=6, h=1e-5, seed=0):
    """Defaults to num_checks = 6 instead of 5: another set of coordinates is checked."""
    rng = np.random.default_rng(seed)
    errors = {}
    for name, param in params.items():
        worst = 0.0
        for _ in range(num_checks):
            ix = tuple(int(rng.integers(n)) for n in param.shape)
            worst = max(worst, _check_coordinate(f, param, ix, grads[name][ix], h))
        errors[name] = worst
    return errors


def grad_check_sparse__num_checks_in_total(f, params, grads, num_checks=5, h=1e-5, seed=0):
    """Spreads num_checks coordinates over all the arrays instead of checking num_checks in each."""
    rng = np.random.default_rng(seed)
    names = list(params)
    errors = {name: 0.0 for name in names}
    for k in range(num_checks):
        name = names[k % len(names)]
        param = params[name]
        ix = tuple(int(rng.integers(n)) for n in param.shape)
        errors[name] = max(errors[name], _check_coordinate(f, param, ix, grads[name][ix], h))
    return errors
