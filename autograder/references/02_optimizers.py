"""Reference solutions of 02_optimizers: GENERATED from solutions/02_optimizers/02_optimizers.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent.

    Inputs:
    - w: array of any shape, current weights.
    - dw: array, same shape as w; gradient of the loss with respect to w.
    - config: dict or None. Reads learning_rate (default 1e-2).

    Returns (next_w, config): next_w has w's shape; pass config on.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    # nnpractice:reference
    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """SGD with (classic, "heavy ball") momentum.

    Inputs:
    - w: array of any shape, current weights; may be updated in place.
    - dw: array, same shape as w; gradient of the loss with respect to w.
    - config: dict or None. Reads learning_rate (1e-2) and momentum (0.9);
      keeps velocity (shape of w, zeros at first): store the new one there.

    Returns (next_w, config): next_w has w's shape; pass config on.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    if "velocity" not in config:  # the first step
        config["velocity"] = np.zeros_like(w)
    # nnpractice:reference
    velocity = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    next_w = w + velocity
    config["velocity"] = velocity
    return next_w, config


def nesterov_momentum(w, dw, config=None):
    """Nesterov momentum in the "x_ahead" form (dw is taken at w itself).

    Inputs:
    - w: array of any shape, current weights (the look-ahead point); may be
      updated in place.
    - dw: array, same shape as w; gradient of the loss at w.
    - config: dict or None. Reads learning_rate (1e-2) and momentum (0.9);
      keeps velocity (shape of w, zeros at first): store the new one there.

    Returns (next_w, config): next_w has w's shape; pass config on.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    if "velocity" not in config:  # the first step
        config["velocity"] = np.zeros_like(w)
    # nnpractice:reference
    mu = config["momentum"]
    v_prev = config["velocity"]
    v_new = mu * v_prev - config["learning_rate"] * dw
    next_w = w - mu * v_prev + (1 + mu) * v_new
    config["velocity"] = v_new
    return next_w, config


def adagrad(w, dw, config=None):
    """Adagrad: per-coordinate step sizes shrinking with the sum of squared gradients.

    Inputs:
    - w: array of any shape, current weights; may be updated in place.
    - dw: array, same shape as w; gradient of the loss with respect to w.
    - config: dict or None. Reads learning_rate (1e-2) and epsilon (1e-8);
      keeps cache (shape of w, zeros at first), the running sum of dw**2.

    Returns (next_w, config): next_w has w's shape; pass config on.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    if "cache" not in config:  # the first step
        config["cache"] = np.zeros_like(w)
    # nnpractice:reference
    summed = config["cache"] + dw**2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(summed) + config["epsilon"])
    config["cache"] = summed
    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSprop: Adagrad with a leaky (exponentially decaying) cache.

    Inputs:
    - w: array of any shape, current weights; may be updated in place.
    - dw: array, same shape as w; gradient of the loss with respect to w.
    - config: dict or None. Reads learning_rate (1e-2), decay_rate (0.99)
      and epsilon (1e-8); keeps cache (shape of w, zeros at first), the
      moving average of dw**2.

    Returns (next_w, config): next_w has w's shape; pass config on.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    if "cache" not in config:  # the first step
        config["cache"] = np.zeros_like(w)
    # nnpractice:reference
    rho = config["decay_rate"]
    leaky = rho * config["cache"] + (1 - rho) * dw**2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(leaky) + config["epsilon"])
    config["cache"] = leaky
    return next_w, config


def adam(w, dw, config=None):
    """Adam update with bias-corrected moment estimates.

    Inputs:
    - w: array of any shape, current weights; may be updated in place.
    - dw: array, same shape as w; gradient of the loss with respect to w.
    - config: dict or None. Reads learning_rate (1e-3), beta1 (0.9),
      beta2 (0.999), epsilon (1e-8); keeps m, v (shape of w, zeros at
      first) and t (0 at first, incremented before use).

    Returns (next_w, config): next_w has w's shape; pass config on.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    if "m" not in config:  # the first step
        config["m"], config["v"] = np.zeros_like(w), np.zeros_like(w)
    config.setdefault("t", 0)
    # nnpractice:reference
    beta1, beta2 = config["beta1"], config["beta2"]
    config["t"] += 1  # t first: bias correction needs t >= 1
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    config["v"] = beta2 * config["v"] + (1 - beta2) * dw**2
    m_hat = config["m"] / (1 - beta1 ** config["t"])
    v_hat = config["v"] / (1 - beta2 ** config["t"])
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    return next_w, config
