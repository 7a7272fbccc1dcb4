"""Wrong answers to 02_optimizers that the hidden tests must reject."""

import numpy as np


def sgd__adds_gradient(w, dw, config=None):
    """Steps up the gradient: w + learning_rate * dw."""
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w + config["learning_rate"] * dw, config


def sgd__ignores_config_learning_rate(w, dw, config=None):
    """Hard-codes the step size 1e-2 instead of reading config["learning_rate"]."""
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w - 1e-2 * dw, config


def sgd__default_learning_rate_1e3(w, dw, config=None):
    """Uses Adam's default learning rate 1e-3 for SGD."""
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-3)
    return w - config["learning_rate"] * dw, config


def _momentum_defaults(w, config):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    config.setdefault("velocity", np.zeros_like(w))
    return config


def sgd_momentum__velocity_sign_flipped(w, dw, config=None):
    """Adds the gradient to the velocity (v = mu * v + lr * dw) and steps w + v: uphill."""
    config = _momentum_defaults(w, config)
    v = config["momentum"] * config["velocity"] + config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def sgd_momentum__velocity_not_stored(w, dw, config=None):
    """Computes the velocity but never writes it back to config, so every step starts from v = 0."""
    config = _momentum_defaults(w, config)
    v = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    return w + v, config


def sgd_momentum__learning_rate_outside_velocity(w, dw, config=None):
    """Keeps v = mu * v - dw and steps w + lr * v (another parametrization, not the course's velocity)."""
    config = _momentum_defaults(w, config)
    v = config["momentum"] * config["velocity"] - dw
    config["velocity"] = v
    return w + config["learning_rate"] * v, config


def nesterov_momentum__classic_momentum(w, dw, config=None):
    """Classic momentum (w + v) in place of Nesterov's x_ahead update."""
    config = _momentum_defaults(w, config)
    v = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def nesterov_momentum__new_velocity_twice(w, dw, config=None):
    """Uses the new velocity where v_prev belongs: w - mu * v + (1 + mu) * v = w + v."""
    config = _momentum_defaults(w, config)
    mu = config["momentum"]
    v = mu * config["velocity"] - config["learning_rate"] * dw
    config["velocity"] = v
    return w - mu * v + (1 + mu) * v, config


def nesterov_momentum__velocity_not_stored(w, dw, config=None):
    """Computes the x_ahead step but never stores the new velocity in config."""
    config = _momentum_defaults(w, config)
    mu, v_prev = config["momentum"], config["velocity"]
    v = mu * v_prev - config["learning_rate"] * dw
    return w - mu * v_prev + (1 + mu) * v, config


def _adaptive_defaults(w, config, **defaults):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    for key, value in defaults.items():
        config.setdefault(key, value)
    return config


def adagrad__no_square_root(w, dw, config=None):
    """Divides by the cache itself instead of its square root."""
    config = _adaptive_defaults(w, config)
    config["cache"] = config["cache"] + dw**2
    return w - config["learning_rate"] * dw / (config["cache"] + config["epsilon"]), config


def adagrad__cache_not_stored(w, dw, config=None):
    """Adds dw**2 to a local cache that is never written back to config."""
    config = _adaptive_defaults(w, config)
    cache = config["cache"] + dw**2
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def adagrad__leaky_cache(w, dw, config=None):
    """Decays the cache like RMSprop (0.99) instead of summing every squared gradient."""
    config = _adaptive_defaults(w, config)
    config["cache"] = 0.99 * config["cache"] + 0.01 * dw**2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop__epsilon_inside_square_root(w, dw, config=None):
    """Puts epsilon inside the root: sqrt(cache + eps) floors the denominator at 1e-4."""
    config = _adaptive_defaults(w, config, decay_rate=0.99)
    rho = config["decay_rate"]
    config["cache"] = rho * config["cache"] + (1 - rho) * dw**2
    return w - config["learning_rate"] * dw / np.sqrt(config["cache"] + config["epsilon"]), config


def rmsprop__decay_on_wrong_term(w, dw, config=None):
    """Swaps the weights: cache = (1 - rho) * cache + rho * dw**2."""
    config = _adaptive_defaults(w, config, decay_rate=0.99)
    rho = config["decay_rate"]
    config["cache"] = (1 - rho) * config["cache"] + rho * dw**2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop__ignores_decay_rate(w, dw, config=None):
    """Hard-codes rho = 0.99 instead of reading config["decay_rate"]."""
    config = _adaptive_defaults(w, config, decay_rate=0.99)
    config["cache"] = 0.99 * config["cache"] + 0.01 * dw**2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def _adam_defaults(w, config):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    return config


def adam__no_bias_correction(w, dw, config=None):
    """Uses m and v directly: the first steps are far too small."""
    config = _adam_defaults(w, config)
    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    config["m"] = b1 * config["m"] + (1 - b1) * dw
    config["v"] = b2 * config["v"] + (1 - b2) * dw**2
    return w - config["learning_rate"] * config["m"] / (np.sqrt(config["v"]) + config["epsilon"]), config


def adam__t_incremented_after_use(w, dw, config=None):
    """Bias-corrects with the old t and increments it afterwards (first step divides by 1 - beta**0 = 0)."""
    config = _adam_defaults(w, config)
    b1, b2, t = config["beta1"], config["beta2"], config["t"]
    config["m"] = b1 * config["m"] + (1 - b1) * dw
    config["v"] = b2 * config["v"] + (1 - b2) * dw**2
    m_hat = config["m"] / (1 - b1**t)
    v_hat = config["v"] / (1 - b2**t)
    config["t"] = t + 1
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def adam__moments_not_stored(w, dw, config=None):
    """Computes m and v locally and never writes them back: every step is a first step."""
    config = _adam_defaults(w, config)
    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    m = b1 * config["m"] + (1 - b1) * dw
    v = b2 * config["v"] + (1 - b2) * dw**2
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def adam__epsilon_inside_square_root(w, dw, config=None):
    """Puts epsilon inside the root of v_hat."""
    config = _adam_defaults(w, config)
    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = b1 * config["m"] + (1 - b1) * dw
    config["v"] = b2 * config["v"] + (1 - b2) * dw**2
    m_hat, v_hat = config["m"] / (1 - b1**t), config["v"] / (1 - b2**t)
    return w - config["learning_rate"] * m_hat / np.sqrt(v_hat + config["epsilon"]), config
