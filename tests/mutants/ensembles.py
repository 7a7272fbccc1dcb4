"""Wrong answers to 07_ensembles that the hidden tests must reject."""

import numpy as np


def _softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    return probs / probs.sum(axis=1, keepdims=True)


def average_probabilities__averages_labels(scores_list):
    """Majority vote: averages one-hot argmax labels where probabilities were asked."""
    votes = [np.eye(scores.shape[1])[scores.argmax(axis=1)] for scores in scores_list]
    return np.mean(votes, axis=0)


def average_probabilities__averages_scores(scores_list):
    """Averages the raw scores, then takes one softmax."""
    return _softmax(np.mean(scores_list, axis=0))


def average_probabilities__no_shift(scores_list):
    """Exponentiates the raw scores: overflows to NaN on large scores."""
    with np.errstate(all="ignore"):
        probs = [np.exp(s) / np.exp(s).sum(axis=1, keepdims=True) for s in scores_list]
    return np.mean(probs, axis=0)


def top_k__worst_first(val_accs, k):
    """Sorts ascending: returns the k worst trials."""
    return [int(i) for i in np.argsort(np.asarray(val_accs, dtype=float), kind="stable")[:k]]


def top_k__ties_reversed(val_accs, k):
    """Reverses an ascending sort: equal accuracies come out later trial first."""
    order = np.argsort(np.asarray(val_accs, dtype=float), kind="stable")[::-1]
    return [int(i) for i in order[:k]]


def top_k__one_short(val_accs, k):
    """Off by one: keeps k - 1 trials."""
    order = np.argsort(-np.asarray(val_accs, dtype=float), kind="stable")
    return [int(i) for i in order[:k - 1]]


def checkpoint_ensemble__last_snapshot_only(model, snapshots, X):
    """Uses only the last snapshot."""
    original = model.params
    model.params = dict(snapshots[-1])
    scores = model.loss(X)
    model.params = original
    return _softmax(scores)


def checkpoint_ensemble__no_restore(model, snapshots, X):
    """Leaves the model holding the last snapshot's parameters."""
    probs = []
    for snapshot in snapshots:
        model.params = dict(snapshot)
        probs.append(_softmax(model.loss(X)))
    return np.mean(probs, axis=0)


def checkpoint_ensemble__averages_labels(model, snapshots, X):
    """Majority vote of the snapshots' argmax labels."""
    original = model.params
    votes = []
    for snapshot in snapshots:
        model.params = dict(snapshot)
        scores = model.loss(X)
        votes.append(np.eye(scores.shape[1])[scores.argmax(axis=1)])
    model.params = original
    return np.mean(votes, axis=0)


def update_running_average__decay_on_new_value(average, params, decay=0.99):
    """Gives the new parameters weight decay and the old average 1 - decay."""
    if average is None:
        return {name: w.copy() for name, w in params.items()}
    return {name: (1 - decay) * average[name] + decay * w for name, w in params.items()}


def update_running_average__aliases_params(average, params, decay=0.99):
    """Starts the average with the model's own arrays, so in-place updates change it."""
    if average is None:
        return dict(params)
    return {name: decay * average[name] + (1 - decay) * w for name, w in params.items()}


def update_running_average__starts_from_zero(average, params, decay=0.99):
    """Starts the average at zero, biasing it towards 0 for the first ~1/(1-decay) steps."""
    if average is None:
        average = {name: np.zeros_like(w) for name, w in params.items()}
    return {name: decay * average[name] + (1 - decay) * w for name, w in params.items()}
