"""Does the sandbox give a grading kernel what it needs and nothing else?

A real kernel is started in the sandbox (sandbox.prepare's kernelspec, as the
grading command starts it) and reports, from inside, what it can read, write
and reach. The grading command and the self-check are then run with bubblewrap
made unavailable.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from nnpractice_instructor import ahead, sandbox
from nnpractice_instructor.course import points, submission
from nnpractice_instructor.kernels import kernel_config, socket_folder
from nnpractice_instructor.layout import COURSE, references_dir, solutions_dir
from tests.helpers import hand_in, write_notebook
from tests.hostile import ASSIGNMENT

# CI installs bubblewrap (.ci/run): there these tests fail, never skip, without it.
needs_sandbox = pytest.mark.skipif(sandbox.unavailable() is not None and not os.environ.get("CI"),
                                   reason=f"no sandbox here: {sandbox.unavailable()}")

PROBE = '''
import io, json, logging, os, resource, socket, sys
report = {"uid": os.getuid(), "cwd": os.getcwd()}
fonts_log = io.StringIO()
logging.getLogger("matplotlib.font_manager").addHandler(logging.StreamHandler(fonts_log))
logging.getLogger("matplotlib.font_manager").setLevel(logging.DEBUG)
import matplotlib.font_manager
report["fonts"] = fonts_log.getvalue()
def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as error:
        return type(error).__name__
report["listings"] = {path: listing(path) for path in PATHS_TO_LIST}
report["exists"] = {path: os.path.exists(path) for path in PATHS_THAT_MUST_NOT_EXIST}
def write(path):
    try:
        with open(path, "w") as handle:
            handle.write("x")
        os.remove(path)
        return "written"
    except OSError as error:
        return type(error).__name__
report["writes"] = {path: write(path) for path in PATHS_TO_WRITE}
mounts = [line.split()[4] for line in open("/proc/self/mountinfo")]
report["writable_mounts"] = sorted(m for m in set(mounts) if write(os.path.join(m, "probe.txt")) == "written")
import numpy, nnpractice, nnpractice.data
report["digits"] = list(nnpractice.data.load_digits()[0].shape)
try:
    import nnpractice_instructor
    report["instructor_package"] = nnpractice_instructor.__file__
except ImportError as error:
    report["instructor_package"] = type(error).__name__
try:
    socket.create_connection(("127.0.0.1", PORT), timeout=2).close()
    report["network"] = "connected"
except OSError as error:
    report["network"] = type(error).__name__
report["limits"] = {name: resource.getrlimit(getattr(resource, name))[1]
                    for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CPU")}
report["environment"] = dict(os.environ)
print(json.dumps(report))
'''


def run_in_sandbox(tmp_path, source):
    """Run one cell in a sandboxed kernel (as the grading command starts it); returns its stdout."""
    nb = new_notebook(cells=[new_code_cell(source)])
    with socket_folder() as sockets, sandbox.uid_slot() as uid, kernel_config() as config:
        environment, _ = sandbox.prepare(tmp_path, sockets, uid)
        config.KernelManager.ip = os.path.join(sockets, "k")
        saved = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = environment["JUPYTER_PATH"]
        try:
            NotebookClient(nb, timeout=120, kernel_name=sandbox.KERNEL_NAME, config=config).execute()
        finally:
            if saved is None:
                del os.environ["JUPYTER_PATH"]
            else:
                os.environ["JUPYTER_PATH"] = saved
    return "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")


@pytest.fixture(scope="module")
def inside(tmp_path_factory):
    """What a sandboxed kernel reports about itself, with a listener of this process on 127.0.0.1."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    course, data = str(COURSE), str(COURSE / "data")
    home = os.path.expanduser("~")
    values = {
        "PATHS_TO_LIST": [course, home, "/", str(COURSE / "autograder")],
        "PATHS_THAT_MUST_NOT_EXIST": [str(solutions_dir()), str(references_dir()), str(COURSE / "gradebook.db"),
                                      str(COURSE / "tests"), str(COURSE / "autograder" / "nbgrader_config.py"),
                                      str(COURSE / "autograder" / "nnpractice_instructor")],
        "PATHS_TO_WRITE": ["/tmp/mine.txt", "/etc/x.txt", "/x.txt", f"{course}/x.txt", f"{data}/x.txt",
                           f"{home}/x.txt", f"{sys.prefix}/x.txt", "/usr/x.txt",
                           "/tmp/.cache/matplotlib/" + os.path.basename(sandbox.font_list())],
        "PORT": server.getsockname()[1],
    }
    source = "\n".join(f"{name} = {value!r}" for name, value in values.items()) + PROBE
    os.environ["NNPRACTICE_GRADER_SECRET"] = "an instructor's token"
    try:
        out = run_in_sandbox(tmp_path_factory.mktemp("sandbox"), source)
    finally:
        del os.environ["NNPRACTICE_GRADER_SECRET"]
    server.setblocking(False)
    try:
        server.accept()
        arrived = True
    except BlockingIOError:
        arrived = False
    server.close()
    return json.loads(out.strip().splitlines()[-1]), arrived


@needs_sandbox
def test_kernel_cannot_see_the_course_root(inside):
    """Can the kernel neither list the course root nor find solutions, references, gradebook or tests?"""
    report, _ = inside
    assert report["listings"][str(COURSE)] == "PermissionError"
    assert report["listings"][str(COURSE / "autograder")] in ("PermissionError", "FileNotFoundError")
    assert report["listings"][os.path.expanduser("~")] in ("PermissionError", "FileNotFoundError", [])
    assert not any(report["exists"].values()), report["exists"]
    assert report["instructor_package"] in ("ModuleNotFoundError", "ImportError"), \
        "the instructor's package (grading code) is not in the sandbox: the kernel needs none of it"


@needs_sandbox
def test_kernel_imports_numpy_and_the_support_package_and_reads_data(inside):
    """Does the kernel import numpy and nnpractice and load the bundled digits?"""
    report, _ = inside
    assert report["digits"][1] == 64


@needs_sandbox
def test_kernel_writes_only_in_its_own_folder(inside):
    """Can the kernel write in its working folder (/tmp) and nowhere else?"""
    report, _ = inside
    assert report["cwd"] == "/tmp"
    writes = report["writes"]
    assert writes.pop("/tmp/mine.txt") == "written"
    assert all(result in ("PermissionError", "OSError", "FileNotFoundError") for result in writes.values()), writes


@needs_sandbox
def test_only_the_kernels_own_folders_are_writable(inside):
    """Of every mount point in the sandbox, are /tmp and /dev/shm the only writable ones (and, as another
    user than root, the kernel's socket folder)?"""
    report, _ = inside
    writable = [m for m in report["writable_mounts"] if "nnp-kernel-" not in m or os.geteuid() == 0]
    assert writable == ["/dev/shm", "/tmp"], report["writable_mounts"]


@needs_sandbox
def test_kernel_has_no_network(inside):
    """Is a connection to a listener of the grading machine on 127.0.0.1 refused, and does nothing arrive?"""
    report, arrived = inside
    assert report["network"] == "ConnectionRefusedError"
    assert not arrived


@needs_sandbox
def test_limits_and_environment(inside):
    """Are memory, file size and CPU limited (and processes, as root), with no course path in the environment?"""
    report, _ = inside
    limits = report["limits"]
    assert limits["RLIMIT_AS"] == sandbox.LIMITS.memory
    assert limits["RLIMIT_FSIZE"] == sandbox.LIMITS.file_size
    assert limits["RLIMIT_CPU"] == sandbox.LIMITS.cpu
    if os.geteuid() == 0:
        assert report["uid"] >= sandbox.FIRST_UID and limits["RLIMIT_NPROC"] == sandbox.LIMITS.processes
    leaked = {k: v for k, v in report["environment"].items() if str(COURSE) in v and k != "PATH"}
    assert leaked == {}, leaked
    assert "NNPRACTICE_GRADER_SECRET" not in report["environment"], "the grader's environment reached the kernel"


@needs_sandbox
def test_kernel_reads_the_font_list_built_once_and_cannot_change_it(inside):
    """Does matplotlib in the kernel read the font list the grading process built (instead of scanning
    every font again, 0.4 s of CPU per submission), from a file the kernel cannot write?"""
    report, _ = inside
    assert "Using fontManager instance from /tmp/.cache/matplotlib/fontlist-" in report["fonts"], report["fonts"]
    assert "generated new fontManager" not in report["fonts"], report["fonts"]
    assert report["writes"]["/tmp/.cache/matplotlib/" + os.path.basename(sandbox.font_list())] == "OSError"


def test_limit_messages_name_the_limit():
    """Does each error a limit causes get the limit's name?"""
    assert "memory limit" in sandbox.limit_hit("MemoryError", "Unable to allocate 40.0 GiB")
    assert "process limit" in sandbox.limit_hit("BlockingIOError", "[Errno 11] Resource temporarily unavailable")
    assert "disk limit" in sandbox.limit_hit("OSError", "[Errno 28] No space left on device")
    assert "file size limit" in sandbox.limit_hit("OSError", "[Errno 27] File too large")
    assert sandbox.limit_hit("AssertionError", "expected [False, True]") == ""


MISSING = {"NNPRACTICE_BWRAP": "/nonexistent/bwrap"}


@pytest.mark.slow
def test_grading_stops_without_bubblewrap_unless_the_risk_is_accepted(course):
    """With bwrap missing, does grading stop with a clear message, and grade with the explicit flag?"""
    hand_in(course, "ada", ASSIGNMENT, submission(ASSIGNMENT))
    env = {**os.environ, **MISSING}
    command = [sys.executable, "-m", "nnpractice_instructor", "--course", str(course), "--no-progress",
               "--assignment", ASSIGNMENT]
    stopped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert stopped.returncode == 2, stopped.stdout + stopped.stderr
    assert "cannot be sandboxed" in stopped.stderr and "--no-sandbox-i-accept-the-risk" in stopped.stderr
    assert not (course / "grades").exists()
    graded = subprocess.run([*command, "--no-sandbox-i-accept-the-risk"], capture_output=True, text=True, env=env,
                            timeout=600)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "WITHOUT the sandbox" in graded.stderr
    with open(course / "grades" / "totals.csv") as handle:
        assert f"{float(sum(points(ASSIGNMENT).values()))}" in handle.read()


@pytest.mark.slow
def test_self_check_runs_unsandboxed_without_bubblewrap_saying_so_once(tmp_path):
    """With bwrap missing, does the self-check grade a chapter, saying once that it runs unsandboxed?"""
    write_notebook(tmp_path / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", submission(ASSIGNMENT))
    script = os.path.join(os.path.dirname(sys.executable), "nnpractice-check")
    result = subprocess.run([script, str(tmp_path)], capture_output=True, text=True, timeout=600,
                            env={**os.environ, **MISSING})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("without the sandbox") == 1
    total = sum(points(ASSIGNMENT).values())
    assert f"{total}/{total}" in result.stdout


@needs_sandbox
def test_a_course_checked_out_under_tmp_is_reachable_by_the_kernel(tmp_path):
    """With the course's folders under /tmp (where a CI machine may clone it), can the kernel's uid
    still reach what is bound there, and only that? (bwrap would create the folders above them 0700.)"""
    package = tmp_path / "course" / "nnpractice"
    package.mkdir(parents=True)
    (package / "module.py").write_text("VALUE = 42\n")
    (tmp_path / "course" / "solutions").mkdir()
    with socket_folder() as sockets, sandbox.uid_slot() as uid:
        command = sandbox.bwrap_command(sandbox.program(), [*sandbox.read_only_folders(), str(package)],
                                        sockets, uid, sandbox.LIMITS,
                                        ["sh", "-c", f"cat {package}/module.py; ls {tmp_path / 'course'}"])
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert "VALUE = 42" in result.stdout, result.stderr
    assert "solutions" not in result.stdout and "Permission denied" in result.stderr, result.stdout + result.stderr


@contextlib.contextmanager
def started_kernel():
    """(kernel, client): a sandboxed kernel started as the grader starts one (ahead.py), answering its client;
    shut down after the block."""
    kernel = ahead.StartedKernel()
    client = kernel.manager.client()
    try:
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=120)
        yield kernel, client
    finally:
        kernel.close(client)


def printed(messages):
    """What a kernel printed, from the IOPub messages an execute_interactive output_hook collected."""
    return "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")


@pytest.mark.slow
@needs_sandbox
def test_the_garbage_collector_runs_in_a_sandboxed_kernel():
    """The launcher pauses the collector while ipykernel starts: the notebook's code finds it running, and
    its cyclic garbage is collected."""
    outputs = []
    with started_kernel() as (_, client):
        code = ("import gc\nclass Node: pass\na, b = Node(), Node()\na.other, b.other = b, a\ndel a, b\n"
                "print(gc.isenabled(), gc.collect() >= 2)")
        run_sync(client.execute_interactive)(code, timeout=60, output_hook=outputs.append)
    assert printed(outputs).split() == ["True", "True"], outputs


@pytest.mark.slow
@needs_sandbox
def test_a_kernel_whose_event_loop_dies_ends():
    """A cell that kills the kernel's event loops (builtins.max replaced: every loop's selector calls it) ends
    the kernel's process within seconds, so the grader sees a dead kernel at once, not a live one that never
    answers (every later cell then waited for its timeout: 25 s for hostile.patches_builtins at --timeout 8).
    The IOPub thread dies first: the cell's last flush waited 10 s for it (ipykernel's flush timeout)."""
    with started_kernel() as (kernel, client):
        run_sync(client.execute_interactive)("print('output, as a notebook has')", timeout=60)
        client.execute("import builtins\nbuiltins.max = lambda *args, **kwargs: 0")
        deadline = time.monotonic() + 5
        while kernel.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not kernel.alive(), "the kernel's process outlived its event loops by 5 s"


only_as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox has uids of its own only as root")


@pytest.mark.slow
@needs_sandbox
@only_as_root
def test_a_uid_is_released_only_once_its_last_process_is_gone():
    """A cell leaves 200 processes sleeping (a fork bomb stopped by the cell's timeout). They die after the
    kernel's process, with its PID namespace: had its uid been handed out meanwhile, they would count against
    the next kernel's process limit, and its threads could fail to start. Is none left once the uid is free?"""
    outputs = []
    with started_kernel() as (_, client):
        code = ("import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(600)\n"
                "print(os.getuid())")
        run_sync(client.execute_interactive)(code, timeout=60, output_hook=outputs.append)
        uid = int(printed(outputs))
        assert len(sandbox.processes_of(uid)) > 200
    assert sandbox.processes_of(uid) == []


# Runs as root: starts one `sleep` as each sandbox uid, prints their pids, then reaps them as they are killed.
LEFT_BEHIND = '''
import os, sys
pids = []
for uid in map(int, sys.argv[1:]):
    pid = os.fork()
    if pid == 0:
        os.setgid(uid)
        os.setuid(uid)
        os.execvp("sleep", ["sleep", "600"])
    pids.append(pid)
print(*pids, flush=True)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
'''


@needs_sandbox
@only_as_root
def test_a_uid_is_handed_out_only_with_no_process_running_as_it():
    """A grading process killed while its sandbox ran frees its uid's lock at once, and the sandbox's processes
    may live on a moment. With a process left running as every sandbox uid, does uid_slot still hand out a
    uid no process runs as?"""
    uids = range(sandbox.FIRST_UID, sandbox.FIRST_UID + sandbox.UIDS)
    left = subprocess.Popen([sys.executable, "-c", LEFT_BEHIND, *map(str, uids)], stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in left.stdout.readline().split()]
    try:
        assert len(pids) == len(uids)
        with sandbox.uid_slot() as uid:
            assert sandbox.processes_of(uid) == []
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        left.wait(timeout=30)
