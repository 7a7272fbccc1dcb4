"""Reference solutions of 03_babysitting: GENERATED from solutions/03_babysitting/03_babysitting.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def update_weight_ratio(w, update):
    """Size of an update relative to the weights it is applied to.

    Inputs:
    - w: array of any shape, the weights BEFORE the update.
    - update: array of w's shape, the change the optimizer applied
      (next_w - w), not the gradient.

    Returns a float: ||update|| / ||w||, Euclidean norms over all entries;
    np.inf if w is all zeros (0.0 if update is all zeros too).
    """
    w = np.asarray(w, dtype=np.float64)
    update = np.asarray(update, dtype=np.float64)
    # nnpractice:reference
    weight_norm = np.sqrt(np.sum(w * w))
    update_norm = np.sqrt(np.sum(update * update))
    if weight_norm == 0:
        return 0.0 if update_norm == 0 else float(np.inf)
    return float(update_norm / weight_norm)


def layer_update_ratios(trainer):
    """Update/weight ratio of every weight matrix after the trainer's last update.

    Inputs:
    - trainer: an nnpractice Trainer right after an update:
      trainer.model.params (name -> weights AFTER the update),
      trainer.last_updates (name -> the update just applied, next_w - w),
      trainer.last_grads (name -> the gradient that update came from).

    Returns {name: float} for every parameter whose name starts with "W":
    update_weight_ratio(weights before the update, update). Biases are
    left out.
    """
    ratios = {}
    for name, w_after in trainer.model.params.items():
        # nnpractice:reference
        if not name.startswith("W"):
            continue
        update = trainer.last_updates[name]
        ratios[name] = update_weight_ratio(w_after - update, update)
    return ratios


def layer_statistics(values, activation=None, saturation=0.99):
    """Summary statistics of one layer's activations or gradients.

    Inputs:
    - values: array of shape (N, H): a layer's activations for N examples
      and H units (e.g. model.activations[1]), or a gradient array.
    - activation: "tanh", "relu" or None (a gradient: no extra statistic).
    - saturation: a tanh output with |h| > saturation counts as saturated.

    Returns a dict of floats:
    - "mean", "std": over all entries;
    - "saturated" (only when activation == "tanh"): fraction of entries
      with |h| > saturation;
    - "dead" (only when activation == "relu"): fraction of units (columns)
      equal to 0 for every one of the N examples.
    """
    values = np.asarray(values, dtype=np.float64)
    stats = {}
    # nnpractice:reference
    stats["mean"] = float(np.mean(values))
    stats["std"] = float(np.std(values))
    if activation == "tanh":
        stats["saturated"] = float(np.mean(np.abs(values) > saturation))
    elif activation == "relu":
        stats["dead"] = float(np.mean(np.all(values == 0, axis=0)))
    return stats


def diagnose(history):
    """Named findings about a training run, from the rules of section 3.4.

    Inputs:
    - history: dict with "loss" (list of floats, one per iteration),
      "train_acc" and "val_acc" (lists, one per epoch, entry 0 before
      training), "num_classes" (int C) and optionally "update_ratio"
      ({name: list of floats}).

    Returns a list of strings, in the order of the table, each at most once:
    "learning_rate_too_high", "learning_rate_too_low",
    "check_initialization", "overfitting", "underfitting",
    "update_ratio_high:<name>", "update_ratio_low:<name>".
    """
    loss = np.asarray(history["loss"], dtype=np.float64)
    train_acc, val_acc = history["train_acc"], history["val_acc"]
    findings = []
    # nnpractice:reference
    if not np.all(np.isfinite(loss)) or np.any(loss > 3 * loss[0]):
        findings.append("learning_rate_too_high")
    else:
        k = max(1, len(loss) // 10)
        if np.mean(loss[-k:]) > 0.95 * np.mean(loss[:k]):
            findings.append("learning_rate_too_low")
    expected = np.log(history["num_classes"])
    if abs(loss[0] - expected) > 0.2 * expected:
        findings.append("check_initialization")
    if len(train_acc) >= 2:
        gap = train_acc[-1] - val_acc[-1]
        if gap > 0.10:
            findings.append("overfitting")
        elif train_acc[-1] < 0.90:
            findings.append("underfitting")
    for name, ratios in history.get("update_ratio", {}).items():
        median = np.median(ratios)
        if median > 1e-2:
            findings.append(f"update_ratio_high:{name}")
        elif median < 1e-4:
            findings.append(f"update_ratio_low:{name}")
    return findings
