"""Reference solutions of 09_modern_practice: GENERATED from solutions/09_modern_practice/09_modern_practice.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def adamw(w, dw, config=None):
    """Adam with decoupled weight decay (AdamW, as torch.optim.AdamW computes it).

    Inputs:
    - w: array of any shape, current weights; may be updated in place.
    - dw: array, same shape as w; gradient of the loss (without any penalty)
      with respect to w.
    - config: dict or None. Reads learning_rate (1e-3), beta1 (0.9),
      beta2 (0.999), epsilon (1e-8) and weight_decay (1e-2); keeps m, v
      (shape of w, zeros at first) and t (0 at first, incremented before use).

    Returns (next_w, config): next_w has w's shape; pass config on.
    Step by step: t += 1; w = w - learning_rate * weight_decay * w (the decay,
    on the weights, scaled by the learning rate only); then chapter 2's Adam
    step with bias-corrected m_hat and v_hat.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("weight_decay", 1e-2)
    if "m" not in config:  # the first step
        config["m"], config["v"] = np.zeros_like(w), np.zeros_like(w)
    config.setdefault("t", 0)
    # nnpractice:reference
    lr, beta1, beta2 = config["learning_rate"], config["beta1"], config["beta2"]
    config["t"] += 1  # t first: bias correction needs t >= 1
    decayed = w - lr * config["weight_decay"] * w  # decoupled: never enters m or v
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    config["v"] = beta2 * config["v"] + (1 - beta2) * dw**2
    m_hat = config["m"] / (1 - beta1 ** config["t"])
    v_hat = config["v"] / (1 - beta2 ** config["t"])
    next_w = decayed - lr * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    return next_w, config


def warmup_cosine(step, total_steps, lr_max, warmup_steps=0, lr_min=0.0):
    """Learning rate at a step of a linear warmup followed by a half-cosine decay.

    Inputs:
    - step: int >= 0, the number of updates done so far (0 for the first).
    - total_steps: int > warmup_steps, the step at which lr_min is reached.
    - lr_max: float, the peak rate, reached when warmup ends.
    - warmup_steps: int >= 0, length of the linear warmup (0: none).
    - lr_min: float in [0, lr_max], the final rate.

    Returns a float, the contract:
    - step < warmup_steps: lr_max * step / warmup_steps (0 at step 0);
    - warmup_steps <= step <= total_steps: lr_min + (lr_max - lr_min) *
      (1 + cos(pi * (step - warmup_steps) / (total_steps - warmup_steps))) / 2,
      so exactly lr_max at step == warmup_steps and lr_min at total_steps;
    - step > total_steps: lr_min.
    """
    # nnpractice:reference
    if step < warmup_steps:
        return lr_max * step / warmup_steps
    if step >= total_steps:
        return lr_min
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (lr_max - lr_min) * (1 + np.cos(np.pi * progress)) / 2


def lr_range_test(train_step, lr_min, lr_max, num_steps, smoothing=0.98, diverge_factor=4.0):
    """The learning-rate range test ("LR finder"): one run with a rate growing exponentially.

    Inputs:
    - train_step: function lr -> loss; takes ONE training step (one minibatch)
      with learning rate lr and returns that minibatch's loss (a float).
    - lr_min, lr_max: floats, 0 < lr_min < lr_max, the first and last rates.
    - num_steps: int >= 2, the largest number of steps.
    - smoothing: float in [0, 1), the factor beta of the moving average.
    - diverge_factor: float > 1; stop when the smoothed loss exceeds this
      factor times the best smoothed loss so far.

    Step i = 0, 1, ... uses lr_i = lr_min * (lr_max / lr_min) ** (i / (num_steps - 1))
    and smooths the losses with a bias-corrected moving average:
    average = beta * average + (1 - beta) * loss (average = 0 at first),
    smoothed_i = average / (1 - beta ** (i + 1)). After recording step i, it
    stops if smoothed_i is not finite or smoothed_i > diverge_factor * (the
    smallest smoothed loss of steps 0 .. i-1).

    Returns (rates, losses, suggested):
    - rates: array (n,), the rates used, n <= num_steps steps;
    - losses: array (n,), the smoothed losses (the one that diverged included);
    - suggested: float, the rule: the rate at the smallest finite smoothed
      loss, divided by 10 (a decade below the rate where the loss is lowest,
      which is already close to divergence).
    """
    rates, losses = [], []
    # nnpractice:reference
    average, best = 0.0, np.inf
    for i in range(num_steps):
        lr = lr_min * (lr_max / lr_min) ** (i / (num_steps - 1))
        loss = train_step(lr)
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** (i + 1))
        rates.append(lr)
        losses.append(smoothed)
        if not np.isfinite(smoothed) or smoothed > diverge_factor * best:
            break
        best = min(best, smoothed)
    lowest = int(np.argmin([x if np.isfinite(x) else np.inf for x in losses]))
    suggested = rates[lowest] / 10
    return np.array(rates, dtype=float), np.array(losses, dtype=float), float(suggested)


def clip_grad_norm(grads, max_norm):
    """Scale all gradients by one factor so that their global L2 norm is at most max_norm.

    Inputs:
    - grads: dict name -> array (any shapes), e.g. the grads of model.loss;
      never modified.
    - max_norm: float > 0.

    Returns (clipped, total_norm), as torch.nn.utils.clip_grad_norm_ computes them:
    - total_norm: float, sqrt of the sum over ALL arrays of their squared
      entries, measured before clipping;
    - clipped: a new dict with the same names, holding new arrays of the
      same shapes and dtypes: every array times min(1, max_norm / (total_norm + 1e-6)).
      (The 1e-6 keeps the division finite when every gradient is 0; so a norm
      exactly equal to max_norm is still scaled, by max_norm / (max_norm + 1e-6).)
    """
    # nnpractice:reference
    total_norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads.values())))
    scale = min(max_norm / (total_norm + 1e-6), 1.0)
    clipped = {name: g * scale for name, g in grads.items()}
    return clipped, total_norm


class EarlyStopping:
    """Say when to stop training: after `patience` epochs without improvement.

    Inputs:
    - patience: int >= 1, how many calls in a row without improvement stop.
    - min_delta: float >= 0; a value improves only if it is larger than the
      best so far by MORE than min_delta.

    The watched metric is "higher is better" (a validation accuracy; pass
    -loss to watch a loss). A NaN value never improves.

    Attributes, read them freely:
    - best: the best value so far (-inf before the first call);
    - best_epoch: index, counted from 0, of the call that gave `best` (None
      before the first call); with Trainer's epoch callbacks, call i follows
      epoch i + 1;
    - wait: calls since the last improvement (0 right after one);
    - calls: how many times step was called.
    """

    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best = -np.inf
        self.best_epoch = None
        self.wait = 0
        self.calls = 0

    def step(self, val_metric):
        """Record one epoch's metric; returns True when training should stop.

        Inputs:
        - val_metric: float, e.g. the validation accuracy after this epoch.

        Returns a bool: True once `patience` calls in a row brought no
        improvement (wait >= patience), also on every later call until an
        improvement resets wait.
        """
        # nnpractice:reference
        if val_metric > self.best + self.min_delta:
            self.best = val_metric
            self.best_epoch = self.calls
            self.wait = 0
        else:
            self.wait += 1
        self.calls += 1
        return self.wait >= self.patience
