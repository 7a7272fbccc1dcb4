"""Figures used across the chapters.

Every function draws on a matplotlib Axes it is given and returns the
artists it made; none calls plt.show(), so notebooks and tests decide how
figures are shown or saved.
"""

import numpy as np


def plot_loss(ax, loss_history, log=False, smooth=None, label=None):
    """Training loss per iteration.

    Inputs:
    - ax: matplotlib Axes.
    - loss_history: sequence of losses, one per iteration.
    - log: use a log scale for the loss axis.
    - smooth: if an int k, also draw a moving average over k iterations.
    - label: legend label.
    """
    loss = np.asarray(loss_history, dtype=float)
    artists = ax.plot(loss, lw=0.8, alpha=0.6 if smooth else 1.0, label=label)
    if smooth and loss.size >= smooth:
        kernel = np.ones(smooth) / smooth
        artists += ax.plot(np.arange(smooth - 1, loss.size), np.convolve(loss, kernel, mode="valid"),
                           color=artists[0].get_color(), lw=2)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss")
    return artists


def plot_accuracy(ax, train_acc_history, val_acc_history):
    """Train and validation accuracy per epoch (entry 0 is before training)."""
    artists = ax.plot(train_acc_history, "o-", label="train")
    artists += ax.plot(val_acc_history, "o-", label="val")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.02)
    ax.legend()
    return artists


def plot_error_vs_step(ax, hs, errors, label, marker="o"):
    """Error of a finite-difference estimate against its step size h, log-log.

    Inputs:
    - hs: array of step sizes h.
    - errors: array of the same length, the error for each h.
    - label: legend label, e.g. "centered, float64".
    """
    artists = ax.loglog(hs, np.maximum(errors, 1e-17), marker=marker, label=label)
    ax.set_xlabel("step size h")
    ax.set_ylabel("relative error")
    return artists


def show_digit_grid(ax, images, labels=None, shape=(8, 8), ncols=10):
    """Small images side by side in one Axes.

    Inputs:
    - images: array of shape (N, prod(shape)), one flattened image per row.
    - labels: optional sequence of N labels, written above the grid.
    - shape: (height, width) of one image.
    - ncols: images per row of the grid.
    """
    N = images.shape[0]
    nrows = int(np.ceil(N / ncols))
    H, W = shape
    grid = np.full((nrows * (H + 1), ncols * (W + 1)), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, ncols)
        grid[r * (H + 1):r * (H + 1) + H, c * (W + 1):c * (W + 1) + W] = image.reshape(H, W)
    artist = ax.imshow(grid, cmap="gray_r")
    ax.set_axis_off()
    if labels is not None:
        ax.set_title(" ".join(str(label) for label in labels))
    return artist
