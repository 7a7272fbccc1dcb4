"""Reference solutions of 06_hyperparameter_search: GENERATED from solutions/06_hyperparameter_search/06_hyperparameter_search.ipynb.

Do not edit; run `make release`. Never give this file to students.
"""

import numpy as np


def log_uniform(rng, lo, hi, size=None):
    """Samples whose base-10 logarithm is uniform on [lo, hi].

    Inputs:
    - rng: np.random.Generator, the source of randomness (seeded by the caller).
    - lo, hi: floats, exponents (lo < hi): samples lie in [10**lo, 10**hi].
    - size: None for one float, or an int or tuple for an array of that shape.

    Returns a float (size None) or an array of shape `size`: samples on
    [10**lo, 10**hi] such that every decade inside gets the same share.
    Draw them with exactly one call of rng.uniform (on the exponents), so
    that the same seed gives the same samples as the grader's: random draws
    can only be graded by value if everyone uses the generator the same way.
    """
    # nnpractice:reference
    return 10 ** rng.uniform(lo, hi, size)


def sample_config(space, rng):
    """One random configuration from a search space.

    Inputs:
    - space: dict name -> (low, high, scale). scale "log": log10 of the value
      is uniform between log10(low) and log10(high) (learning rates,
      regularization strengths); "linear": the value is uniform between low
      and high (dropout, momentum).
    - rng: np.random.Generator.

    Returns a dict name -> float with the names of space, in its order. Each
    parameter takes exactly one rng.uniform draw, in the order of space.
    """
    config = {}
    for name, (low, high, scale) in space.items():
        if scale not in ("log", "linear"):
            raise ValueError(f"{name}: scale must be 'log' or 'linear', got {scale!r}")
        # nnpractice:reference
        if scale == "log":
            config[name] = float(10 ** rng.uniform(np.log10(low), np.log10(high)))
        else:
            config[name] = float(rng.uniform(low, high))
    return config


def random_search(space, num_trials, seed=0):
    """Configurations of a random search.

    Inputs:
    - space: dict name -> (low, high, scale), as for sample_config.
    - num_trials: int, number of configurations.
    - seed: seed of the one generator all draws come from.

    Returns a list of num_trials dicts, drawn one after another with
    sample_config(space, rng) where rng = np.random.default_rng(seed).
    """
    rng = np.random.default_rng(seed)
    # nnpractice:reference
    return [sample_config(space, rng) for _ in range(num_trials)]


def grid_search(space, num_per_axis):
    """Configurations of a grid search: every combination of evenly spaced values.

    Inputs:
    - space: dict name -> (low, high, scale), as for sample_config.
    - num_per_axis: int >= 2, values per parameter, low and high included
      (evenly spaced in log10 for "log" parameters, in the value for
      "linear" ones).

    Returns a list of num_per_axis ** len(space) dicts name -> float, in
    itertools.product order (the first parameter varies slowest).
    """
    import itertools

    axes = []
    for name, (low, high, scale) in space.items():
        # nnpractice:reference
        if scale == "log":
            axes.append(np.logspace(np.log10(low), np.log10(high), num_per_axis))
        else:
            axes.append(np.linspace(low, high, num_per_axis))
    return [dict(zip(space, (float(v) for v in values))) for values in itertools.product(*axes)]


def best_on_border(trials, space, margin=0.1):
    """Parameters whose best value lies near an edge of the searched range.

    Inputs:
    - trials: list of (val_acc, config) pairs; each config has the names of space.
    - space: dict name -> (low, high, scale), the ranges that were searched.
    - margin: float in (0, 0.5), the fraction of each range at either end
      that counts as its border (of the log10 range for "log" parameters).

    Returns a dict name -> "low" or "high", for the parameters of the best
    trial (highest val_acc, the first one on ties) that lie on a border; {}
    if none does.
    """
    best_config = max(trials, key=lambda trial: trial[0])[1]
    border = {}
    for name, (low, high, scale) in space.items():
        value = best_config[name]
        # nnpractice:reference
        if scale == "log":
            value, low, high = np.log10(value), np.log10(low), np.log10(high)
        position = (value - low) / (high - low)
        if position <= margin:
            border[name] = "low"
        elif position >= 1 - margin:
            border[name] = "high"
    return border


def refine_space(trials, space, top=5, expand=0.5):
    """A narrower search space around the best trials (coarse-to-fine search).

    Inputs:
    - trials: list of (val_acc, config) pairs.
    - space: dict name -> (low, high, scale), the space they were drawn from.
    - top: int, how many of the best trials (highest val_acc) to keep.
    - expand: float >= 0, padding added on each side, as a fraction of the
      span of the kept values (in log10 units for "log" parameters).

    Returns a new dict name -> (low, high, scale) with the same names, in
    the order of space (the next random search draws them in that order),
    and the same scales; low and high are plain floats.
    """
    refined = {}
    # nnpractice:reference
    best = sorted(trials, key=lambda trial: trial[0], reverse=True)[:top]
    for name, (_, _, scale) in space.items():
        values = np.array([config[name] for _, config in best], dtype=float)
        if scale == "log":
            values = np.log10(values)
        low, high = values.min(), values.max()
        pad = expand * (high - low)
        low, high = low - pad, high + pad
        if scale == "log":
            low, high = 10 ** low, 10 ** high
        refined[name] = (float(low), float(high), scale)
    return refined


def checkpoint_name(val_acc, config):
    """File name of a trial's checkpoint: validation accuracy first, then the config.

    Inputs:
    - val_acc: float in [0, 1], the trial's validation accuracy.
    - config: dict name -> float, its hyperparameters.

    Returns a str that sorts by accuracy and names the trial unambiguously:
    "val_" and the accuracy with 4 decimals; then, for every hyperparameter
    in alphabetical order of its name, "__", the name, "=" and the value in
    scientific notation with 4 decimals (1.0000e-03), so that the same
    config always gives the same name whatever order its dict has; then
    ".pkl".
    """
    # nnpractice:reference
    parts = [f"__{name}={config[name]:.4e}" for name in sorted(config)]
    return f"val_{val_acc:.4f}" + "".join(parts) + ".pkl"


def rank_checkpoints(folder):
    """Read a folder of trial checkpoints and rank the trials, best first.

    Inputs:
    - folder: str or Path holding one .pkl checkpoint per trial (written by
      run_trials / save_checkpoint); other files are ignored.

    Returns a list of (val_acc, config, file_name) tuples, one per *.pkl file:
    val_acc and config as saved in the file (load_checkpoint), file_name the
    file's name (not its path); by decreasing val_acc, equal ones by name.
    """
    from pathlib import Path

    from nnpractice.search import load_checkpoint

    rows = []
    # nnpractice:reference
    for path in Path(folder).glob("*.pkl"):
        result = load_checkpoint(path)
        rows.append((result["val_acc"], result["config"], path.name))
    rows.sort(key=lambda row: (-row[0], row[2]))
    return rows
