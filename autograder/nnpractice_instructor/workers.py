"""Long-lived grading processes: nbgrader imported and configured once, then one submission at a time.

Running `python -m nbgrader autograde` for every submission pays, every time,
for starting Python, importing nbgrader and reading the course's
configuration. A `Worker` is a process started once per job that runs
nbgrader's own autograde (`NbGraderAPI.autograde`, in its process) for each
submission it is given, with the same options the command line would get.
Nothing of a student is kept between submissions: every notebook runs in a
fresh kernel in a sandbox of its own, started while the worker graded the
previous submission (ahead.py), and the judge's reference observations are
the only thing a worker remembers. A worker warms up as soon as it starts
(`WarmUp`: imports, the judge's reference observations, the first kernel),
while the command still collects the submissions.

A submission over its time limit, or one that kills its worker, costs only
that worker: it is stopped (its kernel dies with it: the sandbox dies with
its parent) and a new one takes its place.

With several jobs and at least as many CPU cores, each job has cores of its
own (`job_cores`): its process, and every kernel it starts, run only there.
A notebook's kernel, its client and nbgrader then take turns on one core
instead of passing the work between cores: `benchmarks/grading_jobs.py`'s
submissions take 12-20% less CPU time with `--jobs 1` on one core than on two.

    with Workers(jobs=2) as workers:
        with workers.take() as worker:
            outcome = worker.autograde(folder, assignment, student, options, env, timeout)
"""

import copy
import logging
import multiprocessing
import os
import queue
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass

from nnpractice_instructor import ahead
from nnpractice_instructor.layout import JOBS
from nnpractice_instructor.startup import importing

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a run of autograde left: returncode 0 if it succeeded, and its log (as nbgrader's stderr)."""

    returncode: int
    stderr: str


class WorkerDied(RuntimeError):
    """The grading process ended while it graded a submission."""


def serve(connection, warm=None, cores=None):
    """The worker's loop: autograde each request received on `connection` until it receives None.

    warm: a Warm-up to do before the first request arrives, or None.
    cores: the CPU cores (a set of numbers) this process and the kernels it starts run on; None: any.
    """
    if cores:
        os.sched_setaffinity(0, cores)  # inherited by every process it starts: kernels, sandboxes
    with importing():  # what the warm-up imports and prepares lives as long as the process
        import nbgrader.apps  # noqa: F401 (imported once, before the first submission)
        quiet_gradebook()
        if warm is not None:
            warm.run()
    try:
        while True:
            request = connection.recv()
            if request is None:
                return
            connection.send(autograde_here(*request))
    finally:
        ahead.stop()


def quiet_gradebook():
    """Silence SQLAlchemy's "Object of type <SubmittedNotebook> not in session" warnings in this process.

    nbgrader's gradebook (nbgrader/api.py) reads a submission's cells while it is still building the
    submission's rows, so SQLAlchemy's autoflush meets rows not yet added and warns, several lines per
    submission, every time a submission is autograded; nbgrader adds the rows right after, and the grades
    are written as without the warning. On the instructor's terminal they would read as errors.
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session", category=SAWarning)


@dataclass
class WarmUp:
    """What a grading process does once, as soon as it starts, before its first submission arrives:
    nbgrader's autograde machinery imported, the judge's expected observations of `chapters` computed
    (judge.prepare), and the first kernel started ahead (if `kernels_ahead`)."""

    course: str
    chapters: list
    kernels_ahead: bool

    def run(self):
        import nbgrader.converters  # noqa: F401
        from nnpractice_instructor import judge
        try:
            judge.prepare(self.chapters, self.course)
            ahead.use(self.kernels_ahead)
        except Exception as error:  # noqa: BLE001 (the first submission meets it again and reports it)
            log.warning("warming up the grading process failed: %s", error)


_configs = {}  # config folder -> the course's nbgrader configuration, read once


def autograde_here(config_folder, assignment, student, options, env, kernels_ahead=False, more=True):
    """Run nbgrader's autograde of one submission in this process; returns an Outcome.

    Inputs:
    - config_folder: the folder of the course's nbgrader_config.py (autograder/).
    - assignment, student: the submission's ids.
    - options: command-line options of `nbgrader autograde` ("--Class.trait=value").
    - env: environment variables for this submission (e.g. the sandbox's JUPYTER_PATH).
    - kernels_ahead: run the notebook in a sandboxed kernel started ahead of need (ahead.py), and
      start the next one; False: in the kernel the options name, started by nbgrader.
    - more: whether more submissions are expected (False: no kernel is started for a next one).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    try:
        ahead.use(kernels_ahead, more)
    except Exception as error:  # noqa: BLE001 (reported as this submission's failure, with its reason)
        return Outcome(1, f"ERROR: a sandboxed kernel could not be started: {type(error).__name__}: {error}")
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


def job_cores(index, jobs, available=None):
    """The CPU cores of job `index` (0-based) of `jobs`, or None for any core.

    available: the cores to share (default: those this process may run on). With more than one job and at
    least as many cores, they are dealt out to the jobs in turn (4 cores, 2 jobs: {0, 2} and {1, 3}), so that
    no two jobs share a core. Otherwise (one job, or more jobs than cores, or no affinity on this system)
    every job may use any core, and the system balances them.
    """
    if available is None:
        if not hasattr(os, "sched_getaffinity"):
            return None
        available = os.sched_getaffinity(0)
    cores = sorted(available)
    if jobs < 2 or jobs > len(cores):
        return None
    return set(cores[index % jobs::jobs])


class Worker:
    """One long-lived grading process and the pipe to it (warm: its WarmUp, also after a restart; cores: the
    CPU cores it and its kernels run on, None for any)."""

    def __init__(self, warm=None, cores=None):
        self.process, self.connection, self.warm, self.cores = None, None, warm, cores
        self.start()

    def start(self):
        context = multiprocessing.get_context("spawn")  # safe beside the grader's threads
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=serve, args=(theirs, self.warm, self.cores), daemon=True,
                                       name="nnpractice-grading")
        self.process.start()
        theirs.close()

    def autograde(self, config_folder, assignment, student, options, env, timeout, kernels_ahead=False, more=True):
        """Autograde one submission (see autograde_here); returns an Outcome.

        Raises subprocess.TimeoutExpired after `timeout` seconds, and WorkerDied if the process
        ended; either way the process is replaced, so the worker can take the next submission.
        """
        try:
            self.connection.send((str(config_folder), assignment, student, list(options), dict(env),
                                  kernels_ahead, more))
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

    def ask_to_stop(self):
        """Ask the process to end after the submission it is grading (if any); wait_stopped() waits for it."""
        try:
            self.connection.send(None)
        except (OSError, BrokenPipeError):
            pass

    def wait_stopped(self):
        """Wait up to 10 s for the process to end after ask_to_stop(), then kill it."""
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.kill()
        else:
            self.connection.close()


class Workers:
    """`jobs` long-lived grading processes (each warmed up by `warm`, a WarmUp or None, on the cores of its
    job: job_cores); `take()` lends one to a thread for one submission."""

    def __init__(self, jobs, warm=None):
        self.idle = queue.Queue()
        self.all = [Worker(warm, job_cores(index, jobs)) for index in range(jobs)]
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
        for worker in self.all:  # all asked first: they shut down side by side
            worker.ask_to_stop()
        for worker in self.all:
            worker.wait_stopped()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def grading_workers(course, assignments, jobs=JOBS, sandboxed=True):
    """`jobs` long-lived grading processes for the course, warming up at once (imports, the judge's
    reference observations of `assignments`, a first sandboxed kernel if `sandboxed`): start them
    before collecting submissions, and hand them to grade_all."""
    return Workers(max(jobs, 1), WarmUp(str(course), list(assignments), sandboxed))
