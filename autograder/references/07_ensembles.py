"""Reference solutions of 07_ensembles: GENERATED from solutions/07_ensembles/07_ensembles.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def average_probabilities(scores_list):
    """Ensemble prediction: the mean of the models' softmax probabilities.

    Inputs:
    - scores_list: list of M arrays, each of shape (N, C): the class scores
      that M models give to the same N inputs.

    Returns an array of shape (N, C): row i is the average over the models of
    the softmax of their scores for input i (each row sums to 1).
    """
    # nnpractice:reference
    total = 0.0
    for scores in scores_list:
        shifted = scores - np.max(scores, axis=1, keepdims=True)  # no overflow in exp
        probs = np.exp(shifted)
        total = total + probs / probs.sum(axis=1, keepdims=True)
    return total / len(scores_list)


def top_k(val_accs, k):
    """Indices of the k best trials, best first.

    Inputs:
    - val_accs: sequence of M floats, the validation accuracy of each trial.
    - k: int, 1 <= k <= M.

    Returns a list of k ints: indices into val_accs, by decreasing accuracy;
    equal accuracies keep their original order (earlier trial first).
    """
    val_accs = np.asarray(val_accs, dtype=float)
    # nnpractice:reference
    order = np.argsort(-val_accs, kind="stable")
    return [int(i) for i in order[:k]]


def checkpoint_ensemble(model, snapshots, X):
    """Average the predicted probabilities of one model under several sets of parameters.

    Inputs:
    - model: a model with a params dict and loss(X) returning scores (N, C).
    - snapshots: list of dicts name -> array, each with the keys and shapes
      of model.params (e.g. copies saved at the end of several epochs).
    - X: array of shape (N, D), the inputs.

    Returns an array of shape (N, C), the averaged probabilities; afterwards
    model.params holds the same arrays as before the call.
    """
    original = model.params
    # nnpractice:reference
    scores_list = []
    try:
        for snapshot in snapshots:
            model.params = dict(snapshot)
            scores_list.append(model.loss(X))
    finally:
        model.params = original
    return average_probabilities(scores_list)


def update_running_average(average, params, decay=0.99):
    """One step of an exponential running average of parameters.

    Inputs:
    - average: None (first call) or dict name -> array, the running average.
    - params: dict name -> array, the model's current parameters.
    - decay: float beta in [0, 1): weight of the old average; the current
      parameters get weight 1 - beta.

    Returns a dict name -> new array: copies of params on the first call;
    after that, the weighted mean of the old average (weight decay) and the
    current parameters (weight 1 - decay), name by name, so that parameters
    k steps old weigh decay**k times less. Neither argument's arrays are
    modified or returned.
    """
    if average is None:
        return {name: w.copy() for name, w in params.items()}
    # nnpractice:reference
    return {name: decay * average[name] + (1 - decay) * w for name, w in params.items()}
