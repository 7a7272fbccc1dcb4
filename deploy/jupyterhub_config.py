"""JupyterHub for one class on one server: system users (PAM), one JupyterLab server per user.

Reads PREFIX/class.json, written by deploy/setup_class.py (PREFIX is $NNPRACTICE_HUB_PREFIX, default
/srv/nnpractice). The hub listens on 127.0.0.1 only, port $NNPRACTICE_HUB_PORT (default 8000): put a
TLS reverse proxy (nginx, caddy) in front of it to open it to a network. Its internal ports (the hub's
API and the proxy's API) are free ports picked at start.

Each user's server runs as that user, from the class's environment (PREFIX/venv), with the role's
Jupyter configuration first on JUPYTER_CONFIG_PATH: students get the Assignments tab only; the
instructor and graders also get the Formgrader, in the course folder, the course's gradebook.
"""

import json
import os
import pwd
import socket
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

PREFIX = Path(os.environ.get("NNPRACTICE_HUB_PREFIX", "/srv/nnpractice"))
CLASS = json.loads((PREFIX / "class.json").read_text())
HUB = Path(CLASS["hub"])
HUB.mkdir(mode=0o700, exist_ok=True)
VENV = Path(CLASS["venv"])

# Users' kernels talk to their server over IPC sockets, files in the user's runtime folder, not over TCP
# ports: a kernel's launcher picks free ports and hands them to the kernel, and with a class starting
# kernels on one machine another process can take one first; that kernel dies at start and JupyterLab
# asks about it ("Kernel Restarting"). A socket's path is limited to 107 bytes, and
# ~/.local/share/jupyter/runtime/kernel-<36-character id>-ipc-5 is over it for names of 18 characters and
# more, so each user's runtime folder is RUNTIME/<uid>, made by the hub (root) for that user alone.
RUNTIME = PREFIX / "run"
SOCKET_NAME = len("/kernel-00000000-0000-0000-0000-000000000000-ipc-5")
if len(str(RUNTIME)) + len("/4294967295") + SOCKET_NAME > 107:
    raise SystemExit(f"{RUNTIME}: the class's folder's path is too long for kernels' sockets; use a shorter prefix")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClassSpawner(LocalProcessSpawner):
    """A user's JupyterLab, configured for the user's role, with private files by default."""

    def staff(self):
        return CLASS["users"].get(self.user.name) != "student"

    def get_env(self):
        env = super().get_env()
        role = "staff" if self.staff() else "student"
        env["JUPYTER_CONFIG_PATH"] = str(Path(CLASS["etc"]) / role)
        env["NNPRACTICE_DATA"] = CLASS["data"]
        env["JUPYTER_RUNTIME_DIR"] = str(self.runtime_folder())  # made by start()
        if self.staff():
            env["NNPRACTICE_COURSE"] = CLASS["course"]
        return env

    def make_preexec_fn(self, name):
        # staff share the course folder through their group; students' files are theirs alone
        umask = 0o007 if self.staff() else 0o077
        become_user = super().make_preexec_fn(name)

        def preexec():
            become_user()
            os.umask(umask)
        return preexec

    def runtime_folder(self):
        """RUNTIME/<uid>: the user's Jupyter runtime folder (kernels' sockets and connection files), theirs alone."""
        return RUNTIME / str(pwd.getpwnam(self.user.name).pw_uid)

    async def start(self):
        # the staff work in the course folder (the Formgrader links into it); students in their home
        self.notebook_dir = CLASS["course"] if self.staff() else "~"
        user, folder = pwd.getpwnam(self.user.name), self.runtime_folder()
        RUNTIME.mkdir(mode=0o711, exist_ok=True)
        folder.mkdir(exist_ok=True)
        os.chown(folder, user.pw_uid, user.pw_gid)
        folder.chmod(0o700)
        return await super().start()


c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("NNPRACTICE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = free_port()
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [CLASS["proxy"]]
c.ConfigurableHTTPProxy.pid_file = str(HUB / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{HUB / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB / "cookie_secret")
c.JupyterHub.pid_file = str(HUB / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(CLASS["users"])
c.Authenticator.admin_users = {CLASS["instructor"]}
c.PAMAuthenticator.open_sessions = False

c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"}
c.Spawner.args = ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                  "--KernelManager.transport=ipc"]
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
