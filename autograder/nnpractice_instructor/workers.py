"""Long-lived grading processes: nbgrader imported and configured once, then one submission at a time.

Running `python -m nbgrader autograde` for every submission pays, every time,
for starting Python, importing nbgrader and reading the course's
configuration. A `Worker` is a process started once per job that runs
nbgrader's own autograde (`NbGraderAPI.autograde`, in its process) for each
submission it is given, with the same options the command line would get.
Nothing of a student is kept between submissions: nbgrader starts a fresh
kernel for every notebook, in that submission's own sandbox, and the judge's
reference observations are the only thing a worker remembers.

A submission over its time limit, or one that kills its worker, costs only
that worker: it is stopped (its kernel dies with it: the sandbox dies with
its parent) and a new one takes its place.

    with Workers(jobs=2) as workers:
        with workers.take() as worker:
            outcome = worker.autograde(folder, assignment, student, options, env, timeout)
"""

import copy
import multiprocessing
import os
import queue
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Outcome:
    """What a run of autograde left: returncode 0 if it succeeded, and its log (as nbgrader's stderr)."""

    returncode: int
    stderr: str


class WorkerDied(RuntimeError):
    """The grading process ended while it graded a submission."""


def serve(connection):
    """The worker's loop: autograde each request received on `connection` until it receives None."""
    import nbgrader.apps  # noqa: F401 (imported once, before the first submission)
    while True:
        request = connection.recv()
        if request is None:
            return
        connection.send(autograde_here(*request))


_configs = {}  # config folder -> the course's nbgrader configuration, read once


def autograde_here(config_folder, assignment, student, options, env):
    """Run nbgrader's autograde of one submission in this process; returns an Outcome.

    Inputs:
    - config_folder: the folder of the course's nbgrader_config.py (autograder/).
    - assignment, student: the submission's ids.
    - options: command-line options of `nbgrader autograde` ("--Class.trait=value").
    - env: environment variables for this submission (e.g. the sandbox's JUPYTER_PATH).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = submission_config(config_folder, options)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        result = api.autograde(assignment, student, force=True, create=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    log = "\n".join(filter(None, [result.get("log", ""), result.get("error", "")]))
    return Outcome(0 if result["success"] else 1, log)


def submission_config(config_folder, options):
    """The course's nbgrader configuration (read once) with one submission's `options` merged into a copy."""
    from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

    if config_folder not in _configs:
        _configs[config_folder] = PyFileConfigLoader("nbgrader_config.py", path=config_folder).load_config()
    config = copy.deepcopy(_configs[config_folder])  # merge() writes into its sections: never into the cached one
    config.merge(KVArgParseConfigLoader(argv=list(options)).load_config())
    return config


class Worker:
    """One long-lived grading process and the pipe to it."""

    def __init__(self):
        self.process, self.connection = None, None
        self.start()

    def start(self):
        context = multiprocessing.get_context("spawn")  # safe beside the grader's threads
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=serve, args=(theirs,), daemon=True, name="nnpractice-grading")
        self.process.start()
        theirs.close()

    def autograde(self, config_folder, assignment, student, options, env, timeout):
        """Autograde one submission (see autograde_here); returns an Outcome.

        Raises subprocess.TimeoutExpired after `timeout` seconds, and WorkerDied if the process
        ended; either way the process is replaced, so the worker can take the next submission.
        """
        try:
            self.connection.send((str(config_folder), assignment, student, list(options), dict(env)))
            if self.connection.poll(timeout):
                return self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.restart()
            raise WorkerDied("the grading process ended while grading this submission") from None
        self.restart()
        raise subprocess.TimeoutExpired(f"autograde {assignment} --student {student}", timeout)

    def restart(self):
        self.kill()
        self.start()

    def kill(self):
        self.process.kill()
        self.process.join()
        self.connection.close()

    def stop(self):
        """End the process after the submission it is grading (if any)."""
        try:
            self.connection.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.kill()
        else:
            self.connection.close()


class Workers:
    """`jobs` long-lived grading processes; `take()` lends one to a thread for one submission."""

    def __init__(self, jobs):
        self.idle = queue.Queue()
        self.all = [Worker() for _ in range(jobs)]
        for worker in self.all:
            self.idle.put(worker)

    @contextmanager
    def take(self):
        worker = self.idle.get()
        try:
            yield worker
        finally:
            self.idle.put(worker)

    def close(self):
        for worker in self.all:
            worker.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
