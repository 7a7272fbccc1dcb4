"""Run every grading kernel in an operating-system sandbox (bubblewrap).

Student code runs in a Jupyter kernel. Here that kernel is started inside
bubblewrap (`bwrap`, Debian package `bubblewrap`, the sandbox Flatpak uses):
a new mount, PID, network, IPC and UTS namespace in which

- there is no network (a loopback interface of its own only);
- the system (/usr, /etc, the Python installation and its virtual
  environment) is mounted read-only, and so are the support package and
  data/; nothing else of the course root exists: solutions/, the references,
  the instructor's package (the hidden checks are judged outside the kernel,
  judge.py), the gradebook, other students, the instructor's home are not
  there under any path;
- the only writable places are a size-limited /tmp (the kernel's working
  folder) and /dev/shm, which vanish with the kernel (and the folder of the
  kernel's IPC sockets until the kernel has bound them, as root; always,
  as another user);
- every process dies with the kernel (`--unshare-pid --die-with-parent`):
  no detached process survives it;
- resource limits hold: address space (memory), processes, file size and
  CPU time (rlimits), disk (the size of the tmpfs).

How it is wired: for each submission `prepare()` writes a kernelspec
`nnpractice-sandbox` into the submission's own temporary folder and returns
the environment (JUPYTER_PATH) and nbgrader options (kernel_name) that make
nbgrader's executor use it, whatever kernel the notebook names. The
kernelspec's argv is this module's launcher, `python -m
nnpractice_instructor.sandbox LIMITS -f {connection_file}`: it sets the
rlimits and execs bwrap, which runs ipykernel's launcher (`KERNEL_MAIN`). A
kernelspec keeps jupyter_client, nbclient and nbgrader unchanged (no
subclass of their classes to keep in step with). Its interrupt_mode is
"message", so that a cell over its timeout is interrupted through the
kernel's control channel, with bwrap between the grader and the kernel.

Run as root (CI, containers), the launcher starts bwrap privileged and the
kernel drops to an unprivileged uid of its own (`setpriv`), one per
concurrent submission (`uid_slot`), since root ignores RLIMIT_NPROC. A uid
is handed out only once no process runs as it: a sandbox's processes die
after its kernel's process, and a fork bomb's would otherwise count against
the next submission's process limit. Run as
another user, bwrap uses an unprivileged user namespace and the kernel keeps
the instructor's uid: every limit holds except the number of processes
(RLIMIT_NPROC counts all of the instructor's processes, so it is not set).

Where bwrap is missing or cannot create namespaces (macOS, a container
without user namespaces), `unavailable()` says why; the grading command then
stops unless told to accept the risk (see grade.py).
"""

import argparse
import fcntl
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

KERNEL_NAME = "nnpractice-sandbox"
FIRST_UID = 61000           # the sandbox uids when grading as root: FIRST_UID .. FIRST_UID + UIDS - 1
UIDS = 64
UID_CLEARING = 10.0         # seconds to wait for a uid's last processes to die before trying another uid
MiB = 2 ** 20


@dataclass(frozen=True)
class Limits:
    """What one submission's kernel may use (each process of it, for memory and CPU)."""
    memory: int = 4096 * MiB        # address space of a process (RLIMIT_AS), bytes
    processes: int = 256            # processes and threads of the sandbox uid (RLIMIT_NPROC)
    file_size: int = 256 * MiB      # largest file written (RLIMIT_FSIZE), bytes
    disk: int = 512 * MiB           # size of the writable /tmp, and of /dev/shm, bytes
    cpu: int = 1800                 # CPU seconds of a process (RLIMIT_CPU)

    def describe(self):
        return (f"memory {self.memory // MiB} MiB a process, {self.processes} processes, files up to "
                f"{self.file_size // MiB} MiB, disk {self.disk // MiB} MiB, CPU {self.cpu} s a process")


LIMITS = Limits()


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot run here."""


def program():
    """The bwrap program: $NNPRACTICE_BWRAP if set, else `bwrap` on PATH (None if not found)."""
    name = os.environ.get("NNPRACTICE_BWRAP") or "bwrap"
    return shutil.which(name)


@lru_cache(maxsize=None)
def _probe(bwrap, root):
    command = [bwrap, *namespace_options(root), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"{bwrap} cannot be run: {error}"
    if result.returncode != 0:
        return f"{bwrap} cannot create a sandbox here: {result.stderr.strip()[:300]}"
    return None


def unavailable():
    """None if kernels can be sandboxed on this machine, else the reason they cannot."""
    bwrap = program()
    if bwrap is None:
        wanted = os.environ.get("NNPRACTICE_BWRAP") or "bwrap"
        return (f"bubblewrap ({wanted}) was not found: install it (Debian/Ubuntu: apt-get install bubblewrap), "
                "or grade in a container (autograder/README.md)")
    if sys.platform != "linux":
        return "bubblewrap needs Linux namespaces: grade in a Linux container (autograder/README.md)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv (util-linux) was not found: as root, kernels need it to drop to an unprivileged uid"
    return _probe(bwrap, os.geteuid() == 0)


def namespace_options(root):
    """Namespaces of the sandbox: a user namespace too unless bwrap runs as root."""
    shared = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
              "--die-with-parent", "--new-session"]
    return shared if root else ["--unshare-user", *shared]


# ---- uids (root only) ------------------------------------------------------------------

LOCKS = Path(tempfile.gettempdir()) / "nnpractice-sandbox-uids"


class NoFreeUid(RuntimeError):
    """Every sandbox uid is in use (uid_slot(wait=False))."""


@contextmanager
def uid_slot(wait=True):
    """An unprivileged uid no other sandbox on this machine uses meanwhile (root), else None.

    Claimed with a lock file per uid, so that parallel grading runs never share one. With every
    uid in use, waits for one (wait=True) or raises NoFreeUid.
    """
    if os.geteuid() != 0:
        yield None
        return
    LOCKS.mkdir(mode=0o700, exist_ok=True)
    while True:
        for uid in range(FIRST_UID, FIRST_UID + UIDS):
            handle = open(LOCKS / str(uid), "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            # A grading process killed with its sandbox running released its lock at once.
            if not cleared(uid):
                handle.close()
                continue
            try:
                yield uid
            finally:
                cleared(uid)  # the kernel has ended; the rest of its sandbox may still be dying
                handle.close()
            return
        if not wait:
            raise NoFreeUid(f"all {UIDS} sandbox uids are in use")
        time.sleep(0.5)  # every uid in use: wait for a submission to finish


def processes_of(uid):
    """The processes whose real uid is `uid` (psutil.Process), zombies included: what RLIMIT_NPROC counts."""
    import psutil  # here, not at the top: every kernel's launcher imports this module, and needs no psutil

    return [process for process in psutil.process_iter(["uids"])
            if process.info["uids"] is not None and process.info["uids"].real == uid]


def cleared(uid, patience=UID_CLEARING):
    """Kill every process that runs as the sandbox uid `uid` and wait until none is left; whether none is
    (False: some outlived `patience` seconds). Only a sandbox runs as these uids, and only the holder of
    the uid's lock calls this: whatever runs as it belongs to a sandbox that has ended."""
    import psutil

    deadline = time.monotonic() + patience
    while left := processes_of(uid):
        if time.monotonic() > deadline:
            return False
        for process in left:
            with suppress(psutil.Error):
                process.kill()
        time.sleep(0.01)
    return True


# ---- the kernelspec a submission is graded with ------------------------------------------

def prepare(folder, sockets, uid, limits=LIMITS):
    """Write the sandbox kernelspec into `folder`; returns (environment additions, nbgrader options).

    Inputs:
    - folder: Path of the submission's own temporary folder (the kernelspec goes in folder/jupyter).
    - sockets: folder of the kernel's IPC sockets and connection file (bound writable).
    - uid: the unprivileged uid the kernel runs as (root), or None.
    - limits: Limits.
    """
    spec = Path(folder) / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "nnpractice_instructor.sandbox", "--limits", json.dumps(asdict(limits)),
            "--read-only", json.dumps(read_only_folders()), "--sockets", str(sockets),
            "--connection-file", "{connection_file}"]
    if font_list():
        argv += ["--fonts", font_list()]
    if uid is not None:
        argv += ["--uid", str(uid)]
        os.chown(sockets, uid, uid)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Python 3 (sandboxed)", "language": "python",
        "interrupt_mode": "message"}, indent=1))
    environment = {"JUPYTER_PATH": str(Path(folder) / "jupyter")}
    return environment, [f"--ExecutePreprocessor.kernel_name={KERNEL_NAME}"]


# ---- the launcher (runs as the kernelspec's argv) -------------------------------------------

KEPT_VARIABLES = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING", "LANG", "LANGUAGE", "TZ", "TERM", "MPLBACKEND",
                  "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED")


KERNEL_HOME = "/tmp"  # the kernel's home and working folder: its own tmpfs


def kernel_environment(environ):
    """The kernel's environment: a few harmless variables of the grader's, nothing naming the course."""
    kept = {k: v for k, v in environ.items() if k in KEPT_VARIABLES or k.startswith("LC_")}
    return {**kept, "HOME": KERNEL_HOME, "TMPDIR": KERNEL_HOME,
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "PYTHONDONTWRITEBYTECODE": "1"}


SUPPORT_FOLDERS = ("import json, pathlib, nnpractice, nnpractice.data; "
                   "print(json.dumps([str(pathlib.Path(nnpractice.__file__).parent), str(nnpractice.data.data_dir())]))")


@lru_cache(maxsize=None)
def support_folders():
    """[the support package's folder, data/] as the kernel's Python finds them: started from an empty
    folder with the kernel's environment, not from wherever the grading process was started (a
    checkout's own nnpractice/ beside an installed one must not be what gets bound)."""
    with tempfile.TemporaryDirectory() as empty:
        found = subprocess.run([sys.executable, "-c", SUPPORT_FOLDERS], cwd=empty, capture_output=True, text=True,
                               env=kernel_environment(os.environ), check=True)
    return json.loads(found.stdout.strip().splitlines()[-1])


@lru_cache(maxsize=None)
def font_list():
    """matplotlib's list of the machine's fonts, as the grading user's matplotlib keeps it in its cache
    folder (matplotlib builds it there once, the first time it is imported).

    A kernel's HOME is an empty tmpfs, where matplotlib would scan every font of the machine again
    when the notebook imports it (about 0.2 s of CPU in every submission): each kernel reads this
    list instead, bound read-only at its place in the kernel's cache folder. Returns the file's
    path, or None where there is none that every uid may read (then every kernel builds its own).
    """
    try:
        import matplotlib
        from matplotlib import font_manager
    except Exception:  # noqa: BLE001 (no list: the kernels build their own, as without this)
        return None
    path = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
    if not path.is_file() or not path.stat().st_mode & stat.S_IROTH:
        return None
    return str(path)


def read_only_folders():
    """Folders the kernel reads: the system, Python, its environment, the support package and data/."""
    folders = [Path("/usr"), Path("/etc"), Path(sys.base_prefix), Path(sys.prefix), *map(Path, support_folders())]
    resolved = []
    for folder in folders:
        folder = Path(os.path.abspath(folder))
        if folder.is_dir() and folder not in resolved:
            resolved.append(folder)
    # A folder inside another one is bound after it (e.g. nnpractice/ inside site-packages).
    return [str(f) for f in sorted(resolved, key=lambda p: len(p.parts))]


def bwrap_command(bwrap, read_only, sockets, uid, limits, kernel, fonts=None):
    """The bwrap command line running `kernel` (a list) in the sandbox, `read_only` folders bound read-only,
    and `fonts` (font_list(), or None) bound read-only in the kernel's matplotlib cache folder."""
    root = os.geteuid() == 0
    command = [bwrap, *namespace_options(root)]
    if root:
        command += ["--cap-add", "CAP_SETUID,CAP_SETGID"]  # for setpriv only; dropped with the uid
    command += ["--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--size", str(limits.disk), "--tmpfs", "/tmp",
                "--perms", "1777", "--size", str(limits.disk), "--tmpfs", "/dev/shm"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
    # Folders above each bound one are made crossable but not listable, also inside the /tmp
    # tmpfs (a course checked out under /tmp): bwrap would make them 0700, and the kernel's uid
    # could not reach what is bound below them. Inside a folder bound read-only nothing is made.
    made, mounted = {Path("/"), Path("/tmp")}, set()
    for folder in [*map(Path, read_only), Path(sockets)]:
        for parent in reversed(folder.parents):
            inside_a_mount = any(parent == m or m in parent.parents for m in mounted)
            if parent not in made and not inside_a_mount:
                command += ["--perms", "0711", "--dir", str(parent)]  # crossable, not listable
                made.add(parent)
        if folder == Path(sockets):
            command += ["--bind", str(folder), str(folder)]
        else:
            command += ["--ro-bind", str(folder), str(folder)]
        mounted.add(folder)
    if fonts:
        cache = Path(KERNEL_HOME) / ".cache" / "matplotlib"
        command += ["--perms", "1777", "--dir", str(cache.parent), "--perms", "1777", "--dir", str(cache),
                    "--ro-bind", fonts, str(cache / Path(fonts).name)]
    command += ["--chdir", KERNEL_HOME, "--hostname", "sandbox"]
    if uid is not None:
        command += ["--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--"]
    else:
        command += ["--"]
    return command + kernel


def set_limits(limits, processes):
    """Hard rlimits of this process, inherited by the sandbox (nobody in it can raise them)."""
    values = [(resource.RLIMIT_AS, limits.memory), (resource.RLIMIT_FSIZE, limits.file_size),
              (resource.RLIMIT_CPU, limits.cpu), (resource.RLIMIT_CORE, 0)]
    if processes:
        values.append((resource.RLIMIT_NPROC, limits.processes))
    for which, value in values:
        resource.setrlimit(which, (value, value))


# ipykernel's own launcher (ipykernel_launcher.py), with two changes.
# - The process ends when the kernel's event loop, or one of the kernel's own threads, dies. A cell can kill
#   them and leave the process alive (builtins.max replaced: every loop's selector calls it); jupyter_client
#   would then see a live kernel, and every later cell would wait for its timeout. The IOPub thread dies
#   first, and the cell's last flush waited ipykernel's 10 s for it.
# - The garbage collector is paused while ipykernel imports and sets up, then what the kernel holds is frozen
#   (as startup.importing() does in the course's own processes): about 0.1 s of CPU less per kernel. The
#   collector runs as usual on everything the notebook creates.
KERNEL_MAIN = """\
import gc, os, sys, threading, traceback
gc.disable()
if sys.path[0] == "":
    del sys.path[0]  # the working folder comes back with the kernel's own path setup, as in ipykernel_launcher
from ipykernel.kernelapp import IPKernelApp
from ipykernel.thread import CONTROL_THREAD_NAME, SHELL_CHANNEL_THREAD_NAME

KERNEL_THREADS = {"IOPub", "Heartbeat", CONTROL_THREAD_NAME, SHELL_CHANNEL_THREAD_NAME}
report = threading.excepthook

def end_if_the_kernel_broke(args):
    report(args)
    if args.thread is not None and args.thread.name in KERNEL_THREADS:
        os._exit(1)

threading.excepthook = end_if_the_kernel_broke
try:
    app = IPKernelApp.instance()  # IPKernelApp.launch_instance(), with the collector resumed before start()
    app.initialize()
    gc.freeze()
    gc.enable()
    app.start()
except Exception:
    traceback.print_exc()
    os._exit(1)
"""


def launch(argv=None):
    """The kernelspec's argv: set the limits, exec bwrap running ipykernel on the connection file."""
    parser = argparse.ArgumentParser(prog="python -m nnpractice_instructor.sandbox")
    parser.add_argument("--limits", required=True, help="Limits as JSON")
    parser.add_argument("--read-only", required=True, help="folders bound read-only, as JSON")
    parser.add_argument("--sockets", required=True, help="folder of the IPC sockets and connection file")
    parser.add_argument("--connection-file", required=True)
    parser.add_argument("--uid", type=int, help="run the kernel as this uid (the launcher runs as root)")
    parser.add_argument("--fonts", help="matplotlib's font list to bind read-only in the kernel's cache folder")
    args = parser.parse_args(argv)
    limits = Limits(**json.loads(args.limits))
    bwrap = program()
    if bwrap is None:
        sys.exit("bubblewrap not found: the kernel cannot be sandboxed")
    # jupyter_client writes the connection file where the sandbox cannot see it (a temporary
    # file, or its runtime folder): the kernel gets a copy in its socket folder.
    inside = os.path.join(args.sockets, "kernel-" + os.path.basename(args.connection_file))
    shutil.copyfile(args.connection_file, inside)
    if args.uid is not None:
        os.chown(args.sockets, args.uid, args.uid)
        os.chown(inside, args.uid, args.uid)
        close_when_bound(args.sockets, inside)
    kernel = [sys.executable, "-c", KERNEL_MAIN, "-f", inside]
    command = bwrap_command(bwrap, json.loads(args.read_only), args.sockets, args.uid, limits, kernel, args.fonts)
    set_limits(limits, processes=args.uid is not None)
    os.execve(bwrap, command, kernel_environment(os.environ))


def close_when_bound(folder, connection_file, timeout=120):
    """(root) Once the kernel has bound its IPC sockets in `folder`, give the folder and its other files
    to root, so that nothing running in the sandbox can create or grow a file there.

    The folder is first given to the kernel's uid (a kernel started again after a crash binds new
    sockets in it). A detached process of the launcher waits, at most `timeout` seconds, for the
    socket files the connection file names, since the kernel binds them after the launcher has
    become bwrap.
    """
    info = json.loads(Path(connection_file).read_text())
    if info.get("transport") != "ipc":
        return
    expected = [f"{info['ip']}-{info[name]}" for name in
                ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
    first = os.fork()
    if first:
        os.waitpid(first, 0)
        return
    try:
        if os.fork():
            return
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # never hold the grader's output pipes open
            os.dup2(null, fd)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(
                os.path.exists(path) and stat.S_ISSOCK(os.lstat(path).st_mode) for path in expected):
            time.sleep(0.02)
        # crossable by all first, then root's: never a moment where the kernel, which writes its
        # connection file right after binding its sockets, cannot reach the folder
        os.chmod(folder, 0o755)
        os.chown(folder, 0, 0)
        for entry in os.scandir(folder):
            if not stat.S_ISSOCK(entry.stat(follow_symlinks=False).st_mode):
                os.chown(entry.path, 0, 0)
    except OSError:
        pass
    finally:
        os._exit(0)


# ---- what a cell's error says about the limits ----------------------------------------------

def limit_hit(ename, evalue, limits=LIMITS):
    """The sandbox limit an error in a cell points to ('' if none), e.g. 'memory limit (4096 MiB a process)'."""
    if ename == "MemoryError":
        return f"memory limit ({limits.memory // MiB} MiB a process)"
    if "[Errno 11]" in evalue and ename in ("BlockingIOError", "OSError", "RuntimeError"):
        return f"process limit ({limits.processes} processes and threads)"
    if "[Errno 27]" in evalue:
        return f"file size limit ({limits.file_size // MiB} MiB)"
    if "[Errno 28]" in evalue:
        return f"disk limit ({limits.disk // MiB} MiB)"
    return ""


def limits_hit(nb, limits=LIMITS):
    """['cell N: the sandbox's <limit> was hit (Error: message)'] for every cell of an executed notebook."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                limit = limit_hit(output.ename, output.evalue, limits)
                if limit:
                    found.append(f"cell {index + 1}: the sandbox's {limit} was hit "
                                 f"({output.ename}: {output.evalue[:120]})")
    return found


if __name__ == "__main__":
    launch()
