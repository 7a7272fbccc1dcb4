"""Wrong answers to 05_lr_schedules that the hidden tests must reject."""

import numpy as np


def step_decay__off_by_one_epoch(lr0, epoch, factor=0.5, every=5):
    """Drops one epoch too early: counts epochs from 1, so epoch every-1 is already decayed."""
    return lr0 * factor ** ((epoch + 1) // every)


def step_decay__no_floor(lr0, epoch, factor=0.5, every=5):
    """Divides without flooring: a smooth exponential instead of steps."""
    return lr0 * factor ** (epoch / every)


def step_decay__ignores_every(lr0, epoch, factor=0.5, every=5):
    """Hard-codes a drop every 5 epochs, ignoring the `every` argument."""
    return lr0 * factor ** (epoch // 5)


def exponential_decay__sign_flipped(lr0, t, k):
    """Grows instead of decaying: exp(+k t)."""
    return lr0 * np.exp(k * t)


def exponential_decay__base_ten(lr0, t, k):
    """Uses 10 ** (-k t) instead of the natural exponential."""
    return lr0 * 10.0 ** (-k * t)


def inverse_time_decay__forgets_the_one(lr0, t, k):
    """lr0 / (k t): infinite at t = 0."""
    with np.errstate(all="ignore"):
        return lr0 / (k * np.asarray(t, dtype=float))


def inverse_time_decay__exponential_in_disguise(lr0, t, k):
    """lr0 / (1 + k) ** t: geometric decay, not a 1/t tail."""
    return lr0 / (1 + k) ** t


def reduce_on_plateau__never_waits_patience(val_acc, state):
    """Cuts the rate on the first epoch without improvement, whatever the patience."""
    state.setdefault("factor", 0.5)
    state.setdefault("min_delta", 1e-3)
    state.setdefault("min_lr", 1e-6)
    state.setdefault("best", -np.inf)
    state.setdefault("wait", 0)
    if val_acc > state["best"] + state["min_delta"]:
        state["best"] = val_acc
    else:
        state["learning_rate"] = max(state["learning_rate"] * state["factor"], state["min_lr"])
    return state["learning_rate"], state


def reduce_on_plateau__ignores_min_delta(val_acc, state):
    """Counts any gain, however small, as an improvement."""
    state.setdefault("factor", 0.5)
    state.setdefault("patience", 2)
    state.setdefault("min_lr", 1e-6)
    state.setdefault("best", -np.inf)
    state.setdefault("wait", 0)
    if val_acc > state["best"]:
        state["best"] = val_acc
        state["wait"] = 0
    else:
        state["wait"] += 1
        if state["wait"] >= state["patience"]:
            state["learning_rate"] = max(state["learning_rate"] * state["factor"], state["min_lr"])
            state["wait"] = 0
    return state["learning_rate"], state


def reduce_on_plateau__no_reset_after_cut(val_acc, state):
    """Keeps counting after a cut, so it cuts again on every following flat epoch."""
    state.setdefault("factor", 0.5)
    state.setdefault("patience", 2)
    state.setdefault("min_delta", 1e-3)
    state.setdefault("min_lr", 1e-6)
    state.setdefault("best", -np.inf)
    state.setdefault("wait", 0)
    if val_acc > state["best"] + state["min_delta"]:
        state["best"] = val_acc
        state["wait"] = 0
    else:
        state["wait"] += 1
        if state["wait"] >= state["patience"]:
            state["learning_rate"] = max(state["learning_rate"] * state["factor"], state["min_lr"])
    return state["learning_rate"], state


def reduce_on_plateau__below_min_lr(val_acc, state):
    """Forgets the floor min_lr."""
    state.setdefault("factor", 0.5)
    state.setdefault("patience", 2)
    state.setdefault("min_delta", 1e-3)
    state.setdefault("best", -np.inf)
    state.setdefault("wait", 0)
    if val_acc > state["best"] + state["min_delta"]:
        state["best"] = val_acc
        state["wait"] = 0
    else:
        state["wait"] += 1
        if state["wait"] >= state["patience"]:
            state["learning_rate"] = state["learning_rate"] * state["factor"]
            state["wait"] = 0
    return state["learning_rate"], state


def momentum_schedule__never_capped(epoch, ramp_epochs=10, start=0.5, end=0.99):
    """Keeps rising after ramp_epochs, past `end` and eventually past 1."""
    return start + (end - start) * epoch / ramp_epochs


def momentum_schedule__backwards(epoch, ramp_epochs=10, start=0.5, end=0.99):
    """Ramps from end down to start."""
    return end + (start - end) * min(epoch / ramp_epochs, 1.0)


def reduce_on_plateau__gain_of_exactly_min_delta_improves(val_acc, state):
    """Counts a gain of exactly min_delta as an improvement (>= where the contract says more than)."""
    state.setdefault("factor", 0.5)
    state.setdefault("patience", 2)
    state.setdefault("min_delta", 1e-3)
    state.setdefault("min_lr", 1e-6)
    state.setdefault("best", -np.inf)
    state.setdefault("wait", 0)
    if val_acc >= state["best"] + state["min_delta"]:
        state["best"] = val_acc
        state["wait"] = 0
    else:
        state["wait"] += 1
        if state["wait"] >= state["patience"]:
            state["learning_rate"] = max(state["learning_rate"] * state["factor"], state["min_lr"])
            state["wait"] = 0
    return state["learning_rate"], state
