"""Start notebook kernels so that many can start at the same moment.

By default a Jupyter kernel talks over TCP on ports its launcher picks, frees
and hands to the kernel to bind. Two kernels started at the same moment by
different processes (parallel grading, parallel tests) can be handed the
same port, and one of them dies before running a cell ("Address already in
use", jupyter/jupyter_client#154, nteract/papermill#511). On POSIX systems
the kernels started here talk over IPC sockets instead: files in a folder of
their own, so there is no port to race for. On Windows they keep TCP.
"""

import os
import tempfile
from contextlib import contextmanager

from traitlets.config import Config

IPC = os.name == "posix"


@contextmanager
def socket_folder():
    """A fresh short-lived folder for kernels' IPC sockets (None where IPC is unavailable)."""
    if not IPC:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="nnp-kernel-") as folder:
        yield folder


def kernel_options(folder):
    """{option: value} of jupyter_client's KernelManager for kernels with sockets in `folder`."""
    if folder is None:
        return {}
    # A socket's path is limited to about 100 bytes; "<folder>/k-<n>" stays short.
    return {"transport": "ipc", "ip": os.path.join(folder, "k")}


def command_line_options(folder):
    """The same options as Jupyter command-line flags, e.g. for `nbgrader autograde`."""
    return [f"--KernelManager.{name}={value}" for name, value in kernel_options(folder).items()]


@contextmanager
def kernel_config():
    """A traitlets Config for NotebookClient or an nbgrader preprocessor: its kernels use IPC."""
    with socket_folder() as folder:
        yield Config({"KernelManager": kernel_options(folder)})


def execute(nb, folder, timeout=300, **options):
    """Execute the notebook node `nb` in place, with `folder` as its working directory.

    Inputs:
    - nb: nbformat NotebookNode; its cells receive their outputs.
    - folder: path of the folder the kernel runs in (for relative data paths).
    - timeout: seconds allowed to each cell.
    - options: further NotebookClient options, e.g. allow_errors=True.

    The kernel is stopped at once when the last cell has run (nbclient's "immediate" shutdown):
    its outputs are all received by then, and a graceful shutdown waits 2.5 s for a kernel
    whose child ignores SIGTERM (multiprocessing's resource tracker, chapter 06's process pool).

    Returns nb. Raises nbclient's errors (CellExecutionError, CellTimeoutError, ...).
    """
    from nbclient import NotebookClient

    with kernel_config() as config:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", config=config, shutdown_kernel="immediate",
                       resources={"metadata": {"path": str(folder)}}, **options).execute()
    return nb
