"""Tests of nnpractice.trainer: the training loop's records, seeding, per-parameter configs and stopping."""

import numpy as np
import pytest

from nnpractice.data import load_digits
from nnpractice.model import FullyConnectedNet, TwoLayerNet
from nnpractice.optim import sgd
from nnpractice.trainer import Trainer, accuracy


@pytest.fixture
def digits(monkeypatch):
    """The bundled digits (1500 train, 297 validation), whatever NNPRACTICE_DATA says."""
    monkeypatch.delenv("NNPRACTICE_DATA", raising=False)
    return load_digits()


def small_net(seed=0):
    return TwoLayerNet(64, hidden_dim=20, weight_scale="he", seed=seed)


def counting_sgd(w, dw, config):
    """sgd that also counts its calls in config["count"]."""
    config["count"] = config.get("count", 0) + 1
    return sgd(w, dw, config)


def sgd_in_place(w, dw, config):
    """sgd that overwrites w, as rules may: stale references to w see every later step."""
    w -= config["learning_rate"] * dw
    return w, config


def test_history_lengths(digits):
    """One loss per iteration (num_epochs * (N // batch_size)) and num_epochs + 1 accuracies?"""
    trainer = Trainer(small_net(), digits, optim_config={"learning_rate": 0.1},
                      batch_size=64, num_epochs=3).train()
    assert len(trainer.loss_history) == 3 * (1500 // 64)
    assert trainer.iteration == 3 * (1500 // 64) and trainer.epoch == 3
    assert len(trainer.train_acc_history) == len(trainer.val_acc_history) == 4
    assert not trainer.diverged


def test_history_property(digits):
    """Does history hold exactly the loss, train_acc and val_acc records?"""
    trainer = Trainer(small_net(), digits, num_epochs=1).train()
    assert trainer.history == {"loss": trainer.loss_history, "train_acc": trainer.train_acc_history,
                               "val_acc": trainer.val_acc_history}
    assert len(trainer.history["loss"]) == 15


def test_seed_fixes_the_run(digits):
    """Does the same seed give the same losses, and another seed (another batch order) others?"""
    def losses(seed):
        return Trainer(small_net(), digits, optim_config={"learning_rate": 0.1},
                       num_epochs=2, seed=seed).train().loss_history

    first = losses(seed=0)
    assert losses(seed=0) == first
    assert losses(seed=1) != first


def test_every_parameter_has_its_own_config(digits):
    """Does each parameter's config see each update once, and not share state with another?"""
    optim_config = {"learning_rate": 0.1, "state": []}
    trainer = Trainer(small_net(), digits, update_rule=counting_sgd, optim_config=optim_config,
                      num_epochs=2)
    assert len(trainer.optim_configs) == 4
    trainer.optim_configs["W1"]["state"].append("W1 only")
    trainer.optim_configs["W2"]["learning_rate"] = 0.0
    W2_before = trainer.model.params["W2"].copy()
    trainer.train()
    for name, config in trainer.optim_configs.items():
        assert config["count"] == trainer.iteration == 30, f"{name} counted {config['count']}"
    assert trainer.optim_configs["W1"]["state"] == ["W1 only"]
    assert trainer.optim_configs["b1"]["state"] == []
    assert optim_config == {"learning_rate": 0.1, "state": []}, "the caller's config was changed"
    np.testing.assert_array_equal(trainer.model.params["W2"], W2_before)
    assert trainer.optim_configs["W1"]["learning_rate"] == 0.1


def test_lr_decay_once_per_epoch(digits):
    """Is learning_rate multiplied by lr_decay at the end of each epoch, not each iteration?"""
    seen = []
    trainer = Trainer(small_net(), digits, optim_config={"learning_rate": 0.1}, lr_decay=0.5,
                      num_epochs=3, callbacks=[lambda t: seen.append(
                          (t.epoch, t.optim_configs["b2"]["learning_rate"]))]).train()
    for epoch, learning_rate in seen:
        assert learning_rate == pytest.approx(0.1 * 0.5**epoch, rel=1e-12)
    assert {epoch for epoch, _ in seen} == {0, 1, 2}
    for config in trainer.optim_configs.values():
        assert config["learning_rate"] == pytest.approx(0.1 * 0.5**3, rel=1e-12)


def test_divergence_stops_training(digits):
    """Does a huge learning rate set diverged and stop at the first non-finite loss?"""
    trainer = Trainer(small_net(), digits, optim_config={"learning_rate": 1e50}, num_epochs=5)
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow is what we test
        trainer.train()
    assert trainer.diverged
    assert len(trainer.loss_history) < 5 * 15
    assert not np.isfinite(trainer.loss_history[-1])
    assert np.all(np.isfinite(trainer.loss_history[:-1]))
    assert trainer.iteration == len(trainer.loss_history) - 1, "parameters updated with a NaN gradient"
    assert len(trainer.val_acc_history) == trainer.epoch + 1


def test_best_params_are_a_copy_from_the_best_epoch(digits, monkeypatch):
    """Are best_params the parameters at the best validation epoch, copied, not the live arrays?"""
    trainer = Trainer(small_net(), digits, update_rule=sgd_in_place,
                      optim_config={"learning_rate": 0.05}, num_epochs=4)
    snapshots = []
    check_accuracy = trainer.check_accuracy

    def check_and_snapshot():
        snapshots.append({name: w.copy() for name, w in trainer.model.params.items()})
        return check_accuracy()

    monkeypatch.setattr(trainer, "check_accuracy", check_and_snapshot)
    trainer.train()
    best_epoch = int(np.argmax(trainer.val_acc_history))
    assert trainer.best_val_acc == trainer.val_acc_history[best_epoch]
    assert best_epoch > 0, "training did not improve on the initial weights"
    assert sorted(trainer.best_params) == sorted(trainer.model.params)
    for name, w in trainer.best_params.items():
        np.testing.assert_array_equal(w, snapshots[best_epoch][name], err_msg=f"{name} not from the best epoch")
        assert not np.shares_memory(w, trainer.model.params[name]), f"best_params[{name!r}] is the live array"


def test_callbacks_run_once_per_update(digits):
    """Is every callback called once after each update, with the trainer?"""
    calls = []
    trainer = Trainer(small_net(), digits, num_epochs=2, batch_size=300,
                      callbacks=[lambda t: calls.append(("a", t.iteration)),
                                 lambda t: calls.append(("b", t.iteration))]).train()
    assert trainer.iteration == 10
    assert calls == [(name, i) for i in range(1, 11) for name in ("a", "b")]


def test_last_grads_and_updates_are_recorded(digits):
    """After a step, do last_updates hold next_w - w and last_grads the gradients, per parameter?"""
    model = small_net()
    trainer = Trainer(model, digits, optim_config={"learning_rate": 0.1})
    before = {name: w.copy() for name, w in model.params.items()}
    trainer.step(digits[0][:50], digits[1][:50])
    for name, w in model.params.items():
        np.testing.assert_allclose(trainer.last_updates[name], w - before[name], rtol=1e-12)
        # next_w - w rounds at the scale of w, not of the update
        np.testing.assert_allclose(trainer.last_updates[name], -0.1 * trainer.last_grads[name], atol=1e-15)


class FirstColumnModel:
    """Predicts class int(X[:, 0]); records the ids (X[:, 1]) of the rows it scores."""

    def __init__(self):
        self.ids = []

    @property
    def rows_scored(self):
        return len(self.ids)

    def loss(self, X, y=None):
        self.ids.extend(X[:, 1].tolist())
        return np.eye(2)[X[:, 0].astype(int)]


def half_right(N):
    """Rows with ids 0..N-1, every other one predicted correctly (class 0)."""
    X = np.zeros((N, 2))
    X[::2, 0] = 1
    X[:, 1] = np.arange(N)
    return X, np.zeros(N, dtype=int)


def test_accuracy_on_all_rows_and_batches():
    """Is accuracy the fraction of correct rows, over every row, in batches?"""
    X, y = half_right(10)
    X[:, 0] = 0
    X[:3, 0] = 1
    model = FirstColumnModel()
    assert accuracy(model, X, y, batch_size=4) == pytest.approx(0.7)
    assert model.rows_scored == 10
    model = FirstColumnModel()
    assert accuracy(model, X, y, num_samples=50, rng=np.random.default_rng(0)) == pytest.approx(0.7)
    assert model.rows_scored == 10


def test_accuracy_with_num_samples_scores_a_seeded_subset():
    """With num_samples < N, are only that many rows scored, chosen by rng (same seed, same subset)?"""
    X, y = half_right(200)
    model = FirstColumnModel()
    result = accuracy(model, X, y, num_samples=30, rng=np.random.default_rng(3))
    assert model.rows_scored == 30
    assert len(set(model.ids)) == 30, "rows drawn with replacement"
    assert (result * 30) == pytest.approx(round(result * 30))
    assert 0 < result < 1, "the subset is not random"
    results = {accuracy(model, X, y, num_samples=30, rng=np.random.default_rng(3)) for _ in range(3)}
    assert results == {result}


def test_two_layer_net_learns_digits(digits):
    """Does a TwoLayerNet trained with sgd for 5 epochs reach > 0.8 validation accuracy?"""
    model = TwoLayerNet(64, hidden_dim=50, weight_scale="he", seed=0)
    trainer = Trainer(model, digits, optim_config={"learning_rate": 0.5}, num_epochs=5).train()
    assert trainer.val_acc_history[0] < 0.3
    assert trainer.best_val_acc > 0.8
    assert trainer.loss_history[-1] < trainer.loss_history[0]


def test_trainer_accepts_a_deeper_float32_model(digits):
    """Does training keep a float32 FullyConnectedNet's params float32?"""
    model = FullyConnectedNet([20, 20], 64, dtype=np.float32, weight_scale="he")
    Trainer(model, digits, optim_config={"learning_rate": 0.1}, num_epochs=1).train()
    assert all(w.dtype == np.float32 for w in model.params.values())


def test_accuracy_num_samples_without_rng():
    """Does num_samples work without an rng, scoring a reproducible subset?"""
    X, y = half_right(200)
    model = FirstColumnModel()
    first = accuracy(model, X, y, num_samples=30)
    assert model.rows_scored == 30
    assert accuracy(model, X, y, num_samples=30) == first


def test_epoch_callbacks_run_once_per_epoch_after_accuracy():
    """Are epoch callbacks called once per epoch, after that epoch's accuracies, able to set the lr?"""
    from nnpractice.data import make_spirals, train_val_split
    from nnpractice.model import TwoLayerNet
    from nnpractice.trainer import Trainer

    X, y = make_spirals(num_per_class=30, seed=1)
    data = train_val_split(X, y, num_val=20, seed=1)
    seen = []

    def halve(trainer):
        seen.append((trainer.epoch, len(trainer.val_acc_history)))
        for config in trainer.optim_configs.values():
            config["learning_rate"] /= 2

    trainer = Trainer(TwoLayerNet(2, 10, 3), data, optim_config={"learning_rate": 0.8}, batch_size=10,
                      num_epochs=3, epoch_callbacks=[halve]).train()
    assert seen == [(1, 2), (2, 3), (3, 4)]
    assert all(c["learning_rate"] == 0.1 for c in trainer.optim_configs.values())


def test_epoch_callback_can_stop_training():
    """Does setting stop_training in an epoch callback end training after that epoch, records intact?"""
    from nnpractice.data import make_spirals, train_val_split

    X, y = make_spirals(num_per_class=30, seed=2)
    data = train_val_split(X, y, num_val=20, seed=2)

    def stop_after_two(trainer):
        trainer.stop_training = trainer.epoch >= 2

    trainer = Trainer(TwoLayerNet(2, 10, 3), data, optim_config={"learning_rate": 0.5}, batch_size=10,
                      num_epochs=6, epoch_callbacks=[stop_after_two]).train()
    assert trainer.epoch == 2 and trainer.stop_training
    assert len(trainer.val_acc_history) == 3
    assert len(trainer.loss_history) == 2 * (70 // 10)
    assert not Trainer(TwoLayerNet(2, 10, 3), data, num_epochs=1).stop_training


def test_grad_transform_changes_what_the_rule_sees_only(digits):
    """Does the rule receive grad_transform(grads), while last_grads keeps the model's gradients?"""
    seen = []

    def halve_and_record(grads):
        seen.append({name: g.copy() for name, g in grads.items()})
        return {name: g / 2 for name, g in grads.items()}

    model = small_net()
    trainer = Trainer(model, digits, optim_config={"learning_rate": 0.1}, grad_transform=halve_and_record)
    before = {name: w.copy() for name, w in model.params.items()}
    trainer.step(digits[0][:50], digits[1][:50])
    assert len(seen) == 1
    for name, w in model.params.items():
        np.testing.assert_array_equal(trainer.last_grads[name], seen[0][name])
        np.testing.assert_allclose(w - before[name], -0.05 * seen[0][name], atol=1e-15)


def test_grad_transform_is_not_called_on_a_diverged_step(digits):
    """Is a non-finite loss detected before the transform, so it never sees NaN gradients?"""
    calls = []
    trainer = Trainer(small_net(), digits, optim_config={"learning_rate": 1e50}, num_epochs=3,
                      grad_transform=lambda grads: calls.append(1) or grads)
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow is what we test
        trainer.train()
    assert trainer.diverged
    assert len(calls) == trainer.iteration == len(trainer.loss_history) - 1
