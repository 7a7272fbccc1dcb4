"""Wrong answers to 09_modern_practice that the hidden tests must reject."""

import numpy as np


def _defaults(config, w):
    """Chapter 2's Adam keys plus weight_decay, with their defaults."""
    config = {} if config is None else config
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8),
                       ("weight_decay", 1e-2)):
        config.setdefault(key, value)
    if "m" not in config:
        config["m"], config["v"] = np.zeros_like(w), np.zeros_like(w)
    config.setdefault("t", 0)
    return config


def adamw__decay_added_to_gradient(w, dw, config=None):
    """Adds weight_decay * w to the gradient: Adam with L2, not AdamW."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("weight_decay", 1e-2)
    if "m" not in config:
        config["m"], config["v"] = np.zeros_like(w), np.zeros_like(w)
    config.setdefault("t", 0)
    config["t"] += 1
    g = dw + config["weight_decay"] * w
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * g
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * g**2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def adamw__decay_divided_by_denominator(w, dw, config=None):
    """Puts the decay inside Adam's step, so it is divided by sqrt(v_hat) + epsilon."""
    config = _defaults(config, w)
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw**2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    step = (m_hat + config["weight_decay"] * w) / (np.sqrt(v_hat) + config["epsilon"])
    return w - config["learning_rate"] * step, config


def adamw__decay_not_scaled_by_learning_rate(w, dw, config=None):
    """Decays by weight_decay * w, forgetting torch's factor learning_rate."""
    config = _defaults(config, w)
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw**2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    decayed = w - config["weight_decay"] * w
    return decayed - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def adamw__decays_the_updated_weights(w, dw, config=None):
    """Takes Adam's step first, then decays the new weights instead of the old ones."""
    config = _defaults(config, w)
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw**2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    stepped = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    return stepped - config["learning_rate"] * config["weight_decay"] * stepped, config


def _cosine(step, total_steps, lr_max, warmup_steps, lr_min, span):
    progress = (step - warmup_steps) / span
    return lr_min + (lr_max - lr_min) * (1 + np.cos(np.pi * progress)) / 2


def warmup_cosine__warmup_off_by_one(step, total_steps, lr_max, warmup_steps=0, lr_min=0.0):
    """Warms up with (step + 1) / warmup_steps: one step ahead, lr_max already at the last warmup step."""
    if step < warmup_steps:
        return lr_max * (step + 1) / warmup_steps
    if step >= total_steps:
        return lr_min
    return _cosine(step, total_steps, lr_max, warmup_steps, lr_min, total_steps - warmup_steps)


def warmup_cosine__never_reaches_lr_min(step, total_steps, lr_max, warmup_steps=0, lr_min=0.0):
    """Spreads the cosine over total_steps instead of total_steps - warmup_steps: not at lr_min in time."""
    if step < warmup_steps:
        return lr_max * step / warmup_steps
    if step > total_steps:
        return lr_min
    return _cosine(step, total_steps, lr_max, warmup_steps, lr_min, total_steps)


def warmup_cosine__rises_after_total_steps(step, total_steps, lr_max, warmup_steps=0, lr_min=0.0):
    """Forgets to hold lr_min after total_steps: the cosine climbs back up."""
    if step < warmup_steps:
        return lr_max * step / warmup_steps
    return _cosine(step, total_steps, lr_max, warmup_steps, lr_min, total_steps - warmup_steps)


def warmup_cosine__ignores_lr_min(step, total_steps, lr_max, warmup_steps=0, lr_min=0.0):
    """Decays to 0 whatever lr_min is."""
    if step < warmup_steps:
        return lr_max * step / warmup_steps
    if step >= total_steps:
        return 0.0
    return _cosine(step, total_steps, lr_max, warmup_steps, 0.0, total_steps - warmup_steps)


def _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor, rates_of=None,
                stops=True, corrected=True, divide=10.0, record_last=True, at_factor=False):
    grid = rates_of(lr_min, lr_max, num_steps) if rates_of else \
        [lr_min * (lr_max / lr_min) ** (i / (num_steps - 1)) for i in range(num_steps)]
    rates, losses = [], []
    average, best = 0.0, np.inf
    for i, lr in enumerate(grid):
        loss = train_step(lr)
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** (i + 1)) if corrected else average
        diverged = not np.isfinite(smoothed) or (smoothed >= diverge_factor * best if at_factor
                                                 else smoothed > diverge_factor * best)
        if record_last or not diverged:
            rates.append(lr)
            losses.append(smoothed)
        if stops and diverged:
            break
        best = min(best, smoothed)
    lowest = int(np.argmin([x if np.isfinite(x) else np.inf for x in losses]))
    return np.array(rates), np.array(losses), float(rates[lowest] / divide)


def lr_range_test__never_stops(train_step, lr_min, lr_max, num_steps, smoothing=0.98, diverge_factor=4.0):
    """Runs all num_steps even after the loss diverged."""
    return _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor, stops=False)


def lr_range_test__linear_rates(train_step, lr_min, lr_max, num_steps, smoothing=0.98, diverge_factor=4.0):
    """Spaces the rates linearly: almost all steps at large rates."""
    return _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor,
                       rates_of=lambda low, high, n: list(np.linspace(low, high, n)))


def lr_range_test__no_bias_correction(train_step, lr_min, lr_max, num_steps, smoothing=0.98, diverge_factor=4.0):
    """Uses the raw moving average, which starts near 0."""
    return _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor, corrected=False)


def lr_range_test__suggests_the_minimum(train_step, lr_min, lr_max, num_steps, smoothing=0.98, diverge_factor=4.0):
    """Suggests the rate at the lowest loss itself, at the edge of divergence."""
    return _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor, divide=1.0)


def lr_range_test__drops_the_diverging_step(train_step, lr_min, lr_max, num_steps, smoothing=0.98,
                                            diverge_factor=4.0):
    """Stops at the right step but does not record it: one rate fewer than the steps taken."""
    return _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor, record_last=False)


def lr_range_test__stops_at_the_factor(train_step, lr_min, lr_max, num_steps, smoothing=0.98, diverge_factor=4.0):
    """Stops when the smoothed loss reaches diverge_factor times the best (>=), not only when it exceeds it."""
    return _range_test(train_step, lr_min, lr_max, num_steps, smoothing, diverge_factor, at_factor=True)


def _global_norm(grads):
    return float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads.values())))


def clip_grad_norm__each_array_on_its_own(grads, max_norm):
    """Clips every array to max_norm separately: changes the gradient's direction."""
    clipped = {}
    for name, g in grads.items():
        norm = float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))
        clipped[name] = g * min(max_norm / (norm + 1e-6), 1.0)
    return clipped, _global_norm(grads)


def clip_grad_norm__in_place(grads, max_norm):
    """Scales the caller's arrays in place (as torch does) and returns them."""
    total_norm = _global_norm(grads)
    scale = min(max_norm / (total_norm + 1e-6), 1.0)
    for g in grads.values():
        g *= scale
    return grads, total_norm


def clip_grad_norm__scales_small_gradients_up(grads, max_norm):
    """Always rescales to max_norm, also gradients that were smaller."""
    total_norm = _global_norm(grads)
    return {name: g * (max_norm / (total_norm + 1e-6)) for name, g in grads.items()}, total_norm


def clip_grad_norm__no_epsilon(grads, max_norm):
    """Scales by max_norm / total_norm only when total_norm > max_norm: not torch's factor."""
    total_norm = _global_norm(grads)
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return {name: g * scale for name, g in grads.items()}, total_norm


def clip_grad_norm__returns_the_clipped_norm(grads, max_norm):
    """Returns the norm after clipping instead of before."""
    total_norm = _global_norm(grads)
    clipped = {name: g * min(max_norm / (total_norm + 1e-6), 1.0) for name, g in grads.items()}
    return clipped, _global_norm(clipped)


class _Stopper:
    """EarlyStopping with switches for the mistakes below."""

    def __init__(self, patience, min_delta=0.0, inclusive=False, against_last=False, one_based=False,
                 late=False, nan_improves=False):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.wait, self.calls = -np.inf, None, 0, 0
        self.inclusive, self.against_last, self.one_based = inclusive, against_last, one_based
        self.late, self.nan_improves = late, nan_improves
        self.last = -np.inf

    def step(self, val_metric):
        reference = self.last if self.against_last else self.best
        if self.nan_improves:
            improved = not (val_metric <= reference + self.min_delta)
        elif self.inclusive:
            improved = val_metric >= reference + self.min_delta
        else:
            improved = val_metric > reference + self.min_delta
        if improved:
            self.best = val_metric if not self.against_last else max(self.best, val_metric)
            self.best_epoch = self.calls + (1 if self.one_based else 0)
            self.wait = 0
        else:
            self.wait += 1
        self.last = val_metric
        self.calls += 1
        return self.wait > self.patience if self.late else self.wait >= self.patience


def EarlyStopping__stops_one_epoch_late(patience, min_delta=0.0):
    """Stops when wait > patience: one epoch later than asked."""
    return _Stopper(patience, min_delta, late=True)


def EarlyStopping__min_delta_gain_counts(patience, min_delta=0.0):
    """Counts a gain of exactly min_delta as an improvement (>= instead of >)."""
    return _Stopper(patience, min_delta, inclusive=True)


def EarlyStopping__compares_with_last_value(patience, min_delta=0.0):
    """Compares with the previous epoch instead of the best: a slow recovery never stops."""
    return _Stopper(patience, min_delta, against_last=True)


def EarlyStopping__best_epoch_from_one(patience, min_delta=0.0):
    """Counts best_epoch from 1."""
    return _Stopper(patience, min_delta, one_based=True)


def EarlyStopping__nan_is_an_improvement(patience, min_delta=0.0):
    """Tests `not value <= best`, so a NaN counts as an improvement."""
    return _Stopper(patience, min_delta, nan_improves=True)
