"""Train a model with minibatch gradient descent and any update rule.

The model follows CS231n's contract (see `nnpractice.model`): a `params`
dict and `loss(X, y=None)`. The update rule is any callable
`rule(w, dw, config) -> (next_w, config)` (see `nnpractice.optim`), so later
chapters train with the student's own rules.
"""

import copy

import numpy as np
from tqdm.auto import tqdm

from nnpractice.optim import sgd


def accuracy(model, X, y, num_samples=None, rng=None, batch_size=1000):
    """Fraction of rows of X that the model classifies correctly.

    Inputs:
    - model: has predict(X) or loss(X) returning scores.
    - X: array of shape (N, D); y: int array of shape (N,).
    - num_samples: if given and smaller than N, score a random subset of
      this size, drawn with rng (a np.random.Generator; None: seed 0).
    """
    if num_samples is not None and X.shape[0] > num_samples:
        rng = np.random.default_rng(0) if rng is None else rng
        rows = rng.choice(X.shape[0], num_samples, replace=False)
        X, y = X[rows], y[rows]
    scores = np.concatenate([model.loss(X[i:i + batch_size]) for i in range(0, X.shape[0], batch_size)])
    return float(np.mean(scores.argmax(axis=1) == y))


class Trainer:
    """Minibatch training loop that records what happened.

    Inputs:
    - model: params dict and loss(X, y=None), e.g. a FullyConnectedNet.
    - data: (X_train, y_train, X_val, y_val) as returned by nnpractice.data.
    - update_rule: callable rule(w, dw, config) -> (next_w, config).
    - optim_config: hyperparameters given to the rule (e.g. learning_rate);
      every parameter gets its own deep copy, so state is never shared.
    - lr_decay: after every epoch, learning_rate *= lr_decay.
    - batch_size, num_epochs: the minibatch size and the number of passes.
    - num_train_samples, num_val_samples: how many rows to score for the
      per-epoch accuracies (None: all of them).
    - callbacks: functions called as callback(trainer) after every update.
    - epoch_callbacks: functions called as callback(trainer) after every
      epoch, once the accuracies are recorded (e.g. a learning-rate schedule
      that sets config["learning_rate"] in trainer.optim_configs). A callback
      may set trainer.stop_training = True to end training after this epoch
      (e.g. early stopping).
    - grad_transform: None, or a function grads -> grads applied at every
      step to the model's gradients (a dict name -> array) before the update
      rule sees them, e.g. clipping them to a global norm. It must return a
      dict with the same names and shapes. last_grads keeps the gradients as
      the model computed them.
    - seed: seed of the minibatch order; the same seed gives the same run.
    - progress: show a tqdm progress bar.

    After train(): loss_history (one loss per iteration), train_acc_history
    and val_acc_history (one entry before training, then one per epoch),
    best_val_acc and best_params (the parameters at that epoch), diverged
    (True if the loss became NaN or infinite; training stops there),
    stop_training (True if a callback ended training early).
    """

    def __init__(self, model, data, update_rule=sgd, optim_config=None, lr_decay=1.0,
                 batch_size=100, num_epochs=10, num_train_samples=1000, num_val_samples=None,
                 callbacks=(), epoch_callbacks=(), grad_transform=None, seed=0, progress=False):
        self.model = model
        self.X_train, self.y_train, self.X_val, self.y_val = data
        self.update_rule = update_rule
        self.lr_decay = lr_decay
        self.batch_size = batch_size
        self.num_epochs = num_epochs
        self.num_train_samples = num_train_samples
        self.num_val_samples = num_val_samples
        self.callbacks = list(callbacks)
        self.epoch_callbacks = list(epoch_callbacks)
        self.grad_transform = grad_transform
        self.progress = progress
        self.rng = np.random.default_rng(seed)
        self.optim_configs = {name: copy.deepcopy(optim_config or {}) for name in model.params}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.best_val_acc = -1.0
        self.best_params = {}
        self.diverged = False
        self.stop_training = False
        self.epoch = 0
        self.iteration = 0
        self.last_grads = {}
        self.last_updates = {}

    @property
    def history(self):
        """Everything recorded so far, as a dict of lists."""
        return {"loss": self.loss_history, "train_acc": self.train_acc_history,
                "val_acc": self.val_acc_history}

    def step(self, X_batch, y_batch):
        """One update of every parameter on one minibatch; returns the loss."""
        loss, grads = self.model.loss(X_batch, y_batch)
        self.loss_history.append(float(loss))
        self.last_grads = grads
        if not np.isfinite(loss):
            self.diverged = True
            return loss
        if self.grad_transform is not None:
            grads = self.grad_transform(grads)
        for name, w in self.model.params.items():
            before = w.copy()
            next_w, self.optim_configs[name] = self.update_rule(w, grads[name], self.optim_configs[name])
            self.model.params[name] = next_w
            self.last_updates[name] = next_w - before
        self.iteration += 1
        for callback in self.callbacks:
            callback(self)
        return loss

    def check_accuracy(self):
        """Record train and validation accuracy; keep the best parameters."""
        train_acc = accuracy(self.model, self.X_train, self.y_train, self.num_train_samples, self.rng)
        val_acc = accuracy(self.model, self.X_val, self.y_val, self.num_val_samples, self.rng)
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        if val_acc > self.best_val_acc:
            self.best_val_acc = val_acc
            self.best_params = {name: w.copy() for name, w in self.model.params.items()}
        return train_acc, val_acc

    def train(self):
        """Run num_epochs epochs (or until the loss diverges or a callback stops it); returns self."""
        num_train = self.X_train.shape[0]
        batches_per_epoch = max(num_train // self.batch_size, 1)
        self.check_accuracy()
        epochs = tqdm(range(self.num_epochs), desc="epochs", disable=not self.progress, leave=False)
        for _ in epochs:
            order = self.rng.permutation(num_train)
            for b in range(batches_per_epoch):
                rows = order[b * self.batch_size:(b + 1) * self.batch_size]
                self.step(self.X_train[rows], self.y_train[rows])
                if self.diverged:
                    return self
            self.epoch += 1
            for config in self.optim_configs.values():
                if "learning_rate" in config:
                    config["learning_rate"] *= self.lr_decay
            train_acc, val_acc = self.check_accuracy()
            for callback in self.epoch_callbacks:
                callback(self)
            epochs.set_postfix(loss=f"{self.loss_history[-1]:.3f}", train=f"{train_acc:.2f}", val=f"{val_acc:.2f}")
            if self.stop_training:
                break
        return self
