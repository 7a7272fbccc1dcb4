"""Wrong answers to 08_batch_normalization that the hidden tests must reject."""

import numpy as np


def _bn(x, gamma, beta, bn_param, ddof=0, eps_inside=True, swap_momentum=False, update_in_test=False,
        batch_stats_in_test=False, store=True, axis=0, fixed_defaults=False, in_place=False, running_ddof=None,
        cache_in=("train",)):
    """One batchnorm forward with switches for the misconceptions below."""
    mode = bn_param["mode"]
    eps = 1e-5 if fixed_defaults else bn_param.get("eps", 1e-5)
    momentum = 0.9 if fixed_defaults else bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    old, new = (1 - momentum, momentum) if swap_momentum else (momentum, 1 - momentum)
    keep = axis == 1
    mu = x.mean(axis=axis, keepdims=keep)
    var = x.var(axis=axis, ddof=ddof, keepdims=keep)
    if mode == "test" and not batch_stats_in_test:
        mu_used, var_used = running_mean, running_var
    else:
        mu_used, var_used = mu, var
    std = np.sqrt(var_used + eps) if eps_inside else np.sqrt(var_used) + eps
    if in_place:
        x -= mu_used
        x_hat = x / std
    else:
        x_hat = (x - mu_used) / std
    out = gamma * x_hat + beta
    if store and (mode == "train" or update_in_test) and axis == 0:
        stat_var = var if running_ddof is None else x.var(axis=0, ddof=running_ddof)
        bn_param["running_mean"] = old * running_mean + new * mu
        bn_param["running_var"] = old * running_var + new * stat_var
    cache = (x, x_hat, mu_used, var_used, gamma, eps) if mode in cache_in else None
    return out, cache


def batchnorm_forward__unbiased_variance(x, gamma, beta, bn_param):
    """Uses the unbiased variance (ddof=1) of the batch instead of np.var's biased one."""
    return _bn(x, gamma, beta, bn_param, ddof=1)


def batchnorm_forward__eps_outside_sqrt(x, gamma, beta, bn_param):
    """Divides by sqrt(var) + eps instead of sqrt(var + eps)."""
    return _bn(x, gamma, beta, bn_param, eps_inside=False)


def batchnorm_forward__momentum_swapped(x, gamma, beta, bn_param):
    """Updates running = (1 - momentum) * running + momentum * batch: the weights swapped."""
    return _bn(x, gamma, beta, bn_param, swap_momentum=True)


def batchnorm_forward__updates_running_stats_in_test_mode(x, gamma, beta, bn_param):
    """Normalizes with the running statistics at test time, but also updates them with the test batch."""
    return _bn(x, gamma, beta, bn_param, update_in_test=True)


def batchnorm_forward__batch_statistics_in_test_mode(x, gamma, beta, bn_param):
    """Normalizes with the test batch's own statistics instead of the running ones."""
    return _bn(x, gamma, beta, bn_param, batch_stats_in_test=True)


def batchnorm_forward__running_stats_not_stored(x, gamma, beta, bn_param):
    """Computes the running statistics but never writes them back into bn_param."""
    return _bn(x, gamma, beta, bn_param, store=False)


def batchnorm_forward__normalizes_rows(x, gamma, beta, bn_param):
    """Normalizes each example over its units (axis 1): layer normalization, not batch normalization."""
    return _bn(x, gamma, beta, bn_param, axis=1)


def batchnorm_forward__ignores_given_eps_and_momentum(x, gamma, beta, bn_param):
    """Always uses eps = 1e-5 and momentum = 0.9, whatever bn_param says."""
    return _bn(x, gamma, beta, bn_param, fixed_defaults=True)


def batchnorm_forward__modifies_input(x, gamma, beta, bn_param):
    """Centres x in place (x -= mean), changing the caller's array."""
    return _bn(x, gamma, beta, bn_param, in_place=True)


def batchnorm_forward__running_var_unbiased(x, gamma, beta, bn_param):
    """Normalizes with the biased variance but averages the unbiased one into running_var."""
    return _bn(x, gamma, beta, bn_param, running_ddof=1)


def batchnorm_forward__no_cache_in_train_mode(x, gamma, beta, bn_param):
    """Returns cache None in train mode too, as if only the output mattered."""
    return _bn(x, gamma, beta, bn_param, cache_in=())


def batchnorm_forward__cache_in_test_mode(x, gamma, beta, bn_param):
    """Returns a cache (with the running statistics) in test mode too, where the contract says None."""
    return _bn(x, gamma, beta, bn_param, cache_in=("train", "test"))


def batchnorm_backward__missing_mean_term(dout, cache):
    """Drops the path through the mean: dx has no -mean(dx_hat) term."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - x_hat * np.mean(dx_hat * x_hat, axis=0)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def batchnorm_backward__missing_variance_term(dout, cache):
    """Drops the path through the variance: dx = (dx_hat - mean(dx_hat)) / std."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def batchnorm_backward__treats_statistics_as_constants(dout, cache):
    """Backpropagates as if mean and variance did not depend on x: dx = dout * gamma / std."""
    x, x_hat, mu, var, gamma, eps = cache
    return dout * gamma / np.sqrt(var + eps), np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def batchnorm_backward__dgamma_without_x_hat(dout, cache):
    """Sums dout alone for dgamma, forgetting the factor x_hat."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * np.mean(dx_hat * x_hat, axis=0)) / np.sqrt(var + eps)
    return dx, dout.sum(axis=0), dout.sum(axis=0)


def batchnorm_backward__dbeta_wrong_axis(dout, cache):
    """Sums dbeta over the units (axis 1) instead of over the batch."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * np.mean(dx_hat * x_hat, axis=0)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=1)


def batchnorm_backward__dx_without_gamma(dout, cache):
    """Forgets that x_hat is scaled by gamma: uses dout instead of dout * gamma."""
    x, x_hat, mu, var, gamma, eps = cache
    dx = (dout - dout.mean(axis=0) - x_hat * np.mean(dout * x_hat, axis=0)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def _ln(x, gamma, beta, ln_param, axis=1, ddof=0, eps_inside=True, fixed_eps=False):
    eps = 1e-5 if fixed_eps else ln_param.get("eps", 1e-5)
    mu = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    x_hat = (x - mu) / std
    return gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)


def layernorm_forward__normalizes_over_batch(x, gamma, beta, ln_param):
    """Normalizes each unit over the batch (axis 0), as batch normalization does."""
    return _ln(x, gamma, beta, ln_param, axis=0)


def layernorm_forward__unbiased_variance(x, gamma, beta, ln_param):
    """Uses the unbiased variance (ddof=1) of each row."""
    return _ln(x, gamma, beta, ln_param, ddof=1)


def layernorm_forward__eps_outside_sqrt(x, gamma, beta, ln_param):
    """Divides by sqrt(var) + eps instead of sqrt(var + eps)."""
    return _ln(x, gamma, beta, ln_param, eps_inside=False)


def layernorm_forward__ignores_given_eps(x, gamma, beta, ln_param):
    """Always uses eps = 1e-5, whatever ln_param says."""
    return _ln(x, gamma, beta, ln_param, fixed_eps=True)


def layernorm_backward__statistics_over_batch(dout, cache):
    """Uses batch normalization's backward formula (means over axis 0) for dx."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * np.mean(dx_hat * x_hat, axis=0)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def layernorm_backward__missing_mean_term(dout, cache):
    """Drops the path through the row mean."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def layernorm_backward__missing_variance_term(dout, cache):
    """Drops the path through the row variance."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def layernorm_backward__dgamma_summed_over_units(dout, cache):
    """Sums dgamma and dbeta over the units of each example (axis 1) instead of over the batch."""
    x, x_hat, mu, var, gamma, eps = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=1, keepdims=True)
          - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dx, np.sum(dout * x_hat, axis=1), dout.sum(axis=1)
