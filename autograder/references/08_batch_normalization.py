"""Reference solutions of 08_batch_normalization: GENERATED from solutions/08_batch_normalization/08_batch_normalization.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization, forward pass.

    Inputs:
    - x: array of shape (N, D), a minibatch of N pre-activations of D units.
    - gamma: array of shape (D,), the learned scale of each unit.
    - beta: array of shape (D,), the learned shift of each unit.
    - bn_param: dict, the layer's settings and state, kept by the caller:
      - "mode": "train" (normalize with the batch statistics and update the
        running ones) or "test" (normalize with the running statistics and
        leave them unchanged);
      - "eps": added to the variance inside the square root (1e-5);
      - "momentum": weight of the old running value in the update (0.9);
      - "running_mean", "running_var": arrays of shape (D,), zeros if
        absent; in train mode, set to momentum * running + (1 - momentum) *
        batch mean (resp. biased batch variance).

    Returns (out, cache): out of shape (N, D); cache is
    (x, x_hat, mu, var, gamma, eps) in train mode, None in test mode.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode not in ("train", "test"):
        raise ValueError(f"invalid batchnorm mode {mode!r}")
    out, cache = None, None
    if mode == "test":
        # nnpractice:reference
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:   # train
        # nnpractice:reference
        mu = x.mean(axis=0)
        var = x.var(axis=0)                      # biased: divides by N
        x_hat = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
        cache = (x, x_hat, mu, var, gamma, eps)
    return out, cache


def batchnorm_backward(dout, cache):
    """Batch normalization, backward pass (train mode).

    Inputs:
    - dout: array of shape (N, D), gradient of the loss with respect to out.
    - cache: (x, x_hat, mu, var, gamma, eps) from batchnorm_forward in train
      mode: the input (N, D), the normalized input (N, D), the batch mean and
      biased variance (D,), the scale (D,) and eps.

    Returns (dx, dgamma, dbeta): dx of shape (N, D), dgamma and dbeta of
    shape (D,), the gradients of the loss with respect to x, gamma and beta.
    """
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    # nnpractice:reference
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * inv_std**3
    dmu = -np.sum(dx_hat, axis=0) * inv_std + dvar * np.mean(-2.0 * (x - mu), axis=0)
    dx = dx_hat * inv_std + dvar * 2.0 * (x - mu) / N + dmu / N
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization, forward pass: each example normalized over its units.

    Inputs:
    - x: array of shape (N, D), N examples of D units.
    - gamma: array of shape (D,), the learned scale of each unit.
    - beta: array of shape (D,), the learned shift of each unit.
    - ln_param: dict, may hold "eps" (1e-5), added to each row's variance
      inside the square root; any other key (e.g. "mode") is ignored.

    Returns (out, cache): out of shape (N, D); cache is
    (x, x_hat, mu, var, gamma, eps) with mu and var of shape (N, 1), each
    row's mean and biased variance.
    """
    eps = ln_param.get("eps", 1e-5)
    # nnpractice:reference
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    return out, (x, x_hat, mu, var, gamma, eps)


def layernorm_backward(dout, cache):
    """Layer normalization, backward pass.

    Inputs:
    - dout: array of shape (N, D), gradient of the loss with respect to out.
    - cache: (x, x_hat, mu, var, gamma, eps) from layernorm_forward; mu and
      var have shape (N, 1).

    Returns (dx, dgamma, dbeta): dx of shape (N, D), dgamma and dbeta of
    shape (D,).
    """
    x, x_hat, mu, var, gamma, eps = cache
    # nnpractice:reference
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    dx = inv_std * (dx_hat - dx_hat.mean(axis=1, keepdims=True)
                    - x_hat * np.mean(dx_hat * x_hat, axis=1, keepdims=True))
    return dx, dgamma, dbeta
