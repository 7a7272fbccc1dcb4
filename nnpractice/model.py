"""A fully-connected network with a softmax loss, written layer by layer.

The layers follow CS231n's convention: every `*_forward` returns
`(out, cache)` and every `*_backward` takes the upstream gradient and that
cache. The model follows the Solver contract: a `params` dict of arrays and
`loss(X, y=None)`, which returns class scores without labels and
`(loss, grads)` with them.
"""

import numpy as np


def affine_forward(x, w, b):
    """Affine layer: out = x @ w + b.

    Inputs:
    - x: array of shape (N, D), a minibatch of N inputs.
    - w: array of shape (D, M), weights.
    - b: array of shape (M,), biases.

    Returns (out, cache): out has shape (N, M); cache is (x, w).
    """
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    """Backward pass of the affine layer.

    Inputs:
    - dout: array of shape (N, M), gradient of the loss with respect to out.
    - cache: (x, w) from affine_forward.

    Returns (dx, dw, db) with the shapes of x, w and b.
    """
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    """ReLU, max(0, x) elementwise. Returns (out, cache) with cache = x."""
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    """Backward pass of ReLU: the gradient flows where the input was positive."""
    return dout * (cache > 0)


def tanh_forward(x):
    """tanh elementwise. Returns (out, cache) with cache = out."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """Backward pass of tanh: d tanh(x)/dx = 1 - tanh(x)**2."""
    return dout * (1 - cache**2)


ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
}


def softmax_loss(scores, y):
    """Mean cross-entropy loss of a softmax classifier, and its gradient.

    Inputs:
    - scores: array of shape (N, C), unnormalised class scores.
    - y: int array of shape (N,), the correct class of each row, 0 <= y < C.

    Returns (loss, dscores): the mean loss (a float) and its gradient with
    respect to scores, shape (N, C).
    """
    shifted = scores - scores.max(axis=1, keepdims=True)  # exp cannot overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    N = scores.shape[0]
    loss = -log_probs[np.arange(N), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    return float(loss), dscores / N


def init_scale(fan_in, weight_scale):
    """Standard deviation of a layer's initial weights.

    Inputs:
    - fan_in: number of inputs of the layer.
    - weight_scale: a float (the standard deviation itself), "xavier"
      (1 / sqrt(fan_in)) or "he" (sqrt(2 / fan_in)).
    """
    if weight_scale == "xavier":
        return 1.0 / np.sqrt(fan_in)
    if weight_scale == "he":
        return np.sqrt(2.0 / fan_in)
    if isinstance(weight_scale, str):
        raise ValueError(f"unknown weight_scale {weight_scale!r}: use a float, 'xavier' or 'he'")
    return float(weight_scale)


class FullyConnectedNet:
    """affine - activation - ... - affine - softmax, with L2 regularization.

    The loss is the mean softmax cross-entropy plus reg * sum(W**2) over every
    weight matrix W1, W2, ...; biases b1, b2, ... are not regularized.

    Inputs:
    - hidden_dims: list of hidden layer sizes; [] gives a softmax classifier.
    - input_dim: D, the size of one input.
    - num_classes: C.
    - activation: "relu" or "tanh".
    - weight_scale: float standard deviation of the initial weights, or
      "xavier" / "he" (see init_scale).
    - reg: L2 strength lambda.
    - dtype: np.float64 for gradient checks; np.float32 is faster.
    - seed: seed of the initial weights.
    """

    def __init__(self, hidden_dims, input_dim, num_classes=10, activation="relu",
                 weight_scale=1e-2, reg=0.0, dtype=np.float64, seed=0):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: use one of {sorted(ACTIVATIONS)}")
        self.activation = activation
        self.reg = reg
        self.dtype = dtype
        self.num_layers = len(hidden_dims) + 1
        rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            std = init_scale(fan_in, weight_scale)
            self.params[f"W{i}"] = (std * rng.standard_normal((fan_in, fan_out))).astype(dtype)
            self.params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
        self.activations = {}  # layer index -> hidden activations of the last forward pass

    def loss(self, X, y=None):
        """Class scores, or the loss and its gradients.

        Inputs:
        - X: array of shape (N, D).
        - y: int array of shape (N,), or None.

        Returns scores of shape (N, C) if y is None, else (loss, grads) where
        grads maps every name in self.params to an array of its shape.
        """
        forward, backward = ACTIVATIONS[self.activation]
        h = X.astype(self.dtype, copy=False)
        caches = []
        for i in range(1, self.num_layers + 1):
            h, affine_cache = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            activation_cache = None
            if i < self.num_layers:
                h, activation_cache = forward(h)
                self.activations[i] = h
            caches.append((affine_cache, activation_cache))
        scores = h
        if y is None:
            return scores

        loss, dh = softmax_loss(scores, y)
        grads = {}
        for i in range(self.num_layers, 0, -1):
            affine_cache, activation_cache = caches[i - 1]
            if activation_cache is not None:
                dh = backward(dh, activation_cache)
            dh, dw, db = affine_backward(dh, affine_cache)
            W = self.params[f"W{i}"]
            loss += self.reg * float(np.sum(W * W))
            grads[f"W{i}"] = dw + 2 * self.reg * W
            grads[f"b{i}"] = db
        return loss, grads

    def predict(self, X, batch_size=1000):
        """Predicted class of every row of X, shape (N,)."""
        return np.concatenate([self.loss(X[i:i + batch_size]).argmax(axis=1)
                               for i in range(0, X.shape[0], batch_size)])


def TwoLayerNet(input_dim, hidden_dim=100, num_classes=10, **kwargs):
    """affine - ReLU - affine - softmax: a FullyConnectedNet with one hidden layer."""
    return FullyConnectedNet([hidden_dim], input_dim, num_classes, **kwargs)
