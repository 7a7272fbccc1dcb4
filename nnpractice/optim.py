"""Plain stochastic gradient descent, the one update rule the course provides.

Every update rule in the course has the signature

    next_w, config = rule(w, dw, config=None)

- w: array of any shape, the current weights.
- dw: array of w's shape, the gradient of the loss with respect to w.
- config: dict of hyperparameters (learning_rate, ...) and state that the
  rule keeps between calls (velocity, cache, ...), or None for defaults.

The trainer keeps one config per parameter and passes it back every step.
The other rules are yours to write in the optimizers chapter.
"""


def sgd(w, dw, config=None):
    """Vanilla SGD: w -= learning_rate * dw.

    config reads learning_rate (default 1e-2).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config
