"""Reference solutions of 05_lr_schedules: GENERATED from solutions/05_lr_schedules/05_lr_schedules.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def step_decay(lr0, epoch, factor=0.5, every=5):
    """Learning rate of a step schedule.

    Inputs:
    - lr0: float, the initial learning rate (used for epochs 0 .. every-1).
    - epoch: int >= 0, the epoch about to be trained, counted from 0.
    - factor: float in (0, 1], what each drop multiplies the rate by.
    - every: int >= 1, number of epochs between two drops.

    Returns a float: the rate for `epoch`. It stays at lr0 for the first
    `every` epochs, and each further block of `every` epochs is trained at
    `factor` times the rate of the block before (factor=0.5 halves it).
    """
    # nnpractice:reference
    return lr0 * factor ** (epoch // every)


def exponential_decay(lr0, t, k):
    """Exponentially decayed learning rate: the same fraction is lost per unit of t.

    Inputs:
    - lr0: float, the learning rate at t = 0.
    - t: float or array, the iteration or epoch counter (>= 0).
    - k: float >= 0, the decay speed: the rate is divided by e each time t
      grows by 1/k (k = 0: no decay).

    Returns the rate at t, lr0 at t = 0: a float, or an array of t's shape.
    """
    # nnpractice:reference
    return lr0 * np.exp(-k * t)


def inverse_time_decay(lr0, t, k):
    """Inverse-time decayed learning rate: a 1/t tail.

    Inputs:
    - lr0: float, the learning rate at t = 0.
    - t: float or array, the iteration or epoch counter (>= 0).
    - k: float >= 0, the decay speed (k = 0: no decay).

    Returns the rate at t: a float, or an array of t's shape. It is lr0 at
    t = 0, lr0 / 2 at t = 1/k, lr0 / 3 at t = 2/k, and so on: the
    reciprocal of the rate grows linearly with t.
    """
    # nnpractice:reference
    return lr0 / (1 + k * t)


def reduce_on_plateau(val_acc, state):
    """Lower the learning rate when the validation accuracy stops improving.

    Inputs:
    - val_acc: float, the validation accuracy after the epoch just finished.
    - state: dict with learning_rate (required). Reads factor (0.5),
      patience (2), min_delta (1e-3), min_lr (1e-6); keeps best (-inf at
      first) and wait (0 at first) between calls.

    Returns (learning_rate, state): the rate for the next epoch; pass state on.
    """
    state.setdefault("factor", 0.5)
    state.setdefault("patience", 2)
    state.setdefault("min_delta", 1e-3)
    state.setdefault("min_lr", 1e-6)
    state.setdefault("best", -np.inf)
    state.setdefault("wait", 0)
    # nnpractice:reference
    if val_acc > state["best"] + state["min_delta"]:
        state["best"] = val_acc
        state["wait"] = 0
    else:
        state["wait"] += 1
        if state["wait"] >= state["patience"]:
            state["learning_rate"] = max(state["learning_rate"] * state["factor"], state["min_lr"])
            state["wait"] = 0
    return state["learning_rate"], state


def momentum_schedule(epoch, ramp_epochs=10, start=0.5, end=0.99):
    """Momentum that rises linearly from start to end, then stays at end.

    Inputs:
    - epoch: int or float >= 0, the epoch about to be trained.
    - ramp_epochs: int >= 1, the epoch at which `end` is reached.
    - start, end: floats in [0, 1), the momentum at epoch 0 and from
      ramp_epochs on.

    Returns a float: `start` at epoch 0, `end` from epoch ramp_epochs on, and
    in between on the straight line joining them (epochs may be fractional).
    """
    # nnpractice:reference
    fraction = min(epoch / ramp_epochs, 1.0)
    return start + (end - start) * fraction
