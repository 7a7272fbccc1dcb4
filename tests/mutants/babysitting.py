"""Wrong answers to 03_babysitting that the hidden tests must reject."""

import numpy as np


def _norm(a):
    return float(np.sqrt(np.sum(np.asarray(a, dtype=float) ** 2)))


def update_weight_ratio__inverted(w, update):
    """Divides the weights' norm by the update's norm."""
    return _norm(w) / _norm(update) if _norm(update) else float(np.inf)


def update_weight_ratio__elementwise_mean(w, update):
    """Averages |update| / |w| element by element, which tiny weights dominate."""
    w, update = np.asarray(w, dtype=float), np.asarray(update, dtype=float)
    with np.errstate(all="ignore"):
        return float(np.mean(np.abs(update) / np.abs(w)))


def update_weight_ratio__squared_norms(w, update):
    """Divides squared norms, so a ratio of 1e-3 reads as 1e-6."""
    return _norm(update) ** 2 / _norm(w) ** 2 if _norm(w) else float(np.inf)


def update_weight_ratio__zero_weights_nan(w, update):
    """Divides by a zero norm without a special case: 0/0 is NaN where the answer is 0."""
    with np.errstate(all="ignore"):
        return float(np.float64(_norm(update)) / np.float64(_norm(w)))


def layer_update_ratios__gradient_not_update(trainer):
    """Uses the gradient (last_grads) instead of the update the optimizer applied."""
    ratios = {}
    for name, w in trainer.model.params.items():
        if name.startswith("W"):
            before = w - trainer.last_updates[name]
            ratios[name] = float(np.linalg.norm(trainer.last_grads[name]) / np.linalg.norm(before))
    return ratios


def layer_update_ratios__includes_biases(trainer):
    """Reports a ratio for the biases too."""
    ratios = {}
    for name, w in trainer.model.params.items():
        update = trainer.last_updates[name]
        with np.errstate(all="ignore"):
            ratios[name] = float(np.linalg.norm(update) / np.linalg.norm(w - update))
    return ratios


def layer_update_ratios__weights_after_update(trainer):
    """Divides by the weights after the update instead of the weights it was applied to."""
    return {name: float(np.linalg.norm(trainer.last_updates[name]) / np.linalg.norm(w))
            for name, w in trainer.model.params.items() if name.startswith("W")}


def layer_statistics__std_per_unit(values, activation=None, saturation=0.99):
    """Averages the per-unit standard deviations (axis 0) instead of the std over all entries."""
    values = np.asarray(values, dtype=float)
    stats = {"mean": float(np.mean(values)), "std": float(np.mean(np.std(values, axis=0)))}
    if activation == "tanh":
        stats["saturated"] = float(np.mean(np.abs(values) > saturation))
    elif activation == "relu":
        stats["dead"] = float(np.mean(np.all(values == 0, axis=0)))
    return stats


def layer_statistics__dead_over_examples(values, activation=None, saturation=0.99):
    """Counts examples (rows) with no active unit instead of units (columns) never active: wrong axis."""
    values = np.asarray(values, dtype=float)
    stats = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    if activation == "tanh":
        stats["saturated"] = float(np.mean(np.abs(values) > saturation))
    elif activation == "relu":
        stats["dead"] = float(np.mean(np.all(values == 0, axis=1)))
    return stats


def layer_statistics__dead_zero_entries(values, activation=None, saturation=0.99):
    """Calls every zero output dead, though a ReLU is zero on about half its inputs."""
    values = np.asarray(values, dtype=float)
    stats = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    if activation == "tanh":
        stats["saturated"] = float(np.mean(np.abs(values) > saturation))
    elif activation == "relu":
        stats["dead"] = float(np.mean(values == 0))
    return stats


def layer_statistics__saturated_without_abs(values, activation=None, saturation=0.99):
    """Counts only units saturated at +1, forgetting those at -1."""
    values = np.asarray(values, dtype=float)
    stats = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    if activation == "tanh":
        stats["saturated"] = float(np.mean(values > saturation))
    elif activation == "relu":
        stats["dead"] = float(np.mean(np.all(values == 0, axis=0)))
    return stats


def _diagnose(history, nan_blind=False, reversed_gap=False, accuracy_before_training=False,
              spike_inclusive=False, gap_inclusive=False, underfit_inclusive=False, ratio_inclusive=False,
              first_train_accuracy=False, plateau_inclusive=False, initialization_inclusive=False):
    """The rules of section 3.4, with one of them wrong as asked."""
    loss = np.asarray(history["loss"], dtype=float)
    train_acc, val_acc = history["train_acc"], history["val_acc"]
    findings = []
    with np.errstate(all="ignore"):
        exploding = np.nanmax(loss) > 3 * loss[0] if nan_blind else (
            not np.all(np.isfinite(loss)) or np.any(loss >= 3 * loss[0] if spike_inclusive else loss > 3 * loss[0]))
        if exploding:
            findings.append("learning_rate_too_high")
        else:
            k = max(1, len(loss) // 10)
            last, first = np.mean(loss[-k:]), np.mean(loss[:k])
            if (last >= 0.95 * first if plateau_inclusive else last > 0.95 * first):
                findings.append("learning_rate_too_low")
    expected = np.log(history["num_classes"])
    distance = abs(loss[0] - expected)
    if (distance >= 0.2 * expected if initialization_inclusive else distance > 0.2 * expected):
        findings.append("check_initialization")
    if len(train_acc) >= (1 if accuracy_before_training else 2):
        gap = val_acc[-1] - train_acc[-1] if reversed_gap else train_acc[-1] - val_acc[-1]
        final = train_acc[0] if first_train_accuracy else train_acc[-1]
        if (gap >= 0.10 if gap_inclusive else gap > 0.10):
            findings.append("overfitting")
        elif (final <= 0.90 if underfit_inclusive else final < 0.90):
            findings.append("underfitting")
    for name, ratios in history.get("update_ratio", {}).items():
        median = np.median(ratios)
        if (median >= 1e-2 if ratio_inclusive else median > 1e-2):
            findings.append(f"update_ratio_high:{name}")
        elif (median <= 1e-4 if ratio_inclusive else median < 1e-4):
            findings.append(f"update_ratio_low:{name}")
    return findings


def diagnose__misses_nan(history):
    """Looks for an exploding loss with nanmax, so a NaN loss goes unnoticed."""
    return _diagnose(history, nan_blind=True)


def diagnose__gap_reversed(history):
    """Computes the gap as val - train, calling a model that does better on validation overfit."""
    return _diagnose(history, reversed_gap=True)


def diagnose__accuracy_before_training(history):
    """Judges capacity from the accuracy measured before any training (a run that diverged at once)."""
    return _diagnose(history, accuracy_before_training=True)


def diagnose__ratio_mean_not_median(history):
    """Averages each layer's ratios, so a few spikes decide."""
    fixed = {**history, "update_ratio": {}}
    findings = _diagnose(fixed)
    for name, ratios in history.get("update_ratio", {}).items():
        mean = np.mean(ratios)
        if mean > 1e-2:
            findings.append(f"update_ratio_high:{name}")
        elif mean < 1e-4:
            findings.append(f"update_ratio_low:{name}")
    return findings


def diagnose__spike_of_exactly_three_times(history):
    """Calls a loss of exactly 3 x the first loss exploding (>= where the rule says more than)."""
    return _diagnose(history, spike_inclusive=True)


def diagnose__gap_of_exactly_ten_points_overfits(history):
    """Calls a gap of exactly 0.10 overfitting (>= where the rule says more than 0.10)."""
    return _diagnose(history, gap_inclusive=True)


def diagnose__ninety_percent_underfits(history):
    """Calls a training accuracy of exactly 0.90 underfitting (<= where the rule says below 0.90)."""
    return _diagnose(history, underfit_inclusive=True)


def diagnose__ratio_limits_inclusive(history):
    """Flags a median ratio of exactly 1e-2 as high and exactly 1e-4 as low (the rules say above and below)."""
    return _diagnose(history, ratio_inclusive=True)


def diagnose__first_training_accuracy_for_underfitting(history):
    """Judges underfitting from train_acc[0], measured before training, instead of the last accuracy."""
    return _diagnose(history, first_train_accuracy=True)


def diagnose__plateau_at_exactly_five_percent(history):
    """Calls a loss that fell by exactly 5% flat (>= 0.95 x where the rule says more than 0.95 x)."""
    return _diagnose(history, plateau_inclusive=True)


def diagnose__initialization_at_exactly_the_limit(history):
    """Flags a first loss exactly 0.2 ln(C) away from ln(C) (>= where the rule says more than)."""
    return _diagnose(history, initialization_inclusive=True)


def layer_statistics__saturated_at_the_threshold(values, activation=None, saturation=0.99):
    """Counts |h| equal to saturation as saturated (>= where the contract says greater than)."""
    values = np.asarray(values, dtype=float)
    stats = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    if activation == "tanh":
        stats["saturated"] = float(np.mean(np.abs(values) >= saturation))
    elif activation == "relu":
        stats["dead"] = float(np.mean(np.all(values == 0, axis=0)))
    return stats
