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
    """{affine - [normalization] - activation - [dropout]} x (L - 1) - affine - softmax.

    The loss is the mean softmax cross-entropy plus reg * sum(W**2) over every
    weight matrix W1, W2, ...; biases b1, b2, ... and the normalization's
    gamma1, beta1, ... are not regularized.

    Normalization and dropout are optional and are not part of this package:
    pass your own layer functions, with CS231n's signatures. The network calls
    them after every hidden affine layer (normalization, before the
    activation) and after every hidden activation (dropout). Without labels,
    loss(X) runs them in "test" mode; loss(X, y) runs them in "train" mode.

    Inputs:
    - hidden_dims: list of hidden layer sizes; [] gives a softmax classifier.
    - input_dim: D, the size of one input.
    - num_classes: C.
    - activation: "relu" or "tanh".
    - weight_scale: float standard deviation of the initial weights, or
      "xavier" / "he" (see init_scale).
    - reg: L2 strength lambda.
    - dtype: np.float64 for gradient checks; np.float32 is faster.
    - seed: seed of the initial weights and of the dropout masks.
    - normalization: None, or a pair (forward, backward) of functions
      forward(x, gamma, beta, param) -> (out, cache) and
      backward(dout, cache) -> (dx, dgamma, dbeta), e.g. your batchnorm or
      layernorm. Hidden layer i then has parameters gamma{i} (ones) and
      beta{i} (zeros), and a state dict self.norm_params[i - 1] that is passed
      as `param` at every call: it holds "mode" (set by the network) and
      whatever forward keeps there between calls (running statistics).
    - norm_options: dict copied into every self.norm_params[i] at creation,
      e.g. {"momentum": 0.9, "eps": 1e-5}; None: nothing (the layer's defaults).
    - dropout: None, or a pair (forward, backward) of functions
      forward(x, dropout_param) -> (out, cache) and backward(dout, cache) -> dx,
      e.g. your inverted dropout. dropout_param is {"p": keep_prob, "mode": ...,
      "seed": s} with a new s at every call, drawn from the network's seed.
    - keep_prob: dropout's p, the probability of KEEPING a unit (used only
      with dropout).
    """

    def __init__(self, hidden_dims, input_dim, num_classes=10, activation="relu",
                 weight_scale=1e-2, reg=0.0, dtype=np.float64, seed=0,
                 normalization=None, norm_options=None, dropout=None, keep_prob=0.5):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: use one of {sorted(ACTIVATIONS)}")
        for name, layer in (("normalization", normalization), ("dropout", dropout)):
            if layer is not None and not (len(layer) == 2 and all(callable(f) for f in layer)):
                raise ValueError(f"{name} must be None or a pair (forward, backward) of functions")
        self.activation = activation
        self.reg = reg
        self.dtype = dtype
        self.num_layers = len(hidden_dims) + 1
        self.normalization = normalization
        self.dropout = dropout
        self.keep_prob = keep_prob
        rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            std = init_scale(fan_in, weight_scale)
            self.params[f"W{i}"] = (std * rng.standard_normal((fan_in, fan_out))).astype(dtype)
            self.params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
            if normalization is not None and i < self.num_layers:
                self.params[f"gamma{i}"] = np.ones(fan_out, dtype=dtype)
                self.params[f"beta{i}"] = np.zeros(fan_out, dtype=dtype)
        self.norm_params = ([dict(norm_options or {}) for _ in hidden_dims]
                            if normalization is not None else [])
        self.dropout_rng = np.random.default_rng([seed, 1])  # masks: independent of the weights' stream
        self.activations = {}  # layer index -> hidden activations of the last forward pass

    def loss(self, X, y=None):
        """Class scores, or the loss and its gradients.

        Inputs:
        - X: array of shape (N, D).
        - y: int array of shape (N,), or None.

        Returns scores of shape (N, C) if y is None, else (loss, grads) where
        grads maps every name in self.params to an array of its shape.
        Normalization and dropout, if any, run in "test" mode when y is None
        and in "train" mode otherwise.
        """
        forward, backward = ACTIVATIONS[self.activation]
        mode = "test" if y is None else "train"
        h = X.astype(self.dtype, copy=False)
        caches = []
        for i in range(1, self.num_layers + 1):
            h, affine_cache = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            norm_cache = activation_cache = dropout_cache = None
            if i < self.num_layers:
                if self.normalization is not None:
                    norm_param = self.norm_params[i - 1]
                    norm_param["mode"] = mode
                    h, norm_cache = self.normalization[0](h, self.params[f"gamma{i}"],
                                                          self.params[f"beta{i}"], norm_param)
                h, activation_cache = forward(h)
                self.activations[i] = h
                if self.dropout is not None:
                    dropout_param = {"p": self.keep_prob, "mode": mode,
                                     "seed": int(self.dropout_rng.integers(2**31))}
                    h, dropout_cache = self.dropout[0](h, dropout_param)
            caches.append((affine_cache, norm_cache, activation_cache, dropout_cache))
        scores = h
        if y is None:
            return scores

        loss, dh = softmax_loss(scores, y)
        grads = {}
        for i in range(self.num_layers, 0, -1):
            affine_cache, norm_cache, activation_cache, dropout_cache = caches[i - 1]
            hidden = i < self.num_layers
            if hidden and self.dropout is not None:
                dh = self.dropout[1](dh, dropout_cache)
            if hidden:
                dh = backward(dh, activation_cache)
            if hidden and self.normalization is not None:
                dh, grads[f"gamma{i}"], grads[f"beta{i}"] = self.normalization[1](dh, norm_cache)
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
