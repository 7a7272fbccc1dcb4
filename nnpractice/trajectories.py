"""Run update rules on a 2-D surface and return the points they visit (compute, no drawing).

`trajectory(rule, surface, start, steps, config)` is pure: it returns the
(steps + 1, 2) points of one run, stopping at the first non-finite one.
`race(rules, surface, start, steps, config)` runs several rules side by side
in lockstep, with one vectorized gradient evaluation per step for all of
them, and never raises: a rule that raises NotImplementedError is reported as
"not implemented yet", any other exception as an error.

The rules are anything with the course's signature
`next_w, config = rule(w, dw, config)`; here w has shape (2,). Rules are
elementwise, so `trajectory` also accepts starts of shape (K, 2) and runs K
starts at once (then the points have shape (n, K, 2) and the run stops when
any of them is non-finite).
"""

import copy
from dataclasses import dataclass

import numpy as np

NOT_IMPLEMENTED = "not implemented yet"


def trajectory(rule, surface, start, steps, config=None):
    """Points visited by `rule` from `start` on `surface`.

    Inputs:
    - rule: update rule, next_w, config = rule(w, dw, config).
    - surface: a nnpractice.surfaces.Surface (only its grad is used).
    - start: (x, y), or an array (K, 2) of K starts run at once.
    - steps: number of updates.
    - config: the rule's hyperparameters; deep-copied, never modified.

    Returns an array (n, 2) (or (n, K, 2)) with n <= steps + 1: the start and
    every point after it, up to and excluding the first non-finite one.
    Exceptions raised by the rule propagate.
    """
    w = np.array(start, dtype=float)
    config = copy.deepcopy(config) if config is not None else {}
    points = np.empty((steps + 1,) + w.shape)
    points[0] = w
    with np.errstate(all="ignore"):
        for t in range(steps):
            w, config = rule(w, surface.grad(w), config)
            if not np.all(np.isfinite(w)):
                return points[:t + 1]
            points[t + 1] = w
    return points


@dataclass
class Run:
    """One rule's run in a race.

    - points: array (n, 2), finite points visited (n = steps + 1 unless stopped).
    - losses: array (n,), surface.f at those points.
    - status: "ok", "diverged" (a non-finite point came next), NOT_IMPLEMENTED
      or "error: <exception>".
    """

    points: np.ndarray
    losses: np.ndarray
    status: str

    @property
    def steps_done(self):
        return len(self.points) - 1


def race(rules, surface, start, steps, config=None):
    """Run several rules from the same start, in lockstep, on one surface.

    Inputs:
    - rules: dict label -> update rule.
    - surface: a Surface; its grad is called once per step for all rules.
    - start: (x, y).
    - steps: number of updates of each rule.
    - config: hyperparameters given to every rule (each gets a deep copy);
      a rule ignores keys it does not read.

    Returns a dict label -> Run, in the order of `rules`. Never raises because
    of a rule.
    """
    labels = list(rules)
    functions = [rules[label] for label in labels]
    K = len(labels)
    points = np.zeros((steps + 1, K, 2))
    points[0] = np.asarray(start, dtype=float)
    configs = [copy.deepcopy(config) if config is not None else {} for _ in labels]
    weights = [points[0, k].copy() for k in range(K)]
    ends = [steps] * K
    status = ["ok"] * K
    active = list(range(K))
    with np.errstate(all="ignore"):
        for t in range(steps):
            if not active:
                break
            grads = surface.grad(points[t])  # one vectorized call for every rule
            row = points[t + 1]
            still = []
            for k in active:
                try:
                    weights[k], configs[k] = functions[k](weights[k], grads[k], configs[k])
                    row[k] = weights[k]
                except NotImplementedError:
                    status[k], ends[k] = NOT_IMPLEMENTED, 0
                    continue
                except Exception as error:  # noqa: BLE001 (a student's bug must not crash the view)
                    status[k], ends[k] = f"error: {type(error).__name__}: {error}", t
                    continue
                still.append(k)
            active = still
            if not np.isfinite(row.sum()):  # one cheap check per step; which rule, only when needed
                finite = np.isfinite(row).all(axis=1)
                active = [k for k in still if finite[k]]
                for k in set(still) - set(active):
                    status[k], ends[k] = "diverged", t
        losses = surface.f(points)
    return {label: Run(points[:ends[k] + 1, k].copy(), losses[:ends[k] + 1, k].copy(), status[k])
            for k, label in enumerate(labels)}
