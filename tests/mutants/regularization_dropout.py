"""Wrong answers to 04_regularization_dropout that the hidden tests must reject."""

import numpy as np


def l2_penalty__half_convention(params, reg):
    """Uses 0.5 * reg * sum(W**2) (gradient reg * W), not the course's reg * sum(W**2)."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += 0.5 * reg * float(np.sum(w * w))
            grads[name] = reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def l2_penalty__missing_factor_2(params, reg):
    """Returns reg * W as the gradient of reg * sum(W**2): the factor 2 is missing."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(w * w))
            grads[name] = reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def l2_penalty__regularizes_biases(params, reg):
    """Penalizes the biases too."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        loss += reg * float(np.sum(w * w))
        grads[name] = 2 * reg * w
    return loss, grads


def l2_penalty__weights_by_ndim(params, reg):
    """Tells weights apart by being matrices, not by their name: penalizes any 2-D parameter."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if np.ndim(w) == 2:
            loss += reg * float(np.sum(w * w))
            grads[name] = 2 * reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def l1_penalty__nan_at_zero(params, reg):
    """Computes sign(W) as W / |W|, which is NaN where a weight is exactly 0."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(np.abs(w)))
            with np.errstate(all="ignore"):
                grads[name] = reg * w / np.abs(w)
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def l1_penalty__no_absolute_value(params, reg):
    """Sums the signed weights, so positive and negative weights cancel in the loss."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(w))
            grads[name] = reg * np.sign(w)
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def l1_penalty__regularizes_biases(params, reg):
    """Penalizes the biases too."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        loss += reg * float(np.sum(np.abs(w)))
        grads[name] = reg * np.sign(w)
    return loss, grads


def elastic_net_penalty__beta_on_absolute_term(params, reg, beta):
    """Puts beta on |W| instead of on W**2."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(w * w + beta * np.abs(w)))
            grads[name] = reg * (2 * w + beta * np.sign(w))
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def elastic_net_penalty__missing_factor_2(params, reg, beta):
    """Forgets the 2 in the gradient of beta * W**2."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        if name.startswith("W"):
            loss += reg * float(np.sum(beta * w * w + np.abs(w)))
            grads[name] = reg * (beta * w + np.sign(w))
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def elastic_net_penalty__regularizes_biases(params, reg, beta):
    """Penalizes the biases too."""
    loss, grads = 0.0, {}
    for name, w in params.items():
        loss += reg * float(np.sum(beta * w * w + np.abs(w)))
        grads[name] = reg * (2 * beta * w + np.sign(w))
    return loss, grads


def dropout_forward__scales_at_test_time(x, dropout_param):
    """Vanilla dropout (no 1/p in training, x * p at test time) while claiming to be inverted dropout."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if mode == "train":
        mask = np.random.default_rng(dropout_param.get("seed")).random(x.shape) < p
        return x * mask, (dropout_param, mask)
    return x * p, (dropout_param, None)


def dropout_forward__p_is_drop_probability(x, dropout_param):
    """Treats p as the probability of DROPPING a unit."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if mode == "train":
        mask = (np.random.default_rng(dropout_param.get("seed")).random(x.shape) >= p) / (1 - p)
        return x * mask, (dropout_param, mask)
    return x, (dropout_param, None)


def dropout_forward__unseeded(x, dropout_param):
    """Ignores the seed: the same seed gives different masks."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if mode == "train":
        mask = (np.random.default_rng().random(x.shape) < p) / p
        return x * mask, (dropout_param, mask)
    return x, (dropout_param, None)


def dropout_forward__drops_at_test_time(x, dropout_param):
    """Applies the random mask in test mode too."""
    p = dropout_param["p"]
    mask = (np.random.default_rng(dropout_param.get("seed")).random(x.shape) < p) / p
    return x * mask, (dropout_param, mask if dropout_param["mode"] == "train" else None)


def dropout_backward__new_mask(dout, cache):
    """Draws a new mask in backward instead of reusing the cached one. (From a fixed seed: unseeded, it
    matched the visible test's 2x3 mask once in 64 runs and failed at a hidden check instead, so two
    gradings of one notebook gave different messages.)"""
    dropout_param, _ = cache
    if dropout_param["mode"] == "train":
        p = dropout_param["p"]
        return dout * (np.random.default_rng(1).random(dout.shape) < p) / p
    return dout


def dropout_backward__unscaled(dout, cache):
    """Uses the 0/1 pattern of the mask and forgets its 1/p scaling."""
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * (mask > 0)
    return dout


def dropout_backward__divides_by_p_again(dout, cache):
    """Divides by p although the cached mask is already scaled by 1/p."""
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask / dropout_param["p"]
    return dout


def dropconnect_forward__masks_inputs(x, w, b, dropconnect_param):
    """Drops inputs (dropout on x) instead of weights."""
    p, mode = dropconnect_param["p"], dropconnect_param["mode"]
    if mode == "train":
        mask = (np.random.default_rng(dropconnect_param.get("seed")).random(x.shape) < p) / p
        return (x * mask) @ w + b, (x, w, b, dropconnect_param, mask)
    return x @ w + b, (x, w, b, dropconnect_param, None)


def dropconnect_forward__unscaled(x, w, b, dropconnect_param):
    """Drops weights without scaling the kept ones by 1/p."""
    p, mode = dropconnect_param["p"], dropconnect_param["mode"]
    if mode == "train":
        mask = np.random.default_rng(dropconnect_param.get("seed")).random(w.shape) < p
        return x @ (w * mask) + b, (x, w, b, dropconnect_param, mask)
    return x @ w + b, (x, w, b, dropconnect_param, None)


def dropconnect_forward__drops_at_test_time(x, w, b, dropconnect_param):
    """Applies the random weight mask in test mode too."""
    p = dropconnect_param["p"]
    mask = (np.random.default_rng(dropconnect_param.get("seed")).random(w.shape) < p) / p
    return x @ (w * mask) + b, (x, w, b, dropconnect_param, mask)


def dropconnect_forward__p_is_drop_probability(x, w, b, dropconnect_param):
    """Treats p as the probability of dropping a weight."""
    p, mode = dropconnect_param["p"], dropconnect_param["mode"]
    if mode == "train":
        mask = (np.random.default_rng(dropconnect_param.get("seed")).random(w.shape) >= p) / (1 - p)
        return x @ (w * mask) + b, (x, w, b, dropconnect_param, mask)
    return x @ w + b, (x, w, b, dropconnect_param, None)
