"""Watch a network while it trains: a Trainer callback that records what to look at.

Chapter 03 (babysitting) lists the quantities worth watching: the loss, train
and validation accuracy, the ratio of each layer's update to its weights, and
per-layer statistics of activations and gradients. `Monitor` records them
every `every` updates (10 by default, which keeps the cost to a few percent of
training time) so that later chapters can look at any training run the same
way:

    monitor = Monitor(update_ratios=layer_update_ratios, statistics=layer_statistics)
    trainer = Trainer(model, data, callbacks=[monitor]).train()
    findings = diagnose(monitor.history())

The monitor computes none of the course's exercises itself. It calls the
functions it is given (the student's own `layer_update_ratios(trainer)` and
`layer_statistics(values, activation=None)` from chapter 03) and stores what
they return; a function left as None is simply not recorded. The only numbers
it makes on its own are raw copies of activations and gradients at chosen
iterations (`snapshot_at`), for histograms.
"""

import numpy as np


def is_weight(name):
    """Whether a parameter name denotes a weight matrix (W1, W2, ...), not a bias."""
    return name.startswith("W")


class Monitor:
    """Records update/weight ratios and layer statistics during training.

    Inputs:
    - update_ratios: function(trainer) -> {parameter name: float}, called
      after an update (e.g. the student's layer_update_ratios); None: ratios
      are not recorded.
    - statistics: function(values, activation=None) -> {statistic: float}
      (e.g. the student's layer_statistics). It is applied to the hidden
      activations of every layer (model.activations, shape (N, H), with
      activation=model.activation) and to the gradient of every weight
      matrix (trainer.last_grads[W...], with activation=None). None: no
      statistics are recorded.
    - every: record after updates 1, 1 + every, 1 + 2 * every, ... The
      default, 10, keeps the cost of chapter 03's measurements to a few
      percent of training time; every=1 records every update but, on a
      network as small as chapter 03's, adds about 70% to each update with
      ratios and statistics (see benchmarks/monitor_overhead.py).
    - snapshot_at: iterations (update counts, 1 = after the first update) at
      which raw copies of the activations and weight gradients are kept for
      histograms.
    - num_classes: C, for the initial-loss check of diagnose; None: one more
      than the largest training label.

    Use it as a Trainer callback: Trainer(..., callbacks=[monitor]). After
    training:
    - iterations: list of the iterations at which quantities were recorded.
    - update_ratios: {name: list of floats}, one per recorded iteration.
    - activation_stats: {layer index: {statistic: list of floats}}.
    - gradient_stats: {weight name: {statistic: list of floats}}.
    - snapshots: {iteration: {"activations": {layer: array},
      "grads": {name: array}}}.
    - history(): the dict that chapter 03's diagnose reads.
    """

    def __init__(self, update_ratios=None, statistics=None, every=10, snapshot_at=(), num_classes=None):
        if every < 1:
            raise ValueError(f"every must be a positive number of updates, got {every}")
        self.update_ratios_fn = update_ratios
        self.statistics_fn = statistics
        self.every = int(every)
        self.snapshot_at = set(snapshot_at)
        self.num_classes = num_classes
        self.trainer = None
        self.iterations = []
        self.update_ratios = {}
        self.activation_stats = {}
        self.gradient_stats = {}
        self.snapshots = {}

    def __call__(self, trainer):
        """Record what the trainer's last update did (the Trainer calls this)."""
        self.trainer = trainer
        iteration = trainer.iteration
        if iteration in self.snapshot_at:
            self.snapshots[iteration] = snapshot(trainer.model, trainer.last_grads)
        if (iteration - 1) % self.every:
            return
        self.iterations.append(iteration)
        if self.update_ratios_fn is not None:
            for name, ratio in self.update_ratios_fn(trainer).items():
                self.update_ratios.setdefault(name, []).append(float(ratio))
        if self.statistics_fn is not None:
            model = trainer.model
            activation = getattr(model, "activation", None)
            for layer, values in getattr(model, "activations", {}).items():
                _append(self.activation_stats.setdefault(layer, {}), self.statistics_fn(values, activation))
            for name in _layer_order(model, trainer.last_grads):
                if is_weight(name):
                    _append(self.gradient_stats.setdefault(name, {}), self.statistics_fn(trainer.last_grads[name]))

    def history(self):
        """Everything diagnose(history) reads, as a dict.

        Returns {"loss": losses per iteration, "train_acc", "val_acc":
        accuracies per epoch (entry 0 before training), "num_classes": C,
        "update_ratio": {name: ratios per recorded iteration}}.
        """
        if self.trainer is None:
            raise RuntimeError("the monitor has not seen a training step yet")
        trainer = self.trainer
        num_classes = self.num_classes or int(np.max(trainer.y_train)) + 1
        return {"loss": list(trainer.loss_history), "train_acc": list(trainer.train_acc_history),
                "val_acc": list(trainer.val_acc_history), "num_classes": num_classes,
                "update_ratio": {name: list(r) for name, r in self.update_ratios.items()}}


def _append(table, stats):
    """Append each value of `stats` ({statistic: float}) to table[statistic]."""
    for key, value in stats.items():
        table.setdefault(key, []).append(float(value))


def snapshot(model, grads):
    """Copies of a model's hidden activations and of its weight gradients.

    Inputs:
    - model: has `activations` ({layer: array (N, H)} of the last forward pass).
    - grads: {name: array}, e.g. the grads returned by model.loss(X, y).

    Returns {"activations": {layer: array}, "grads": {weight name: array}}.
    """
    return {"activations": {layer: np.array(h) for layer, h in getattr(model, "activations", {}).items()},
            "grads": {name: np.array(grads[name]) for name in _layer_order(model, grads) if is_weight(name)}}


def _layer_order(model, grads):
    """Names of grads in the order of model.params (backward passes fill grads from the top)."""
    params = getattr(model, "params", {})
    return [name for name in params if name in grads] + [name for name in grads if name not in params]


def plot_update_ratios(ax, monitor):
    """Update/weight ratio of every recorded layer against the iteration, log scale.

    The band 1e-4 .. 1e-2 around the rule of thumb 1e-3 is shaded; ratios
    that are not finite (a diverged run) are left out. Returns the lines drawn.
    """
    ax.axhspan(1e-4, 1e-2, color="0.9", zorder=0)
    ax.axhline(1e-3, color="0.5", lw=0.8, ls="--")
    artists = []
    for name, ratios in monitor.update_ratios.items():
        ratios = np.asarray(ratios, dtype=np.float64)
        shown = np.where(np.isfinite(ratios) & (ratios > 0), ratios, np.nan)
        artists += ax.plot(monitor.iterations[:len(ratios)], shown, lw=1, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("|update| / |W|")
    if artists:
        ax.legend(fontsize=8)
    return artists


def plot_histograms(axes, arrays, bins=50, range=None, title=None):
    """One histogram per array, side by side.

    Inputs:
    - axes: sequence of matplotlib Axes, at least len(arrays).
    - arrays: {label: array}, e.g. snapshot(...)["activations"].
    - bins, range: passed to Axes.hist.
    - title: prefix of each Axes' title ("<title> <label>").

    Returns the list of patches drawn (one filled outline per histogram,
    which draws much faster than one bar per bin).
    """
    artists = []
    for ax, (label, values) in zip(axes, arrays.items()):
        values = np.ravel(values)
        artists.append(ax.hist(values[np.isfinite(values)], bins=bins, range=range, histtype="stepfilled")[2])
        ax.set_title(f"{title} {label}" if title else str(label), fontsize=9)
        ax.set_yticks([])
    return artists
