"""Wrong answers to 06_hyperparameter_search that the hidden tests must reject."""

import itertools
from pathlib import Path

import numpy as np

from nnpractice.search import load_checkpoint


def _draw(space, rng):
    """A correct draw of one configuration, for the mutants of the functions built on it."""
    config = {}
    for name, (low, high, scale) in space.items():
        if scale == "log":
            config[name] = float(10 ** rng.uniform(np.log10(low), np.log10(high)))
        else:
            config[name] = float(rng.uniform(low, high))
    return config


def log_uniform__samples_value_uniformly(rng, lo, hi, size=None):
    """Samples the value uniformly in [10**lo, 10**hi]: almost every sample lands in the top decade."""
    return rng.uniform(10.0 ** lo, 10.0 ** hi, size)


def log_uniform__natural_exponent(rng, lo, hi, size=None):
    """Uses exp(u) instead of 10 ** u."""
    return np.exp(rng.uniform(lo, hi, size))


def sample_config__log_as_linear(space, rng):
    """Samples every parameter uniformly in its value, ignoring the log scale."""
    return {name: float(rng.uniform(low, high)) for name, (low, high, _) in space.items()}


def sample_config__one_draw_for_all(space, rng):
    """Draws one uniform number and uses it for every parameter (perfectly correlated parameters)."""
    u = rng.uniform()
    config = {}
    for name, (low, high, scale) in space.items():
        if scale == "log":
            config[name] = float(10 ** (np.log10(low) + u * (np.log10(high) - np.log10(low))))
        else:
            config[name] = float(low + u * (high - low))
    return config


def random_search__grid_presented_as_random(space, num_trials, seed=0):
    """A shuffled grid of about num_trials ** (1/d) values per parameter, called random."""
    per_axis = int(np.ceil(num_trials ** (1 / len(space))))
    axes = [np.logspace(np.log10(low), np.log10(high), per_axis) if scale == "log" else np.linspace(low, high, per_axis)
            for low, high, scale in space.values()]
    grid = [dict(zip(space, map(float, values))) for values in itertools.product(*axes)]
    order = np.random.default_rng(seed).permutation(len(grid))[:num_trials]
    return [grid[i] for i in order]


def random_search__reseeds_every_trial(space, num_trials, seed=0):
    """Creates a new generator with the same seed for every trial: all trials are identical."""
    return [_draw(space, np.random.default_rng(seed)) for _ in range(num_trials)]


def grid_search__log_axis_linear(space, num_per_axis):
    """Spaces every axis linearly, log parameters too."""
    axes = [np.linspace(low, high, num_per_axis) for low, high, _ in space.values()]
    return [dict(zip(space, map(float, values))) for values in itertools.product(*axes)]


def grid_search__drops_high_edge(space, num_per_axis):
    """Uses endpoint=False: the high end of every range is never tried."""
    axes = []
    for low, high, scale in space.values():
        if scale == "log":
            axes.append(np.logspace(np.log10(low), np.log10(high), num_per_axis, endpoint=False))
        else:
            axes.append(np.linspace(low, high, num_per_axis, endpoint=False))
    return [dict(zip(space, map(float, values))) for values in itertools.product(*axes)]


def best_on_border__ignores_lower_edge(trials, space, margin=0.1):
    """Only checks the upper edge of each range."""
    best_config = max(trials, key=lambda trial: trial[0])[1]
    border = {}
    for name, (low, high, scale) in space.items():
        value = best_config[name]
        if scale == "log":
            value, low, high = np.log10(value), np.log10(low), np.log10(high)
        if (value - low) / (high - low) >= 1 - margin:
            border[name] = "high"
    return border


def best_on_border__linear_position_for_log(trials, space, margin=0.1):
    """Measures the position of log parameters in their values, not in log10 units."""
    best_config = max(trials, key=lambda trial: trial[0])[1]
    border = {}
    for name, (low, high, _) in space.items():
        position = (best_config[name] - low) / (high - low)
        if position <= margin:
            border[name] = "low"
        elif position >= 1 - margin:
            border[name] = "high"
    return border


def refine_space__pads_log_in_value(trials, space, top=5, expand=0.5):
    """Pads log parameters in their values: the low end can become negative."""
    best = sorted(trials, key=lambda trial: trial[0], reverse=True)[:top]
    refined = {}
    for name, (_, _, scale) in space.items():
        values = np.array([config[name] for _, config in best], dtype=float)
        pad = expand * (values.max() - values.min())
        refined[name] = (float(values.min() - pad), float(values.max() + pad), scale)
    return refined


def refine_space__keeps_worst_trials(trials, space, top=5, expand=0.5):
    """Sorts ascending: zooms in around the worst trials."""
    worst = sorted(trials, key=lambda trial: trial[0])[:top]
    refined = {}
    for name, (_, _, scale) in space.items():
        values = np.array([config[name] for _, config in worst], dtype=float)
        if scale == "log":
            values = np.log10(values)
        pad = expand * (values.max() - values.min())
        low, high = values.min() - pad, values.max() + pad
        if scale == "log":
            low, high = 10 ** low, 10 ** high
        refined[name] = (float(low), float(high), scale)
    return refined


def checkpoint_name__accuracy_not_fixed_width(val_acc, config):
    """Writes the accuracy rounded but not padded (val_0.9 sorts after val_0.85 but before val_0.95)."""
    parts = [f"__{name}={config[name]:.4e}" for name in sorted(config)]
    return f"val_{round(val_acc, 4)}" + "".join(parts) + ".pkl"


def checkpoint_name__config_in_dict_order(val_acc, config):
    """Lists the parameters in the dict's order: the same config can get two names."""
    parts = [f"__{name}={value:.4e}" for name, value in config.items()]
    return f"val_{val_acc:.4f}" + "".join(parts) + ".pkl"


def rank_checkpoints__worst_first(folder):
    """Sorts ascending: the worst trial first."""
    rows = []
    for path in Path(folder).glob("*.pkl"):
        result = load_checkpoint(path)
        rows.append((result["val_acc"], result["config"], path.name))
    rows.sort(key=lambda row: (row[0], row[2]))
    return rows


def rank_checkpoints__accuracy_from_name(folder):
    """Parses the accuracy from the file name, which is rounded to 4 decimals."""
    rows = []
    for path in Path(folder).glob("*.pkl"):
        result = load_checkpoint(path)
        rows.append((float(path.name.split("__")[0].removeprefix("val_")), result["config"], path.name))
    rows.sort(key=lambda row: (-row[0], row[2]))
    return rows


def rank_checkpoints__reads_every_file(folder):
    """Loads every file in the folder, including notes and half-written .partial files."""
    rows = []
    for path in Path(folder).iterdir():
        result = load_checkpoint(path)
        rows.append((result["val_acc"], result["config"], path.name))
    rows.sort(key=lambda row: (-row[0], row[2]))
    return rows


def log_uniform__int_size_gives_one_number(rng, lo, hi, size=None):
    """Treats only a tuple as a shape: an int size (size=7) returns a single number."""
    if isinstance(size, tuple):
        return 10 ** rng.uniform(lo, hi, size)
    return float(10 ** rng.uniform(lo, hi))


def best_on_border__strict_edges(trials, space, margin=0.1):
    """Compares with < and >: a position exactly at margin (or 1 - margin) is not on the border."""
    best_config = max(trials, key=lambda trial: trial[0])[1]
    border = {}
    for name, (low, high, scale) in space.items():
        value = best_config[name]
        if scale == "log":
            value, low, high = np.log10(value), np.log10(low), np.log10(high)
        position = (value - low) / (high - low)
        if position < margin:
            border[name] = "low"
        elif position > 1 - margin:
            border[name] = "high"
    return border


def refine_space__strictly_above_the_top_th(trials, space, top=5, expand=0.5):
    """Keeps the trials strictly better than the top-th best accuracy: one trial too few (fewer on ties)."""
    cutoff = sorted((accuracy for accuracy, _ in trials), reverse=True)[min(top, len(trials)) - 1]
    kept = [trial for trial in trials if trial[0] > cutoff] or [max(trials, key=lambda trial: trial[0])]
    refined = {}
    for name, (_, _, scale) in space.items():
        values = np.array([config[name] for _, config in kept], dtype=float)
        if scale == "log":
            values = np.log10(values)
        pad = expand * (values.max() - values.min())
        low, high = values.min() - pad, values.max() + pad
        if scale == "log":
            low, high = 10 ** low, 10 ** high
        refined[name] = (float(low), float(high), scale)
    return refined


def refine_space__at_least_the_top_th(trials, space, top=5, expand=0.5):
    """Keeps every trial at least as good as the top-th best accuracy: more than top when accuracies tie."""
    cutoff = sorted((accuracy for accuracy, _ in trials), reverse=True)[min(top, len(trials)) - 1]
    kept = [trial for trial in trials if trial[0] >= cutoff]
    refined = {}
    for name, (_, _, scale) in space.items():
        values = np.array([config[name] for _, config in kept], dtype=float)
        if scale == "log":
            values = np.log10(values)
        pad = expand * (values.max() - values.min())
        low, high = values.min() - pad, values.max() + pad
        if scale == "log":
            low, high = 10 ** low, 10 ** high
        refined[name] = (float(low), float(high), scale)
    return refined


def refine_space__sorts_the_callers_list(trials, space, top=5, expand=0.5):
    """Sorts the caller's list in place (trials.sort) instead of a sorted copy."""
    trials.sort(key=lambda trial: trial[0], reverse=True)
    refined = {}
    for name, (_, _, scale) in space.items():
        values = np.array([config[name] for _, config in trials[:top]], dtype=float)
        if scale == "log":
            values = np.log10(values)
        pad = expand * (values.max() - values.min())
        low, high = values.min() - pad, values.max() + pad
        if scale == "log":
            low, high = 10 ** low, 10 ** high
        refined[name] = (float(low), float(high), scale)
    return refined


def refine_space__log_values_written_back(trials, space, top=5, expand=0.5):
    """Converts the log parameters to log10 inside the trials' own configs."""
    best = sorted(trials, key=lambda trial: trial[0], reverse=True)[:top]
    refined = {}
    for name, (_, _, scale) in space.items():
        if scale == "log":
            for _, config in best:
                config[name] = float(np.log10(config[name]))
        values = np.array([config[name] for _, config in best], dtype=float)
        pad = expand * (values.max() - values.min())
        low, high = values.min() - pad, values.max() + pad
        if scale == "log":
            low, high = 10 ** low, 10 ** high
        refined[name] = (float(low), float(high), scale)
    return refined
