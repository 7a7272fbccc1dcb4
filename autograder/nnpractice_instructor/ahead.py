"""Sandboxed kernels started one submission ahead of need, in a grading process.

A fresh kernel per submission is the rule (no student's code ever runs in a
kernel another student's code ran in), and starting one costs about half a
second: Python, ipykernel and the sandbox. A long-lived grading process
(workers.py) therefore starts the kernel of its next submission while it
grades the current one. `GuardedExecute` (guard.py) takes the started kernel
instead of starting one, and its taking starts the next.

Nothing runs in a kernel before it is handed to its submission: it was
started from the same kernelspec, with the same limits, in a sandbox of its
own (its own uid as root, its own socket folder, PID and mount namespaces),
so the kernel that is waiting cannot be reached from the one that is
grading. A kernel never used is shut down when the process ends or stops
starting kernels ahead (`use(False)`), and dies with the process if that is
killed (the sandbox dies with its parent).

    use(True)          # in the grading process, once sandboxed grading is asked for
    kernel = take()    # in GuardedExecute: a started kernel (None if not in use)
    ...                # nbclient runs the notebook with kernel.manager
    kernel.close(client)
"""

import atexit
import os
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync

from nnpractice_instructor import sandbox
from nnpractice_instructor.kernels import kernel_options, socket_folder

_next = None      # the StartedKernel waiting for the next submission
_in_use = False   # whether this process grades with kernels started ahead
_more = True      # whether more submissions are expected after the current one


class StartedKernel:
    """A sandboxed kernel whose process has been started (it may still be booting).

    manager: jupyter_client's AsyncKernelManager of it, to hand to nbclient
    (which connects a client and waits for the kernel to answer).
    """

    def __init__(self, limits=sandbox.LIMITS, wait=True):
        self.resources = ExitStack()  # its kernelspec and socket folders, its uid
        try:
            uid = self.resources.enter_context(sandbox.uid_slot(wait))  # wait=False: NoFreeUid if none is free
            folder = self.resources.enter_context(tempfile.TemporaryDirectory(prefix="nnp-ahead-"))
            sockets = self.resources.enter_context(socket_folder())
            sandbox.prepare(folder, sockets, uid, limits)
            specs = KernelSpecManager(kernel_dirs=[str(Path(folder) / "jupyter" / "kernels")])
            self.manager = AsyncKernelManager(kernel_name=sandbox.KERNEL_NAME, kernel_spec_manager=specs,
                                              **kernel_options(sockets))
            # Started as nbgrader autograde starts its kernels: NBGRADER_EXECUTION set. Its banner
            # ("To connect another client...") is not for the instructor's terminal; errors still are.
            run_sync(self.manager.start_kernel)(env={**os.environ, "NBGRADER_EXECUTION": "autograde"},
                                                stdout=subprocess.DEVNULL)
        except BaseException:
            self.resources.close()
            raise

    def alive(self):
        """Whether the kernel's process is running."""
        return run_sync(self.manager.is_alive)()

    def close(self, client=None):
        """Stop `client` (nbclient's kernel client, if any), shut the kernel down, free its folders and uid."""
        async def shut_down():
            if client is not None:
                await ensure_async(client.stop_channels())
            if await ensure_async(self.manager.is_alive()):
                await ensure_async(self.manager.shutdown_kernel(now=True))
            await ensure_async(self.manager.cleanup_resources())
        try:
            run_sync(shut_down)()
        finally:
            self.resources.close()


def start_ahead():
    """A StartedKernel for a next submission, or None when every sandbox uid is in use: a kernel started
    ahead never waits for a uid, since the kernels holding them may be waiting to be started ahead too
    (with as many grading processes as uids, all would wait)."""
    try:
        return StartedKernel(wait=False)
    except sandbox.NoFreeUid:
        return None


def use(ahead, more=True):
    """Whether this process grades with kernels started ahead (True: start the first one now), and whether
    more submissions are expected after the next one (False: taking a kernel starts no other)."""
    global _in_use, _next, _more
    _in_use, _more = bool(ahead), bool(more)
    if _in_use and _next is None:
        _next = start_ahead()
    elif not _in_use and _next is not None:
        waiting, _next = _next, None
        waiting.close()


def take():
    """The started kernel for this submission (None if this process does not use kernels ahead);
    starts the next submission's kernel before returning, if more are expected."""
    global _next
    if not _in_use:
        return None
    kernel, _next = _next, None
    if kernel is not None and not kernel.alive():
        kernel.close()  # died while it waited (killed from outside): never hand out a dead kernel
        kernel = None
    kernel = kernel or StartedKernel()  # this submission's own: waits for a uid, as nbgrader's kernels do
    if _more:
        _next = start_ahead()
    return kernel


def waiting():
    """The kernel started for the next submission (a StartedKernel), or None."""
    return _next


def stop():
    """Shut down the kernel waiting for a next submission, if any (the process has no more to grade)."""
    use(False)


atexit.register(stop)
