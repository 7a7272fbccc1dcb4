"""A JupyterLab server on 127.0.0.1 for browser tests and benchmarks: started from this environment, always stopped.

Chromium is Debian's (`apt-get install chromium`), driven by playwright; nothing downloads a browser.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# User settings of the test server: every cell stays in the page (no virtual scrolling),
# and no question about fetching news.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
}


# Browser-side checks the browser tests and benchmarks wait on (page.wait_for_function).
KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return kernel && kernel.status === 'idle';
}"""

ALL_CELLS_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root_dir, log_path, timeout=90):
    """Run `jupyter lab` serving root_dir on 127.0.0.1; yields its base URL (with ?token=...).

    Its own config and runtime folders under root_dir keep the user's settings
    out; news and update checks are off, so nothing leaves the machine.
    The server's output goes to log_path. It is terminated on exit, whatever happens.
    """
    port, token = free_port(), secrets.token_hex(16)
    home = Path(root_dir).parent / f"{Path(root_dir).name}-jupyter"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    settings = home / "settings"
    for plugin, values in SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env.pop("MPLBACKEND", None)
    env.pop("NBGRADER_EXECUTION", None)
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--port={port}", "--port-retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root_dir}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:  # CI machines run as root
        command.append("--allow-root")
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited with {server.returncode}; see {log_path}")
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"jupyter lab did not answer within {timeout} s; see {log_path}")
                time.sleep(0.5)
            yield base, token
        finally:
            # the server and the kernels it started share its process group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
