#!/usr/bin/env python3
"""Set up one class on this server for JupyterHub (run as root, with the system's python3).

    python3 deploy/setup_class.py ROSTER.csv            # create or update the class
    python3 deploy/setup_class.py --remove              # remove the users this script created

ROSTER.csv has a header and the columns `username,role,password`: role is `instructor`
(exactly one), `grader` or `student`; an empty password is generated. What it makes:

- a system user per row (useradd, home chmod 700), its password set with chpasswd; generated
  passwords are written to PREFIX/passwords.csv (root only). Users that already exist are kept as
  they are and never removed;
- the group `nnpractice-staff` (the instructor and the graders);
- PREFIX/venv: the course's requirements, JupyterHub (deploy/requirements.txt), and the course's
  two packages installed from a copy (not linked to this checkout), readable by everyone;
- PREFIX/data: the bundled data, readable by everyone (NNPRACTICE_DATA);
- PREFIX/course: the instructor's course folder (a copy of this checkout): the solutions, the
  hidden references, the gradebook. Owned by the instructor, group nnpractice-staff, mode 2770:
  no student can read it. An existing course folder is kept (it holds the gradebook);
- nbgrader's exchange, EXCHANGE (default /srv/nbgrader/exchange), mode 1777 as nbgrader documents;
- PREFIX/etc/{student,staff}: the Jupyter configuration of each role (JUPYTER_CONFIG_PATH of
  their servers): nbgrader's course id and exchange for all; the Formgrader, Create Assignment and
  course list switched off for students; the course's nbgrader configuration for the staff;
- PREFIX/class.json: what jupyterhub_config.py reads (users, roles, paths, who was created).
"""

import argparse
import csv
import grp
import hashlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
DEPLOY = CHECKOUT / "deploy"
PREFIX = Path(os.environ.get("NNPRACTICE_HUB_PREFIX", "/srv/nnpractice"))
EXCHANGE = Path(os.environ.get("NNPRACTICE_EXCHANGE", "/srv/nbgrader/exchange"))
COURSE_ID = "nn-practice"
STAFF_GROUP = "nnpractice-staff"
ROLES = ("instructor", "grader", "student")
# What the course copies leave out: version control, environments, working and built folders.
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", "*.egg-info", "build",
                                    ".pytest_cache", "artifacts", "_site", "dist", "submitted", "autograded",
                                    "feedback", "grades", "gradebook.db", ".ipynb_checkpoints")
# The nbgrader plugins of JupyterLab and of the server that only the staff get.
STAFF_ONLY_LAB = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                  "@jupyter/nbgrader:course-list"]
STAFF_ONLY_SERVER = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]


def run(*command, **kwargs):
    print("+", " ".join(map(str, command)), flush=True)
    return subprocess.run([str(c) for c in command], check=True, **kwargs)


def read_roster(path):
    """[(username, role, password)] of the roster; exactly one instructor."""
    with open(path, newline="") as f:
        rows = [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]
    users = []
    for row in rows:
        name, role = row.get("username", ""), row.get("role", "").lower()
        if not name or role not in ROLES:
            raise SystemExit(f"{path}: every row needs a username and a role in {ROLES}: {row}")
        if not name.replace("-", "").replace("_", "").isalnum() or not name[0].isalpha() or name != name.lower():
            raise SystemExit(f"{path}: {name!r} is not a valid system user name (lowercase letters, digits, - and _)")
        users.append((name, role, row.get("password", "")))
    if [role for _, role, _ in users].count("instructor") != 1:
        raise SystemExit(f"{path}: the roster needs exactly one instructor")
    return users


def exists(user):
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def create_users(users, state):
    """System users with private homes and passwords; returns {user: password} of generated ones."""
    try:
        grp.getgrnam(STAFF_GROUP)
    except KeyError:
        run("groupadd", STAFF_GROUP)
        state["created_groups"] = sorted(set(state.get("created_groups", [])) | {STAFF_GROUP})
    generated = {}
    for name, role, password in users:
        if not exists(name):
            run("useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name)
            state["created_users"] = sorted(set(state.get("created_users", [])) | {name})
        if role != "student":
            run("usermod", "--append", "--groups", STAFF_GROUP, name)
        home = Path(pwd.getpwnam(name).pw_dir)
        home.chmod(0o700)
        if not password:
            password = generated[name] = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return generated


def requirements_stamp():
    digest = hashlib.sha256()
    for path in (CHECKOUT / "requirements.txt", DEPLOY / "requirements.txt", CHECKOUT / "pyproject.toml",
                 CHECKOUT / "autograder" / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def usable_by_all(path):
    """Whether every user can run this program (each parent folder searchable by others)."""
    path = Path(path).resolve()
    return all(parent.stat().st_mode & 0o001 for parent in path.parents) and path.stat().st_mode & 0o001


def base_python():
    """A Python every user can run: this one unless it lives in a private folder (e.g. pyenv under /root)."""
    for candidate in (sys.executable, shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")):
        if candidate and usable_by_all(candidate):
            return candidate
    raise SystemExit("no python3 that every user can run: install Debian's python3 and python3-venv")


def build_venv(venv):
    """The users' environment: requirements once (again when they change), the course's packages each time."""
    stamp = venv / ".nnpractice-requirements"
    if not (stamp.is_file() and stamp.read_text() == requirements_stamp()):
        if not (venv / "bin" / "python").exists():
            run(base_python(), "-m", "venv", venv)
        lines = [line for line in (CHECKOUT / "requirements.txt").read_text().splitlines()
                 if not line.strip().startswith("-e")]
        course_requirements = venv / "course-requirements.txt"
        course_requirements.write_text("\n".join(lines) + "\n")
        run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", course_requirements,
            "-r", DEPLOY / "requirements.txt")
        stamp.write_text(requirements_stamp())
    # The course's packages from a scratch copy: nothing in the environment points at this checkout.
    staging = venv / "source"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(CHECKOUT, staging, ignore=NOT_COPIED)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
        staging, staging / "autograder")
    shutil.rmtree(staging)
    # JupyterLab's defaults for every user: no question about fetching news from the Internet
    write(venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json",
          json.dumps({"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}, indent=2))
    run("chmod", "-R", "a+rX,go-w", venv)


def write(path, text, mode=0o644):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def role_configs(etc, course, exchange):
    """The Jupyter configuration folders of the two roles (JUPYTER_CONFIG_PATH of their servers)."""
    common = (f"c = get_config()  # noqa: F821\n"
              f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
              f"c.Exchange.root = {str(exchange)!r}\n")
    write(etc / "student" / "nbgrader_config.py", "# nbgrader for students: fetch, validate, submit.\n" + common)
    write(etc / "student" / "labconfig" / "page_config.json",
          json.dumps({"disabledExtensions": {name: True for name in STAFF_ONLY_LAB}}, indent=2))
    write(etc / "student" / "jupyter_server_config.json",
          json.dumps({"ServerApp": {"jpserver_extensions": {name: False for name in STAFF_ONLY_SERVER}}}, indent=2))
    write(etc / "staff" / "nbgrader_config.py",
          "# nbgrader for the instructor and graders: the course's configuration, then the exchange.\n"
          f"load_subconfig({str(course / 'autograder' / 'nbgrader_config.py')!r})  # noqa: F821\n" + common)
    run("chmod", "-R", "a+rX,go-w", etc)


def course_folder(course, instructor, chapters):
    """The instructor's course: a copy of the checkout with a gradebook that knows the chapters and the students."""
    if not course.exists():
        shutil.copytree(CHECKOUT, course, ignore=NOT_COPIED)
    run("chown", "-R", f"{instructor}:{STAFF_GROUP}", course)
    run("chmod", "-R", "u+rwX,g+rwX,o-rwx", course)
    run("find", course, "-type", "d", "-exec", "chmod", "g+s", "{}", "+")


def as_user(user, venv, course, *command):
    env = {"HOME": pwd.getpwnam(user).pw_dir, "USER": user, "LOGNAME": user,
           "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "NNPRACTICE_COURSE": str(course),
           "NNPRACTICE_DATA": str(course / "data")}
    return run("runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command,
               cwd=course)


def gradebook(users, venv, course, instructor, chapters):
    """Students in the gradebook (the Formgrader lists them) and each chapter's cells (generate_assignment)."""
    students = [name for name, role, _ in users if role == "student"]
    script = ("import sys\n"
              "from pathlib import Path\n"
              "from nnpractice_instructor.pipeline import ensure_in_gradebook\n"
              "from nnpractice_instructor.run import open_gradebook\n"
              "course = Path(sys.argv[1])\n"
              "with open_gradebook(course) as gb:\n"
              "    for student in sys.argv[3].split(','):\n"
              "        if student: gb.update_or_create_student(student)\n"
              "ensure_in_gradebook(course, [c for c in sys.argv[2].split(',') if c])\n")
    as_user(instructor, venv, course, venv / "bin" / "python", "-c", script, course, ",".join(chapters),
            ",".join(students))


def exchange_folder(exchange):
    """nbgrader's exchange as its documentation sets it up: everyone may write, sticky."""
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o1777)


def remove(prefix, exchange):
    """Remove the users and groups this script created, their homes, PREFIX and the exchange's course."""
    state_file = prefix / "class.json"
    state = json.loads(state_file.read_text()) if state_file.is_file() else {}
    for name in state.get("created_users", []):
        if exists(name):
            subprocess.run(["pkill", "-KILL", "-u", name], check=False)
            run("userdel", "--remove", name, stderr=subprocess.DEVNULL)
    for group in state.get("created_groups", []):
        subprocess.run(["groupdel", group], check=False)
    shutil.rmtree(exchange / COURSE_ID, ignore_errors=True)
    if state.get("created_exchange"):
        shutil.rmtree(exchange, ignore_errors=True)
    if state.get("created_prefix"):
        shutil.rmtree(prefix, ignore_errors=True)
    else:
        state_file.unlink(missing_ok=True)
        shutil.rmtree(prefix / "run", ignore_errors=True)  # the users' runtime folders (jupyterhub_config.py)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roster", nargs="?", help="CSV: username,role,password")
    parser.add_argument("--prefix", default=str(PREFIX), help="where the class lives (default %(default)s)")
    parser.add_argument("--exchange", default=str(EXCHANGE), help="nbgrader's exchange (default %(default)s)")
    parser.add_argument("--venv", help="the users' environment (default PREFIX/venv); kept by --remove when outside PREFIX")
    parser.add_argument("--chapters", help="comma-separated chapters to record in the gradebook (default: all)")
    parser.add_argument("--remove", action="store_true", help="remove the users this script created")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("run as root: it creates system users")
    prefix, exchange = Path(args.prefix), Path(args.exchange)
    if args.remove:
        remove(prefix, exchange)
        return 0
    if not args.roster:
        parser.error("a roster CSV is needed")
    users = read_roster(args.roster)
    state_file = prefix / "class.json"
    state = json.loads(state_file.read_text()) if state_file.is_file() else {
        "created_prefix": not prefix.exists(), "created_exchange": not exchange.exists()}
    os.umask(0o022)
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)
    try:
        generated = create_users(users, state)
    finally:
        write(state_file, json.dumps(state, indent=2), 0o600)
    if generated:
        with open(prefix / "passwords.csv", "a", newline="") as f:
            csv.writer(f).writerows(generated.items())
        (prefix / "passwords.csv").chmod(0o600)
        print(f"generated passwords are in {prefix / 'passwords.csv'} (root only)")
    instructor = next(name for name, role, _ in users if role == "instructor")
    venv, course, etc, data = Path(args.venv or prefix / "venv"), prefix / "course", prefix / "etc", prefix / "data"
    build_venv(venv)
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(CHECKOUT / "data", data)
    run("chmod", "-R", "a+rX,go-w", data)
    exchange_folder(exchange)
    role_configs(etc, course, exchange)
    chapters = args.chapters.split(",") if args.chapters else sorted(
        p.name for p in (CHECKOUT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())
    course_folder(course, instructor, chapters)
    gradebook(users, venv, course, instructor, chapters)
    run("chmod", "-R", "g+rwX", course)  # the gradebook just made: graders write it too
    state.update(users={name: role for name, role, _ in users}, instructor=instructor, venv=str(venv),
                 course=str(course), etc=str(etc), data=str(data), exchange=str(exchange), course_id=COURSE_ID,
                 proxy=str(DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"), hub=str(prefix / "hub"))
    write(state_file, json.dumps(state, indent=2), 0o600)
    print(f"class ready: {len(users)} users; start the hub with deploy/hub.sh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
