"""Do chapter 09's reference solutions follow PyTorch's documented algorithms to 1e-10?

The oracles below are written from the documentation of torch.optim.AdamW and
torch.nn.utils.clip_grad_norm_ (and from the chapter's stated contracts for the
schedule, the range test and early stopping), independently of the reference
module, in plain numpy and Python loops: the course does not depend on torch.
"""

import math

import numpy as np
import pytest

from nnpractice_instructor.references import load_reference

ASSIGNMENT = "09_modern_practice"
RTOL = 1e-10


@pytest.fixture(scope="module")
def reference():
    return load_reference(ASSIGNMENT)


def rel_error(mine, theirs):
    """Largest relative error between two arrays (0 where both are 0)."""
    mine, theirs = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    scale = np.maximum(np.abs(mine), np.abs(theirs))
    return float(np.max(np.where(scale > 0, np.abs(mine - theirs) / np.where(scale > 0, scale, 1), 0.0)))


class TorchAdamW:
    """torch.optim.AdamW for one parameter (amsgrad=False, maximize=False), as its documentation states:

    theta_t = theta_{t-1} - gamma * lambda * theta_{t-1}
    m_t = beta1 m_{t-1} + (1 - beta1) g_t;  v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
    m_hat = m_t / (1 - beta1^t);  v_hat = v_t / (1 - beta2^t)
    theta_t = theta_t - gamma * m_hat / (sqrt(v_hat) + eps)
    Element by element, in Python floats, to stay independent of the vectorized reference.
    """

    def __init__(self, theta, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        self.theta = [float(x) for x in np.ravel(theta)]
        self.shape = np.shape(theta)
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m = [0.0] * len(self.theta)
        self.v = [0.0] * len(self.theta)
        self.step_count = 0

    def step(self, grad):
        beta1, beta2 = self.betas
        self.step_count += 1
        for i, g in enumerate(float(x) for x in np.ravel(grad)):
            self.theta[i] *= 1 - self.lr * self.weight_decay
            self.m[i] = beta1 * self.m[i] + (1 - beta1) * g
            self.v[i] = beta2 * self.v[i] + (1 - beta2) * g * g
            m_hat = self.m[i] / (1 - beta1 ** self.step_count)
            v_hat = self.v[i] / (1 - beta2 ** self.step_count)
            self.theta[i] -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
        return np.array(self.theta).reshape(self.shape)


def torch_clip_grad_norm(grads, max_norm):
    """torch.nn.utils.clip_grad_norm_ with norm_type 2: (clipped copies, total norm before clipping)."""
    squares = 0.0
    for g in grads:
        squares += math.fsum(float(x) ** 2 for x in np.ravel(g))
    total_norm = math.sqrt(squares)
    clip_coef_clamped = min(max_norm / (total_norm + 1e-6), 1.0)
    return [np.asarray(g) * clip_coef_clamped for g in grads], total_norm


@pytest.mark.parametrize("seed", range(6))
def test_adamw_matches_torch_semantics_over_many_steps(reference, seed):
    """Does the reference adamw follow torch.optim.AdamW for 200 steps, at magnitudes over decades?"""
    rng = np.random.default_rng(seed)
    shape = [(5,), (3, 4), (2, 2, 3)][seed % 3]
    lr = 10.0 ** rng.uniform(-4, -0.5)
    weight_decay = [0.0, 1e-2, 0.3, 3.0][seed % 4]
    betas = (rng.uniform(0.5, 0.95), rng.uniform(0.9, 0.9999))
    eps = 10.0 ** rng.uniform(-10, -6)
    w = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)
    oracle = TorchAdamW(w, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    config = {"learning_rate": lr, "beta1": betas[0], "beta2": betas[1], "epsilon": eps, "weight_decay": weight_decay}
    for step in range(200):
        dw = rng.standard_normal(shape) * 10.0 ** rng.uniform(-4, 4)
        w, config = reference.adamw(w.copy(), dw, config)
        expected = oracle.step(dw)
        assert rel_error(w, expected) < RTOL, f"step {step + 1}: {rel_error(w, expected):.1e}"
    assert config["t"] == 200


def test_adamw_defaults_are_torch_defaults(reference):
    """Does adamw with config=None use torch.optim.AdamW's defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8, decay 1e-2)?"""
    rng = np.random.default_rng(7)
    w = rng.standard_normal(4)
    oracle = TorchAdamW(w)
    config = None
    for _ in range(20):
        dw = rng.standard_normal(4)
        w, config = reference.adamw(w.copy(), dw, config)
        assert rel_error(w, oracle.step(dw)) < RTOL


@pytest.mark.parametrize("seed", range(8))
def test_clip_grad_norm_matches_torch_semantics(reference, seed):
    """Does clip_grad_norm return torch's total norm and clipped gradients, leaving the input untouched?"""
    rng = np.random.default_rng(100 + seed)
    shapes = [(3, 4), (4,), (2, 3, 2), (1,), (6, 1)][: 1 + seed % 5]
    grads = {f"p{i}": rng.standard_normal(s) * 10.0 ** rng.uniform(-5, 5) for i, s in enumerate(shapes)}
    originals = {name: g.copy() for name, g in grads.items()}
    for max_norm in [10.0 ** rng.uniform(-3, 3), 1e-8, 1e8]:
        clipped, total_norm = reference.clip_grad_norm(grads, max_norm)
        expected, expected_norm = torch_clip_grad_norm(list(originals.values()), max_norm)
        assert abs(total_norm - expected_norm) <= RTOL * expected_norm
        for (name, g), want in zip(originals.items(), expected):
            assert rel_error(clipped[name], want) < RTOL, name
            np.testing.assert_array_equal(grads[name], g)
            assert not np.shares_memory(clipped[name], grads[name])


def test_clip_grad_norm_at_the_threshold(reference):
    """At total_norm == max_norm, does it scale by max_norm / (max_norm + 1e-6), as torch does?"""
    grads = {"a": np.array([1.0, 1.0]), "b": np.array([[1.0], [1.0]])}
    for max_norm in [2.0, 2.0 + 2e-6, 1.5]:
        clipped, total_norm = reference.clip_grad_norm(grads, max_norm)
        expected, expected_norm = torch_clip_grad_norm(list(grads.values()), max_norm)
        assert total_norm == expected_norm == 2.0
        assert all(rel_error(clipped[k], e) < 1e-15 for k, e in zip(grads, expected))


def cosine_oracle(step, total_steps, lr_max, warmup_steps, lr_min):
    """The chapter's contract: Hugging Face's get_cosine_schedule_with_warmup multiplier, a floor, held after total."""
    if step < warmup_steps:
        return lr_max * float(step) / float(max(1, warmup_steps))
    progress = min(float(step - warmup_steps) / float(max(1, total_steps - warmup_steps)), 1.0)
    return lr_min + (lr_max - lr_min) * 0.5 * (1.0 + math.cos(math.pi * progress))


@pytest.mark.parametrize("total, lr_max, warmup, lr_min", [(1000, 3e-4, 50, 0.0), (37, 2.5, 0, 0.1),
                                                         (500, 1e-6, 499, 1e-9), (10, 1.0, 1, 0.5)])
def test_warmup_cosine_matches_the_contract(reference, total, lr_max, warmup, lr_min):
    """Does warmup_cosine agree with the stated contract at every step, and hold lr_min after total_steps?"""
    for step in range(total + 50):
        want = cosine_oracle(step, total, lr_max, warmup, lr_min)
        got = reference.warmup_cosine(step, total, lr_max, warmup_steps=warmup, lr_min=lr_min)
        assert abs(got - want) <= RTOL * max(abs(want), 1e-300), step
    assert reference.warmup_cosine(warmup, total, lr_max, warmup, lr_min) == lr_max
    assert reference.warmup_cosine(total, total, lr_max, warmup, lr_min) == lr_min


def range_test_oracle(train_step, lr_min, lr_max, num_steps, beta=0.98, factor=4.0):
    """The learning-rate finder as the chapter states it, written with a running sum of weights."""
    rates, losses, weighted, weights = [], [], 0.0, 0.0
    best = math.inf
    for i in range(num_steps):
        lr = math.exp(math.log(lr_min) + (math.log(lr_max) - math.log(lr_min)) * i / (num_steps - 1))
        loss = train_step(lr)
        weighted = beta * weighted + (1 - beta) * loss
        weights = beta * weights + (1 - beta)  # equals 1 - beta ** (i + 1)
        rates.append(lr)
        losses.append(weighted / weights)
        if not math.isfinite(losses[-1]) or losses[-1] > factor * best:
            break
        best = min(best, losses[-1])
    finite = [x if math.isfinite(x) else math.inf for x in losses]
    return rates, losses, rates[finite.index(min(finite))] / 10


def bowl(seed):
    rng = np.random.default_rng(seed)
    curvatures = 10.0 ** rng.uniform(-1, 1, 4)
    memo = {"w": rng.standard_normal(4)}

    def train_step(lr):
        loss = 0.5 * float(np.sum(curvatures * memo["w"] ** 2)) + 0.01 * rng.random()
        memo["w"] = memo["w"] - lr * (curvatures * memo["w"] + 0.1 * rng.standard_normal(4))
        return loss
    return train_step


@pytest.mark.parametrize("seed", range(4))
def test_lr_range_test_matches_the_stated_algorithm(reference, seed):
    """Same rates, smoothed losses, stopping step and suggestion as an independent implementation?"""
    rates, losses, suggested = reference.lr_range_test(bowl(seed), 1e-5, 1e3, 300)
    want_rates, want_losses, want_suggested = range_test_oracle(bowl(seed), 1e-5, 1e3, 300)
    assert len(rates) == len(want_rates) < 300, "must stop when the loss diverges"
    assert rel_error(rates, want_rates) < RTOL
    assert rel_error(losses, want_losses) < RTOL
    assert abs(suggested - want_suggested) <= RTOL * want_suggested


class EarlyStoppingOracle:
    """Patience counter as the chapter states it, recomputed from the whole history at every call."""

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta, self.history, self.best_epoch = patience, min_delta, [], None

    def step(self, value):
        self.history.append(value)
        improvements, best = [], -math.inf
        for epoch, seen in enumerate(self.history):
            if not math.isnan(seen) and seen > best + self.min_delta:
                improvements.append(epoch)
                best = seen
        self.best_epoch = improvements[-1] if improvements else None
        last = improvements[-1] if improvements else -1
        return len(self.history) - 1 - last >= self.patience


@pytest.mark.parametrize("seed", range(5))
def test_early_stopping_matches_the_stated_rule(reference, seed):
    """Same decisions and best epoch as an independent implementation, on noisy curves with NaNs?"""
    rng = np.random.default_rng(seed)
    values = list(np.round(0.6 + 0.2 * (1 - np.exp(-np.arange(50) / 6)) + rng.normal(0, 0.02, 50), 2))
    values[rng.integers(50)] = float("nan")
    patience, min_delta = int(rng.integers(1, 6)), float(rng.choice([0.0, 0.01, 0.25]))
    stopper, oracle = reference.EarlyStopping(patience, min_delta), EarlyStoppingOracle(patience, min_delta)
    for value in values:
        assert stopper.step(value) == oracle.step(value)
        assert stopper.best_epoch == oracle.best_epoch
