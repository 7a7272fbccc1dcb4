"""Reference solutions of 04_regularization_dropout: GENERATED from solutions/04_regularization_dropout/04_regularization_dropout.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def l2_penalty(params, reg):
    """L2 penalty reg * sum(W**2) over every weight matrix, and its gradient.

    Inputs:
    - params: dict name -> array, e.g. model.params. Names starting with "W"
      are weights and are penalized; all others (biases b1, b2, ...) are not.
    - reg: the strength lambda >= 0.

    Returns (loss, grads): loss, a float, the penalty summed over all weight
    matrices; grads, a dict with an array of the parameter's shape for EVERY
    name in params: d loss / d param (zeros for parameters not penalized).
    """
    loss, grads = 0.0, {}
    for name, w in params.items():
        # nnpractice:reference
        if name.startswith("W"):
            loss += reg * float(np.sum(w * w))
            grads[name] = 2 * reg * w
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def l1_penalty(params, reg):
    """L1 penalty reg * sum(|W|) over every weight matrix, and its gradient.

    Inputs:
    - params: dict name -> array; names starting with "W" are weights and
      are penalized, all others are not.
    - reg: the strength lambda >= 0.

    Returns (loss, grads) as l2_penalty does; the gradient of |w| at w = 0
    is taken as 0 (np.sign).
    """
    loss, grads = 0.0, {}
    for name, w in params.items():
        # nnpractice:reference
        if name.startswith("W"):
            loss += reg * float(np.sum(np.abs(w)))
            grads[name] = reg * np.sign(w)
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def elastic_net_penalty(params, reg, beta):
    """Elastic-net penalty reg * sum(beta * W**2 + |W|) over every weight matrix.

    Inputs:
    - params: dict name -> array; names starting with "W" are weights and
      are penalized, all others are not.
    - reg: the strength lambda >= 0.
    - beta: weight of the squared term relative to the absolute one, >= 0.

    Returns (loss, grads) as l2_penalty does.
    """
    loss, grads = 0.0, {}
    for name, w in params.items():
        # nnpractice:reference
        if name.startswith("W"):
            loss += reg * float(np.sum(beta * w * w + np.abs(w)))
            grads[name] = reg * (2 * beta * w + np.sign(w))
        else:
            grads[name] = np.zeros_like(w)
    return loss, grads


def dropout_forward(x, dropout_param):
    """Inverted dropout, forward pass.

    Inputs:
    - x: array of any shape, the activations.
    - dropout_param: dict with
      - "p": probability of KEEPING each unit, 0 < p <= 1;
      - "mode": "train" (drop units, scale the kept ones by 1/p) or
        "test" (return x unchanged);
      - "seed" (optional): the mask is drawn with
        np.random.default_rng(seed), so the same seed gives the same mask.

    Returns (out, cache): out has x's shape; cache = (dropout_param, mask)
    where mask = (rng.random(x.shape) < p) / p in train mode, None in test mode.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask = None
    # nnpractice:reference
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p) / p
        out = x * mask
    else:
        out = x
    return out, (dropout_param, mask)


def dropout_backward(dout, cache):
    """Inverted dropout, backward pass.

    Inputs:
    - dout: array, the upstream gradient, of the shape of the forward input.
    - cache: (dropout_param, mask) from dropout_forward.

    Returns dx, of dout's shape: the gradient through the same mask in train
    mode, dout itself in test mode.
    """
    dropout_param, mask = cache
    # nnpractice:reference
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout


def dropconnect_forward(x, w, b, dropconnect_param):
    """Affine layer with DropConnect (inverted), forward pass.

    Inputs:
    - x: array of shape (N, D), the inputs.
    - w: array of shape (D, M), the weights; b: array of shape (M,).
    - dropconnect_param: dict with "p" (probability of KEEPING each weight),
      "mode" ("train" or "test") and an optional "seed" (the mask is drawn
      with np.random.default_rng(seed)).

    Returns (out, cache): out of shape (N, M), x @ (w * mask) + b in train
    mode with mask = (rng.random(w.shape) < p) / p (one mask for the whole
    batch), x @ w + b in test mode; cache = (x, w, b, dropconnect_param, mask).
    """
    p, mode = dropconnect_param["p"], dropconnect_param["mode"]
    mask = None
    # nnpractice:reference
    if mode == "train":
        rng = np.random.default_rng(dropconnect_param.get("seed"))
        mask = (rng.random(w.shape) < p) / p
        out = x @ (w * mask) + b
    else:
        out = x @ w + b
    return out, (x, w, b, dropconnect_param, mask)
