"""Tests of nnpractice.monitor: what it records, when, with whose functions, and at what cost to training.

The functions handed to the monitor here are fakes that record their calls; the real ones are the
student's answers of chapter 03, which neither the package nor the tests contain.
"""

import ast
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest

import nnpractice.monitor
from nnpractice.model import FullyConnectedNet
from nnpractice.monitor import Monitor, plot_histograms, plot_update_ratios, snapshot
from nnpractice.trainer import Trainer

EXERCISES_OF_CHAPTER_03 = {"update_weight_ratio", "layer_update_ratios", "layer_statistics", "diagnose"}


@pytest.fixture
def data(rng):
    """A small 3-class problem: 60 training and 30 validation rows of 5 features."""
    X = rng.standard_normal((90, 5))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int)
    return X[:60], y[:60], X[60:], y[60:]


def net(activation="relu"):
    return FullyConnectedNet([8, 6], input_dim=5, num_classes=3, activation=activation, weight_scale="he", seed=1)


class Recorder:
    """Fake measurement functions that remember how the monitor called them."""

    def __init__(self):
        self.ratio_calls = []
        self.statistics_calls = []

    def update_ratios(self, trainer):
        self.ratio_calls.append(trainer.iteration)
        return {"W1": float(trainer.iteration), "W2": -1.0}

    def statistics(self, values, activation=None):
        self.statistics_calls.append((np.shape(values), activation))
        return {"size": values.size, "first": values.flat[0]}


def train(data, monitor, num_epochs=2, activation="relu", **options):
    trainer = Trainer(net(activation), data, optim_config={"learning_rate": 0.1}, batch_size=20,
                      num_epochs=num_epochs, callbacks=[monitor], **options)
    return trainer.train()


def test_records_after_every_update(data):
    """With every=1, is there one record per update, in order, for every layer the function reports?"""
    recorder = Recorder()
    monitor = Monitor(update_ratios=recorder.update_ratios, every=1)
    trainer = train(data, monitor)
    assert trainer.iteration == 6
    assert monitor.iterations == [1, 2, 3, 4, 5, 6]
    assert recorder.ratio_calls == monitor.iterations
    assert monitor.update_ratios == {"W1": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "W2": [-1.0] * 6}


def test_every_k_updates(data):
    """With every=4, are updates 1, 5, 9, ... recorded, and only those? And every 10th by default?"""
    recorder = Recorder()
    monitor = Monitor(update_ratios=recorder.update_ratios, every=4)
    train(data, monitor, num_epochs=4)
    assert monitor.iterations == [1, 5, 9]
    assert recorder.ratio_calls == [1, 5, 9]
    default = Monitor()
    train(data, default, num_epochs=8)
    assert default.iterations == [1, 11, 21]


def test_statistics_of_activations_and_weight_gradients(data):
    """Are activations passed with the model's activation, and weight gradients (not biases) with None?"""
    recorder = Recorder()
    monitor = Monitor(statistics=recorder.statistics, every=1)
    train(data, monitor, num_epochs=1, activation="tanh")
    assert recorder.statistics_calls[:5] == [((20, 8), "tanh"), ((20, 6), "tanh"),
                                             ((5, 8), None), ((8, 6), None), ((6, 3), None)]
    assert len(recorder.statistics_calls) == 3 * 5
    assert set(monitor.activation_stats) == {1, 2}
    assert set(monitor.gradient_stats) == {"W1", "W2", "W3"}
    assert monitor.activation_stats[1]["size"] == [160.0] * 3
    assert monitor.gradient_stats["W3"]["size"] == [18.0] * 3


def test_records_what_the_trainer_just_computed(data):
    """Are the recorded values those of the update's own minibatch and gradients (not stale ones)?"""
    seen = []

    def grab(values, activation=None):
        seen.append(np.array(values))
        return {"sum": float(np.sum(values))}

    monitor = Monitor(statistics=grab, every=1)
    trainer = Trainer(net(), data, optim_config={"learning_rate": 0.1}, batch_size=20, num_epochs=1,
                      callbacks=[monitor])
    X_batch, y_batch = data[0][:20], data[1][:20]
    trainer.step(X_batch, y_batch)
    assert np.array_equal(seen[0], trainer.model.activations[1])
    assert np.array_equal(seen[2], trainer.last_grads["W1"])


def test_nothing_recorded_without_functions(data):
    """Given no functions, does the monitor compute nothing of its own (but still count iterations)?"""
    monitor = Monitor(every=1)
    train(data, monitor, num_epochs=1)
    assert monitor.update_ratios == {} and monitor.activation_stats == {} and monitor.gradient_stats == {}
    assert monitor.iterations == [1, 2, 3]


def test_history_is_what_diagnose_reads(data):
    """Does history() hold the trainer's loss and accuracies, C, and the recorded ratios, as copies?"""
    recorder = Recorder()
    monitor = Monitor(update_ratios=recorder.update_ratios, every=1)
    trainer = train(data, monitor)
    history = monitor.history()
    assert set(history) == {"loss", "train_acc", "val_acc", "num_classes", "update_ratio"}
    assert history["loss"] == trainer.loss_history
    assert history["train_acc"] == trainer.train_acc_history and history["val_acc"] == trainer.val_acc_history
    assert history["num_classes"] == 3
    assert history["update_ratio"] == monitor.update_ratios
    history["update_ratio"]["W1"].append(99.0)
    assert monitor.update_ratios["W1"][-1] != 99.0


def test_num_classes_can_be_given(data):
    """Does num_classes override the guess from the labels (a class may be missing from y_train)?"""
    monitor = Monitor(num_classes=7)
    train(data, monitor, num_epochs=1)
    assert monitor.history()["num_classes"] == 7


def test_history_before_training_is_an_error():
    """Is asking for a history before any update a clear error?"""
    with pytest.raises(RuntimeError, match="not seen a training step"):
        Monitor().history()


def test_every_must_be_positive():
    """Is every=0 rejected?"""
    with pytest.raises(ValueError, match="every"):
        Monitor(every=0)


def test_snapshots_are_copies(data):
    """Are snapshots taken at the asked iterations, as copies that later updates do not change?"""
    monitor = Monitor(snapshot_at=[1, 3])
    trainer = train(data, monitor, num_epochs=2)
    assert sorted(monitor.snapshots) == [1, 3]
    first = monitor.snapshots[1]
    assert set(first["activations"]) == {1, 2}
    assert list(first["grads"]) == ["W1", "W2", "W3"]
    assert not np.array_equal(first["grads"]["W1"], trainer.last_grads["W1"])
    assert first["activations"][1] is not trainer.model.activations[1]


def test_snapshot_orders_gradients_like_the_parameters(rng):
    """Does snapshot list weight gradients from the first layer up, whatever order backward filled them?"""
    model = net()
    _, grads = model.loss(rng.standard_normal((4, 5)), np.array([0, 1, 2, 0]))
    assert list(grads)[0] == "W3"
    picture = snapshot(model, grads)
    assert list(picture["grads"]) == ["W1", "W2", "W3"]
    assert list(picture["activations"]) == [1, 2]


def test_monitor_does_not_change_training(data):
    """Is a monitored run exactly the unmonitored run (same losses, same weights)?"""
    recorder = Recorder()
    plain = Trainer(net(), data, optim_config={"learning_rate": 0.1}, batch_size=20, num_epochs=3).train()
    watched = train(data, Monitor(update_ratios=recorder.update_ratios, statistics=recorder.statistics,
                                  snapshot_at=[2]), num_epochs=3)
    assert watched.loss_history == plain.loss_history
    assert all(np.array_equal(watched.model.params[n], plain.model.params[n]) for n in plain.model.params)


def test_plots_draw_and_skip_non_finite_ratios():
    """Do the plotting helpers return artists, and survive the inf/NaN ratios of a diverged run?"""
    monitor = Monitor()
    monitor.iterations = [1, 2, 3, 4]
    monitor.update_ratios = {"W1": [1e-3, 2e-3, np.inf, np.nan], "W2": [1e-4, 1e-4, 1e-4, 1e-4]}
    fig, (ax_ratio, *ax_hist) = plt.subplots(1, 3)
    lines = plot_update_ratios(ax_ratio, monitor)
    assert len(lines) == 2
    assert np.isnan(lines[0].get_ydata()[2:]).all()
    fig.canvas.draw()
    bars = plot_histograms(ax_hist, {"h1": np.array([0.0, 1.0, np.nan]), "h2": np.ones((3, 2))}, title="x")
    assert len(bars) == 2 and ax_hist[0].get_title() == "x h1"
    plt.close(fig)


def test_monitor_holds_no_answer_of_chapter_03():
    """Does nnpractice.monitor define none of chapter 03's exercises, nor call numpy's norms or statistics?"""
    source = inspect.getsource(nnpractice.monitor)
    tree = ast.parse(source)
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert not defined & EXERCISES_OF_CHAPTER_03
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not called & {"norm", "std", "mean", "median", "all"}
