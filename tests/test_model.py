"""Tests of nnpractice.model (layers, softmax loss, FullyConnectedNet) and nnpractice.optim.sgd.

Gradients are checked against a centered-difference oracle written here,
independently of the course's gradient-check exercise (which students write).
Everything runs in float64 with relative error < 1e-7.
"""

import numpy as np
import pytest

from nnpractice.model import (FullyConnectedNet, TwoLayerNet, affine_backward, affine_forward,
                              init_scale, relu_backward, relu_forward, softmax_loss,
                              tanh_backward, tanh_forward)
from nnpractice.optim import sgd

TOLERANCE = 1e-7


# ---------------------------------------------------------------------------
# Oracle
# ---------------------------------------------------------------------------

def numerical_gradient(f, x, h=1e-5):
    """Centered differences (f(x + h e_i) - f(x - h e_i)) / 2h of a scalar f(), perturbing x in place."""
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = f()
        x[ix] = old - h
        minus = f()
        x[ix] = old
        grad[ix] = (plus - minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest elementwise |a - b| / max(1e-8, |a| + |b|) (CS231n's formula)."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def away_from_zero(rng, shape, margin=0.1):
    """Values with |x| >= margin, so a step h never crosses ReLU's kink."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(margin, 2.0, size=shape)


def layer_gradients(forward, backward, inputs, rng):
    """(analytic, numerical) gradients of sum(forward(*inputs)[0] * dout) w.r.t. every input."""
    out, cache = forward(*inputs)
    dout = rng.standard_normal(out.shape)
    analytic = backward(dout, cache)
    analytic = analytic if isinstance(analytic, tuple) else (analytic,)
    numerical = [numerical_gradient(lambda: np.sum(forward(*inputs)[0] * dout), x) for x in inputs]
    return analytic, numerical


def fill_biases(model, rng):
    """Give every bias nonzero values, so a wrongly regularized bias shows in the gradient."""
    for name in model.params:
        if name.startswith("b"):
            model.params[name] = rng.standard_normal(model.params[name].shape)


def test_oracle_is_exact_on_a_known_function(rng):
    """Does the oracle give 3 x**2 + 2 y for f = sum(x**3) + sum(y**2), and leave x unchanged?"""
    x = rng.standard_normal((3, 2))
    before = x.copy()
    grad = numerical_gradient(lambda: np.sum(x**3), x)
    assert rel_error(grad, 3 * x**2) < TOLERANCE
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("wrong_backward", [
    lambda dout, cache: dout * cache,                # tanh: multiplies by tanh(x), not its derivative
    lambda dout, cache: dout * (1 - cache),          # tanh: forgets the square
    lambda dout, cache: dout * (1 - cache**2) / 2,   # tanh: off by a constant factor
])
def test_oracle_rejects_wrong_tanh_backward(rng, wrong_backward):
    """Would the oracle catch a plausible wrong tanh derivative?"""
    x = rng.standard_normal((4, 5))
    (dx,), (num_dx,) = layer_gradients(tanh_forward, wrong_backward, [x], rng)
    assert rel_error(dx, num_dx) > 1e-2


# ---------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("N, D, M", [(1, 1, 1), (2, 3, 4), (5, 7, 3)])
def test_affine_forward_and_backward(rng, N, D, M):
    """Is affine out = x @ w + b, with dx, dw, db matching centered differences?"""
    x, w, b = rng.standard_normal((N, D)), rng.standard_normal((D, M)), rng.standard_normal(M)
    out, _ = affine_forward(x, w, b)
    np.testing.assert_allclose(out, np.einsum("nd,dm->nm", x, w) + b, rtol=1e-12)
    analytic, numerical = layer_gradients(affine_forward, affine_backward, [x, w, b], rng)
    for name, a, n in zip(["dx", "dw", "db"], analytic, numerical):
        assert a.shape == n.shape, f"affine {name}: shape {a.shape}, expected {n.shape}"
        assert rel_error(a, n) < TOLERANCE, f"affine {name} off by {rel_error(a, n):.1e}"


@pytest.mark.parametrize("shape", [(1, 1), (4, 6), (3, 2, 5)])
def test_relu_forward_and_backward(rng, shape):
    """Is ReLU max(0, x), with dx matching centered differences away from the kink?"""
    x = away_from_zero(rng, shape)
    out, _ = relu_forward(x)
    np.testing.assert_array_equal(out, np.where(x > 0, x, 0.0))
    (dx,), (num_dx,) = layer_gradients(relu_forward, relu_backward, [x], rng)
    assert rel_error(dx, num_dx) < TOLERANCE, f"relu dx off by {rel_error(dx, num_dx):.1e}"


@pytest.mark.parametrize("shape", [(1, 1), (4, 6), (3, 2, 5)])
def test_tanh_forward_and_backward(rng, shape):
    """Is tanh's dx = dout * (1 - tanh(x)**2), matching centered differences?"""
    x = rng.standard_normal(shape)
    out, _ = tanh_forward(x)
    np.testing.assert_allclose(out, np.tanh(x), rtol=1e-15)
    (dx,), (num_dx,) = layer_gradients(tanh_forward, tanh_backward, [x], rng)
    assert rel_error(dx, num_dx) < TOLERANCE, f"tanh dx off by {rel_error(dx, num_dx):.1e}"


# ---------------------------------------------------------------------------
# Softmax loss
# ---------------------------------------------------------------------------

def test_softmax_loss_value(rng):
    """Is the loss the mean of -log(exp(s_y) / sum_j exp(s_j)) over the rows?"""
    scores = rng.standard_normal((6, 4))
    y = np.array([0, 1, 2, 3, 3, 0])
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    expected = np.mean([-np.log(probs[i, y[i]]) for i in range(6)])
    loss, _ = softmax_loss(scores, y)
    assert isinstance(loss, float)
    assert abs(loss - expected) < 1e-12 * expected


@pytest.mark.parametrize("N, C", [(1, 2), (5, 3), (8, 10)])
def test_softmax_loss_gradient(rng, N, C):
    """Does dscores (the gradient of the mean loss) match centered differences?"""
    scores = rng.standard_normal((N, C))
    y = rng.integers(C, size=N)
    _, dscores = softmax_loss(scores, y)
    numerical = numerical_gradient(lambda: softmax_loss(scores, y)[0], scores)
    assert rel_error(dscores, numerical) < TOLERANCE, "dscores wrong: divided by N? subtracted 1 at y?"


def test_softmax_loss_is_stable_for_huge_scores():
    """Do scores of 1e4 give the finite loss 0 (right class wins) or 1e4 (wrong class wins)?"""
    scores = np.array([[1e4, 0.0, 0.0], [1e4, 0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # exp(1e4) must never be computed
        loss, dscores = softmax_loss(scores, np.array([0, 0]))
        assert np.isfinite(loss) and abs(loss) < 1e-12
        loss, dscores = softmax_loss(scores, np.array([1, 1]))
    assert np.isfinite(loss) and abs(loss - 1e4) < 1e-6
    assert np.all(np.isfinite(dscores))
    np.testing.assert_allclose(dscores, [[0.5, -0.5, 0.0], [0.5, -0.5, 0.0]], atol=1e-12)


# ---------------------------------------------------------------------------
# FullyConnectedNet
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("hidden_dims", [[], [6], [5, 4]])
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_network_gradients(rng, activation, hidden_dims, reg):
    """Does every parameter's gradient match centered differences, with and without reg?"""
    N, D, C = 4, 5, 3
    X = rng.standard_normal((N, D))
    y = rng.integers(C, size=N)
    model = FullyConnectedNet(hidden_dims, D, C, activation=activation, weight_scale=0.5,
                              reg=reg, seed=1)
    fill_biases(model, rng)
    loss, grads = model.loss(X, y)
    assert sorted(grads) == sorted(model.params)
    for name, w in model.params.items():
        numerical = numerical_gradient(lambda: model.loss(X, y)[0], w)
        assert grads[name].shape == w.shape
        err = rel_error(grads[name], numerical)
        assert err < TOLERANCE, f"{name} ({activation}, hidden {hidden_dims}, reg {reg}) off by {err:.1e}"


def test_regularization_term_covers_weights_only(rng):
    """Is the reg term reg * sum(W**2) over weights, unchanged when a bias changes?"""
    X, y = rng.standard_normal((3, 4)), np.array([0, 1, 2])
    reg = 0.3
    with_reg = FullyConnectedNet([5, 6], 4, 3, weight_scale=0.5, reg=reg, seed=2)
    without = FullyConnectedNet([5, 6], 4, 3, weight_scale=0.5, reg=0.0, seed=2)

    def reg_term():
        return with_reg.loss(X, y)[0] - without.loss(X, y)[0]

    expected = reg * sum(np.sum(w**2) for name, w in with_reg.params.items() if name.startswith("W"))
    assert abs(reg_term() - expected) < 1e-12
    for model in (with_reg, without):
        model.params["b2"] = np.full(6, 3.0)
    assert abs(reg_term() - expected) < 1e-12, "biases are regularized"


def test_larger_regularization_raises_loss(rng):
    """With the same weights, does reg = 1 give a larger loss than reg = 0.01?"""
    X, y = rng.standard_normal((10, 8)), rng.integers(3, size=10)
    small = FullyConnectedNet([7], 8, 3, reg=0.01, seed=3).loss(X, y)[0]
    large = FullyConnectedNet([7], 8, 3, reg=1.0, seed=3).loss(X, y)[0]
    assert large > small


def test_initial_loss_is_log_of_number_of_classes(rng):
    """With tiny weights (1e-3) and no reg, is the loss about ln(10), a uniform guess?"""
    X, y = rng.standard_normal((50, 64)), rng.integers(10, size=50)
    loss, _ = FullyConnectedNet([20, 20], 64, 10, weight_scale=1e-3).loss(X, y)
    assert abs(loss - np.log(10)) < 1e-3


@pytest.mark.parametrize("weight_scale, expected", [
    ("xavier", 1 / np.sqrt(400)), ("he", np.sqrt(2 / 400)), (0.05, 0.05), (1, 1.0)])
def test_init_scale(weight_scale, expected):
    """Are "xavier" 1/sqrt(fan_in), "he" sqrt(2/fan_in), and a number its own value?"""
    assert init_scale(400, weight_scale) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("weight_scale", ["xavier", "he", 0.05])
def test_initial_weights_have_that_scale(weight_scale):
    """Do the initial weights have standard deviation init_scale(fan_in), and biases zero?"""
    model = FullyConnectedNet([300], 400, 200, weight_scale=weight_scale)
    assert model.params["W1"].std() == pytest.approx(init_scale(400, weight_scale), rel=0.02)
    assert model.params["W2"].std() == pytest.approx(init_scale(300, weight_scale), rel=0.02)
    assert not model.params["b1"].any() and not model.params["b2"].any()


def test_unknown_weight_scale_is_rejected():
    """Does a misspelled weight_scale raise ValueError instead of being used silently?"""
    with pytest.raises(ValueError, match="glorot"):
        init_scale(10, "glorot")
    with pytest.raises(ValueError):
        FullyConnectedNet([5], 10, weight_scale="Xavier")


def test_unknown_activation_is_rejected():
    """Does an unknown activation raise ValueError naming it?"""
    with pytest.raises(ValueError, match="sigmoid"):
        FullyConnectedNet([5], 10, activation="sigmoid")


def test_float32_model_stays_float32(rng):
    """With dtype=float32, are params, scores, loss gradients float32, even for float64 inputs?"""
    model = FullyConnectedNet([6, 5], 4, 3, dtype=np.float32, reg=0.1)
    assert all(w.dtype == np.float32 for w in model.params.values())
    X, y = rng.standard_normal((3, 4)), np.array([0, 1, 2])
    assert model.loss(X).dtype == np.float32
    _, grads = model.loss(X, y)
    assert all(g.dtype == np.float32 for g in grads.values())


def test_seed_fixes_initial_parameters():
    """Does the same seed give the same params, and another seed different weights?"""
    first = FullyConnectedNet([6], 4, 3, seed=7).params
    again = FullyConnectedNet([6], 4, 3, seed=7).params
    other = FullyConnectedNet([6], 4, 3, seed=8).params
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])
    assert not np.array_equal(first["W1"], other["W1"])


def test_scores_without_labels(rng):
    """Does loss(X) without y return (N, C) scores equal to the affine/ReLU forward pass?"""
    model = FullyConnectedNet([6], 4, 3, weight_scale=0.5, seed=4)
    fill_biases(model, rng)
    X = rng.standard_normal((5, 4))
    scores = model.loss(X)
    p = model.params
    expected = np.maximum(0, X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    assert scores.shape == (5, 3)
    np.testing.assert_allclose(scores, expected, rtol=1e-12)


def test_predict_is_argmax_of_scores_across_batches(rng):
    """Does predict give shape (N,) and argmax of the scores, also when N spans several batches?"""
    model = FullyConnectedNet([6], 4, 3, weight_scale=0.5, seed=5)
    X = rng.standard_normal((11, 4))
    predictions = model.predict(X, batch_size=4)
    assert predictions.shape == (11,)
    np.testing.assert_array_equal(predictions, model.loss(X).argmax(axis=1))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_activations_are_recorded_per_hidden_layer(rng, activation):
    """After a forward pass, does activations[i] hold hidden layer i's output, for each hidden layer?"""
    model = FullyConnectedNet([6, 5], 4, 3, activation=activation, weight_scale=0.5, seed=6)
    X = rng.standard_normal((7, 4))
    model.loss(X)
    assert sorted(model.activations) == [1, 2]
    assert model.activations[1].shape == (7, 6) and model.activations[2].shape == (7, 5)
    nonlinearity = {"relu": lambda z: np.maximum(0, z), "tanh": np.tanh}[activation]
    p = model.params
    first = nonlinearity(X @ p["W1"] + p["b1"])
    np.testing.assert_allclose(model.activations[1], first, rtol=1e-12)
    np.testing.assert_allclose(model.activations[2], nonlinearity(first @ p["W2"] + p["b2"]), rtol=1e-12)


def test_two_layer_net_shapes():
    """Does TwoLayerNet build exactly W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)?"""
    model = TwoLayerNet(64, hidden_dim=30, num_classes=10, weight_scale="he")
    shapes = {name: w.shape for name, w in model.params.items()}
    assert shapes == {"W1": (64, 30), "b1": (30,), "W2": (30, 10), "b2": (10,)}
    assert model.activation == "relu"


# ---------------------------------------------------------------------------
# FullyConnectedNet with normalization and dropout layers passed in
# ---------------------------------------------------------------------------
# The package holds no normalization or dropout (they are exercises): these
# test-local layers, written for this file only, play the student's part.

def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization over axis 0; running statistics kept in bn_param."""
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    running_mean = bn_param.get("running_mean", np.zeros(x.shape[1]))
    running_var = bn_param.get("running_var", np.ones(x.shape[1]))
    if bn_param["mode"] == "train":
        mu, var = x.mean(axis=0), x.var(axis=0)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        mu, var = running_mean, running_var
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x_hat, gamma, np.sqrt(var + eps))


def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward in train mode (the compact formula)."""
    x_hat, gamma, std = cache
    dx_hat = dout * gamma
    dx = (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization: batchnorm's train mode applied to x.T, no running statistics."""
    out, (x_hat, _, std) = batchnorm_forward(x.T, np.ones(x.shape[0]), np.zeros(x.shape[0]),
                                             {"mode": "train", "eps": ln_param.get("eps", 1e-5)})
    return gamma * out.T + beta, (x_hat.T, gamma, std)


def layernorm_backward(dout, cache):
    """Backward pass of layernorm_forward."""
    x_hat, gamma, std = cache
    dx, _, _ = batchnorm_backward((dout * gamma).T, (x_hat.T, np.ones(x_hat.shape[0]), std))
    return dx.T, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def dropout_forward(x, dropout_param):
    """Inverted dropout with p the probability of keeping a unit."""
    if dropout_param["mode"] != "train":
        return x, None
    rng = np.random.default_rng(dropout_param.get("seed"))
    mask = (rng.random(x.shape) < dropout_param["p"]) / dropout_param["p"]
    return x * mask, mask


def dropout_backward(dout, mask):
    return dout * mask


BATCHNORM = (batchnorm_forward, batchnorm_backward)
LAYERNORM = (layernorm_forward, layernorm_backward)
DROPOUT = (dropout_forward, dropout_backward)


def test_test_local_normalizations_match_centered_differences(rng):
    """Are the test-local batchnorm and layernorm (and their gradients) right, so they can judge the net?"""
    for forward, backward in (BATCHNORM, LAYERNORM):
        x = 3 * rng.standard_normal((5, 4)) + 1
        gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
        analytic, numerical = layer_gradients(lambda x, g, b: forward(x, g, b, {"mode": "train"}),
                                              backward, [x, gamma, beta], rng)
        for a, n in zip(analytic, numerical):
            assert rel_error(a, n) < TOLERANCE
    out, _ = batchnorm_forward(x, np.ones(4), np.zeros(4), {"mode": "train"})
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    out, _ = layernorm_forward(x, np.ones(4), np.zeros(4), {})
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)


@pytest.mark.parametrize("normalization", [BATCHNORM, LAYERNORM], ids=["batchnorm", "layernorm"])
def test_normalization_adds_gamma_and_beta_to_hidden_layers_only(normalization):
    """Does every hidden layer i get gamma{i} = ones and beta{i} = zeros, and the output layer none?"""
    model = FullyConnectedNet([6, 5], 4, 3, normalization=normalization)
    shapes = {name: w.shape for name, w in model.params.items()}
    assert shapes == {"W1": (4, 6), "b1": (6,), "gamma1": (6,), "beta1": (6,),
                      "W2": (6, 5), "b2": (5,), "gamma2": (5,), "beta2": (5,), "W3": (5, 3), "b3": (3,)}
    assert np.all(model.params["gamma1"] == 1) and not model.params["beta2"].any()
    assert len(model.norm_params) == 2
    plain = FullyConnectedNet([6, 5], 4, 3)
    assert sorted(plain.params) == ["W1", "W2", "W3", "b1", "b2", "b3"] and plain.norm_params == []


def test_normalization_keeps_the_weights_of_the_plain_network():
    """With the same seed, are W and b identical with and without normalization (a fair comparison)?"""
    plain = FullyConnectedNet([6, 5], 4, 3, weight_scale=0.3, seed=9)
    normalized = FullyConnectedNet([6, 5], 4, 3, weight_scale=0.3, seed=9, normalization=BATCHNORM)
    for name, w in plain.params.items():
        np.testing.assert_array_equal(normalized.params[name], w)


def scaled_error(a, b):
    """max |a - b| relative to the largest gradient entry: for gradients with some entries near 0,
    whose elementwise relative error is rounding noise over a tiny number."""
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a)), np.max(np.abs(b))))


@pytest.mark.parametrize("normalization", [BATCHNORM, LAYERNORM], ids=["batchnorm", "layernorm"])
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_network_gradients_with_normalization(rng, normalization, reg):
    """With normalization layers, does every gradient (gamma and beta too) match centered differences?

    tanh, not ReLU: normalized pre-activations sit around 0, where a step h would cross ReLU's kink."""
    N, D, C = 6, 5, 3
    X = rng.standard_normal((N, D))
    y = rng.integers(C, size=N)
    model = FullyConnectedNet([7, 4], D, C, activation="tanh", weight_scale=0.5, reg=reg, seed=1,
                              normalization=normalization)
    fill_biases(model, rng)
    for name in model.params:
        if name.startswith(("gamma", "beta")):
            model.params[name] = model.params[name] + 0.5 * rng.standard_normal(model.params[name].shape)
    loss, grads = model.loss(X, y)
    assert sorted(grads) == sorted(model.params)
    for name, w in model.params.items():
        numerical = numerical_gradient(lambda: model.loss(X, y)[0], w)
        if normalization is BATCHNORM and name in ("b1", "b2"):
            # batchnorm subtracts the batch mean: a bias before it cannot change the loss
            assert np.max(np.abs(grads[name])) < 1e-12 and np.max(np.abs(numerical)) < 1e-8
            continue
        err = scaled_error(grads[name], numerical)
        assert err < TOLERANCE, f"{name} (reg {reg}) off by {err:.1e}"


def test_gamma_and_beta_are_not_regularized(rng):
    """Does changing gamma or beta leave the reg term unchanged?"""
    X, y = rng.standard_normal((4, 3)), np.array([0, 1, 2, 0])
    with_reg = FullyConnectedNet([5], 3, 3, weight_scale=0.5, reg=0.4, normalization=BATCHNORM)
    without = FullyConnectedNet([5], 3, 3, weight_scale=0.5, reg=0.0, normalization=BATCHNORM)
    for model in (with_reg, without):
        model.params["gamma1"] = np.full(5, 3.0)
        model.params["beta1"] = np.full(5, -2.0)
    expected = 0.4 * sum(np.sum(w**2) for n, w in with_reg.params.items() if n.startswith("W"))
    assert abs(with_reg.loss(X, y)[0] - without.loss(X, y)[0] - expected) < 1e-12
    _, grads = with_reg.loss(X, y)
    _, plain_grads = without.loss(X, y)
    np.testing.assert_allclose(grads["gamma1"], plain_grads["gamma1"], rtol=1e-12)


def test_normalization_runs_in_train_mode_with_labels_and_test_mode_without(rng):
    """Does loss(X, y) update the running statistics kept in norm_params, and loss(X) use them unchanged?"""
    model = FullyConnectedNet([6], 4, 3, weight_scale=0.5, seed=2, normalization=BATCHNORM,
                              norm_options={"momentum": 0.5})
    X, y = rng.standard_normal((8, 4)) + 2, rng.integers(3, size=8)
    model.loss(X, y)
    state = model.norm_params[0]
    assert state["mode"] == "train" and state["momentum"] == 0.5
    pre = X @ model.params["W1"] + model.params["b1"]
    np.testing.assert_allclose(state["running_mean"], 0.5 * pre.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(state["running_var"], 0.5 + 0.5 * pre.var(axis=0), rtol=1e-12)
    model.loss(X, y)
    np.testing.assert_allclose(state["running_mean"], 0.75 * pre.mean(axis=0), rtol=1e-12)
    running_mean, running_var = state["running_mean"].copy(), state["running_var"].copy()

    scores = model.loss(X[:3])
    assert state["mode"] == "test"
    np.testing.assert_array_equal(state["running_mean"], running_mean)
    hidden = np.maximum(0, (X[:3] @ model.params["W1"] + model.params["b1"] - running_mean)
                        / np.sqrt(running_var + 1e-5))
    np.testing.assert_allclose(scores, hidden @ model.params["W2"] + model.params["b2"], rtol=1e-10)


def test_norm_options_give_every_layer_its_own_state():
    """Is norm_options copied into each layer's dict, so layers never share running statistics?"""
    options = {"momentum": 0.99, "eps": 1e-3}
    model = FullyConnectedNet([4, 4], 3, 2, normalization=BATCHNORM, norm_options=options)
    model.loss(np.arange(6.0).reshape(2, 3), np.array([0, 1]))
    first, second = model.norm_params
    assert first is not second and first is not options
    assert first["eps"] == second["eps"] == 1e-3 and options == {"momentum": 0.99, "eps": 1e-3}
    assert not np.shares_memory(first["running_mean"], second["running_mean"])


def test_dropout_passed_in_runs_after_every_hidden_activation(rng):
    """Is dropout applied after each hidden ReLU with p = keep_prob and a fresh seed per call, and off at test?"""
    X, y = rng.standard_normal((40, 6)), rng.integers(3, size=40)
    model = FullyConnectedNet([20, 10], 6, 3, weight_scale="he", seed=3, dropout=DROPOUT, keep_prob=0.7)
    plain = FullyConnectedNet([20, 10], 6, 3, weight_scale="he", seed=3)
    np.testing.assert_array_equal(model.loss(X), plain.loss(X))   # test mode: dropout is the identity

    model.dropout_rng = np.random.default_rng(7)
    loss, _ = model.loss(X, y)
    seeds = np.random.default_rng(7)
    p = model.params
    h = X
    for i in (1, 2):
        h, _ = dropout_forward(np.maximum(0, h @ p[f"W{i}"] + p[f"b{i}"]),
                               {"p": 0.7, "mode": "train", "seed": int(seeds.integers(2**31))})
    expected, _ = softmax_loss(h @ p["W3"] + p["b3"], y)
    assert abs(loss - expected) < 1e-12
    assert model.loss(X, y)[0] != model.loss(X, y)[0], "every training call draws new masks"


def test_network_gradients_with_dropout_and_batchnorm(rng):
    """With fixed dropout seeds, do the gradients of a net with batchnorm and dropout match centered differences?"""
    X, y = rng.standard_normal((6, 4)), rng.integers(3, size=6)
    model = FullyConnectedNet([7, 5], 4, 3, activation="tanh", weight_scale=0.5, seed=4,
                              normalization=BATCHNORM, dropout=DROPOUT, keep_prob=0.6)

    def loss():
        model.dropout_rng = np.random.default_rng(11)   # the same masks at every call
        return model.loss(X, y)

    _, grads = loss()
    for name, w in model.params.items():
        if name in ("b1", "b2"):
            continue   # before batchnorm: zero gradient (see test_network_gradients_with_normalization)
        err = scaled_error(grads[name], numerical_gradient(lambda: loss()[0], w))
        assert err < TOLERANCE, f"{name} off by {err:.1e}"


def test_same_seed_gives_same_dropout_run(rng):
    """Do two nets with the same seed draw the same dropout masks, and another seed other masks?"""
    X, y = rng.standard_normal((10, 4)), rng.integers(3, size=10)
    first, again, other = (FullyConnectedNet([8], 4, 3, weight_scale=0.5, seed=seed, dropout=DROPOUT)
                           for seed in (5, 5, 6))
    other.params = {name: w.copy() for name, w in first.params.items()}
    assert first.loss(X, y)[0] == again.loss(X, y)[0]
    assert first.loss(X, y)[0] != other.loss(X, y)[0]


@pytest.mark.parametrize("option", ["normalization", "dropout"])
@pytest.mark.parametrize("value", ["batchnorm", (batchnorm_forward,), (1, 2)])
def test_layers_must_be_pairs_of_functions(option, value):
    """Does a string or a malformed pair raise ValueError, instead of failing later inside loss()?"""
    with pytest.raises(ValueError, match=option):
        FullyConnectedNet([5], 4, 3, **{option: value})


# ---------------------------------------------------------------------------
# optim.sgd
# ---------------------------------------------------------------------------

def test_sgd_one_step():
    """Is one step w - learning_rate * dw, with the given config passed back?"""
    w, dw = np.linspace(-1, 1, 6).reshape(2, 3), np.linspace(0.5, -0.5, 6).reshape(2, 3)
    config = {"learning_rate": 0.3}
    next_w, next_config = sgd(w.copy(), dw, config)
    np.testing.assert_allclose(next_w, w - 0.3 * dw, rtol=1e-15)
    assert next_config is config and config["learning_rate"] == 0.3


def test_sgd_defaults():
    """Does config=None work, using and returning learning_rate 1e-2?"""
    w, dw = np.linspace(-1, 1, 4), np.ones(4)
    next_w, config = sgd(w.copy(), dw)
    assert config == {"learning_rate": 1e-2}
    np.testing.assert_allclose(next_w, w - 1e-2, rtol=1e-15)
    _, config = sgd(w.copy(), dw, {})
    assert config["learning_rate"] == 1e-2
