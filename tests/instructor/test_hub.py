"""A class on JupyterHub, end to end in a browser, with real system users.

deploy/setup_class.py creates an instructor and two students from a roster, deploy/hub.sh starts the
hub on 127.0.0.1; then: the instructor releases chapter 01; both students log in on the hub's login
page, fetch it in the Assignments tab, complete it (one right, one with one kept wrong answer),
validate and submit; the instructor collects and grades with the course's grading command; the
Formgrader shows both scores; a manual score and a comment given in the Formgrader survive a second
grading run; the instructor releases feedback and each student fetches their own. Last, the second
student's own kernel tries to read the first student's home and kernel sockets, the course folder, the
gradebook and the exchange's inbound submissions, and fails; it talks to its server over IPC sockets in a
runtime folder of its own, not over TCP ports.

Needs root (it creates system users and starts servers as them), npm, Chromium and playwright.
In CI (CI=true) a missing piece fails the test; elsewhere it is skipped with the reason. The users
it creates are removed afterwards, even on failure. Timings of every step go to artifacts/hub/timings.json.
"""

import contextlib
import csv
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from nnpractice_instructor.browser import CHROMIUM, CHROMIUM_ARGS, free_port
from nnpractice_instructor.course import submission
from tests.browser_util import require_browser
from tests.helpers import independent_exercise, mutant_source

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("hub")]

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ARTIFACTS = REPO / "artifacts" / "hub"
CHAPTER = "01_gradient_checks"
# The test's own scratch class; its environment (ROOT/venv) is kept between runs and rebuilt when
# the requirements change.
ROOT = Path(os.environ.get("NNPRACTICE_HUB_TEST_ROOT", "/srv/nnpractice-test"))
INSTRUCTOR, RIGHT, WRONG = "nnp-teacher", "nnp-alice", "nnp-bob"
PASSWORDS = {INSTRUCTOR: "teach-Ab3-pass", RIGHT: "alice-Cd5-pass", WRONG: "bob-Ef7-pass"}
ROLES = {INSTRUCTOR: "instructor", RIGHT: "student", WRONG: "student"}
SPAWN_TIMEOUT_MS = 240_000
HUB_LOG_TAIL = 60  # lines of the hub's log printed after the test
FAILED_REQUESTS = {}  # page -> the requests of the page that failed or were answered with an error, in order


def missing():
    """Why the hub test cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root: it creates system users and the hub starts servers as them"
    for tool in ("npm", "useradd", "runuser", "chpasswd"):
        if not shutil.which(tool):
            return f"{tool} not found (apt-get install nodejs npm passwd util-linux)"
    existing = [user for user in PASSWORDS if _exists(user)]
    if existing and not (ROOT / "class" / "class.json").is_file():
        return f"users {existing} exist and were not made by this test: it will not touch them"
    return None


def _exists(user):
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


class Timer:
    """Seconds spent in each named step, written to artifacts/hub/timings.json."""

    def __init__(self):
        self.steps, self.start = {}, time.monotonic()

    @contextlib.contextmanager
    def step(self, name):
        start = time.monotonic()
        try:
            yield
        finally:
            self.steps[name] = round(time.monotonic() - start, 1)
            self.save()

    def save(self):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        total = round(time.monotonic() - self.start, 1)
        (ARTIFACTS / "timings.json").write_text(json.dumps({**self.steps, "total": total}, indent=2))


class Hub:
    """The running hub of the test class and what the instructor does outside the browser."""

    def __init__(self, url, prefix):
        self.url, self.prefix = url, prefix
        self.state = json.loads((prefix / "class.json").read_text())
        self.course, self.exchange = Path(self.state["course"]), Path(self.state["exchange"])
        self.venv = Path(self.state["venv"])

    def as_instructor(self, *command, timeout=900):
        """Run a command as the instructor, in the course folder, with the environment the hub gives them."""
        env = {"HOME": pwd.getpwnam(INSTRUCTOR).pw_dir, "USER": INSTRUCTOR,
               "PATH": f"{self.venv / 'bin'}:/usr/bin:/bin", "NNPRACTICE_COURSE": str(self.course),
               "NNPRACTICE_DATA": self.state["data"], "JUPYTER_CONFIG_PATH": f"{self.state['etc']}/staff"}
        result = subprocess.run(["runuser", "-u", INSTRUCTOR, "--", "env", "-i",
                                 *(f"{k}={v}" for k, v in env.items()), *map(str, command)],
                                cwd=self.course, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
        return result


def wait_for(url, timeout_s, process, log):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s} s; see {log}")


@pytest.fixture(scope="module")
def timer():
    return Timer()


@pytest.fixture(scope="module")
def hub(tmp_path_factory, timer):
    """Set up the class (users, environment, course, exchange), start the hub; always stop it and remove the users."""
    problem = missing()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"hub test cannot run in CI: {problem}")
        pytest.skip(problem)
    require_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    roster = tmp_path_factory.mktemp("hub") / "roster.csv"
    with open(roster, "w", newline="") as f:
        csv.writer(f).writerows([("username", "role", "password"),
                                 *((user, ROLES[user], PASSWORDS[user]) for user in PASSWORDS)])
    prefix, exchange = ROOT / "class", ROOT / "exchange"
    setup = [sys.executable, DEPLOY / "setup_class.py", "--prefix", prefix, "--exchange", exchange]
    process = None
    subprocess.run([*map(str, setup), "--remove"], check=False)  # what an interrupted run left (users, exchange)
    try:
        with timer.step("setup: users, environment, course, gradebook"), open(ARTIFACTS / "setup.log", "w") as log:
            subprocess.run([*map(str, setup), str(roster), "--venv", str(ROOT / "venv"), "--chapters", CHAPTER],
                           stdout=log, stderr=subprocess.STDOUT, check=True, timeout=1800)
        port = free_port()
        log_path = ARTIFACTS / "hub.log"
        with timer.step("hub starts"), open(log_path, "w") as log:
            env = {**os.environ, "NNPRACTICE_HUB_PREFIX": str(prefix), "NNPRACTICE_HUB_PORT": str(port)}
            process = subprocess.Popen([str(DEPLOY / "hub.sh")], env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            wait_for(f"http://127.0.0.1:{port}/hub/health", 120, process, log_path)
        yield Hub(f"http://127.0.0.1:{port}", prefix)
    finally:
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # shown by pytest only when the test failed: what the hub and the users' servers said last
            print("".join((ARTIFACTS / "hub.log").read_text(errors="replace").splitlines(True)[-HUB_LOG_TAIL:]))
        subprocess.run([*map(str, setup), "--remove"], check=False)


# ---- the browser side ---------------------------------------------------------------


def log_in(browser, hub, user):
    """A page of the user's JupyterLab, logged in through the hub's login page (the server spawned)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    failed = FAILED_REQUESTS[page] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.request.method} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.method} {r.url}"))
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORDS[user])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=SPAWN_TIMEOUT_MS)
    page.wait_for_selector(".jp-LabShell", timeout=120_000)
    page.wait_for_selector(".lm-MenuBar-itemLabel >> text=Nbgrader", timeout=120_000)
    return page


def open_from_menu(page, item):
    dialog = shown_dialog(page)
    assert dialog is None, f"JupyterLab showed a dialog before {item} was opened: {dialog}"
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def put_notebook(page, user, path, nb):
    """Save a notebook in the user's server through its contents API, from the user's own page."""
    status = page.evaluate("""async ([url, nb]) => {
        const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
        const r = await fetch(url, {method: "PUT", headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf},
                                    body: JSON.stringify({type: "notebook", format: "json", content: nb})});
        return r.status; }""", [f"/user/{user}/api/contents/{path}", json.loads(nbformat.writes(nb))])
    assert status in (200, 201), f"saving {path} as {user} answered {status}"


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fetch_complete_validate_submit(page, user, nb):
    """In the Assignments tab: fetch the chapter, complete it, validate it, submit it; returns the validation text."""
    open_from_menu(page, "Assignment List")
    released = page.locator("#released_assignments_list")
    released.get_by_role("button", name="Fetch").first.click(timeout=60_000)
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_text(CHAPTER).first.wait_for(timeout=60_000)
    put_notebook(page, user, f"{CHAPTER}/{CHAPTER}.ipynb", nb)
    # the assignment's notebooks are listed under it once it is expanded
    fetched.locator("a", has_text=CHAPTER).first.click()
    fetched.get_by_role("button", name="Validate").first.click(timeout=30_000)
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=300_000)
    text = dialog.inner_text()
    shot(page, f"{user}-validated")
    dialog.get_by_role("button").last.click()
    fetched.get_by_role("button", name="Submit").first.click()
    page.locator("#submitted_assignments_list").get_by_text(CHAPTER).first.wait_for(timeout=60_000)
    shot(page, f"{user}-submitted")
    return text


# The kernel item of the status bar says "<kernel name> | Idle" once the page is connected to a started kernel
# that is idle (the toolbar's execution indicator already says idle before the kernel is connected).
KERNEL_CONNECTED_AND_IDLE = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem[title^="Change kernel"]')]
    .some(item => /\\|\\s*Idle\\s*$/.test(item.textContent))"""
DIALOG_SHOWN = "() => document.querySelector('.jp-Dialog') !== null"


def shown_dialog(page):
    """The text of the dialog JupyterLab shows (title, body, buttons), or None."""
    dialogs = page.locator(".jp-Dialog")
    return " | ".join(" ".join(text.split()) for text in dialogs.all_inner_texts()) if dialogs.count() else None


def wait_without_dialog(page, script, what, timeout_ms=120_000):
    """Wait until `script` (a JS predicate) holds; fail saying what JupyterLab asked if a dialog shows first."""
    page.wait_for_function(f"() => ({script})() || ({DIALOG_SHOWN})()", timeout=timeout_ms)
    dialog = shown_dialog(page)
    assert dialog is None, (f"JupyterLab showed a dialog while waiting for {what}: {dialog}\n"
                            f"the page's last requests that failed: {FAILED_REQUESTS.get(page, [])[-10:]}")


def kernel_output(page, user, code):
    """Run `code` in a new notebook of the user's own kernel, in the browser; returns its text output."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    put_notebook(page, user, "isolation.ipynb", nb)
    page.goto(page.url.split("/user/")[0] + f"/user/{user}/lab/tree/isolation.ipynb")
    try:
        page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=120_000)
        wait_without_dialog(page, KERNEL_CONNECTED_AND_IDLE, "the notebook's kernel to start")
        page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
        page.keyboard.press("Shift+Enter")
        wait_without_dialog(page, "() => document.querySelector('.jp-Notebook .jp-OutputArea-output') !== null",
                            "the cell's output")
    finally:
        shot(page, f"{user}-isolation")
    return page.locator(".jp-Notebook .jp-OutputArea-output").first.inner_text()


# ---- the class ------------------------------------------------------------------------------


def test_a_class_on_jupyterhub_end_to_end(hub, timer):
    sync_api = require_browser()
    wrong = independent_exercise(CHAPTER)
    answers = {RIGHT: submission(CHAPTER), WRONG: submission(CHAPTER, {wrong: mutant_source(CHAPTER, wrong)})}

    with timer.step("instructor releases chapter 01 (nbgrader release_assignment)"):
        hub.as_instructor("nbgrader", "release_assignment", CHAPTER)
    assert (hub.exchange / "nn-practice" / "outbound" / CHAPTER / f"{CHAPTER}.ipynb").is_file()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            pages = {}
            for student in (RIGHT, WRONG):
                with timer.step(f"{student}: log in, server spawned"):
                    pages[student] = log_in(browser, hub, student)
                page = pages[student]
                with timer.step(f"{student}: fetch, complete, validate, submit"):
                    validation = fetch_complete_validate_submit(page, student, answers[student])
                if student == RIGHT:
                    assert "Success" in validation, validation
                else:
                    assert wrong in validation or "failed" in validation.lower(), validation
            # students have no Formgrader
            page = pages[WRONG]
            page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
            items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
            page.keyboard.press("Escape")
            assert "Assignment List" in items and "Formgrader" not in items, items

            with timer.step("instructor collects and grades (nnpractice-grade --collect --feedback)"):
                graded = hub.as_instructor("nnpractice-grade", "--collect", "--assignment", CHAPTER, "--feedback",
                                           "--no-progress", "--jobs", "1")
            assert "graded 2 notebooks of 2 students" in graded.stdout, graded.stdout

            with timer.step("instructor logs in, server spawned"):
                teacher = log_in(browser, hub, INSTRUCTOR)
            teacher.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
            items = teacher.locator(".lm-Menu-itemLabel").all_inner_texts()
            teacher.keyboard.press("Escape")
            assert "Formgrader" in items, items
            with timer.step("Formgrader shows both scores"):
                scores = formgrader_scores(teacher)
            shot(teacher, "formgrader-scores")
            full = max(scores.values())
            assert scores[RIGHT] == full and scores[WRONG] < full, scores

            with timer.step("manual score and comment in the Formgrader, then grading again"):
                manual = give_manual_score(teacher, hub, wrong)
                assert manual[0] and manual[1], "the Formgrader did not save the manual score and comment"
                hub.as_instructor("nnpractice-grade", "--collect", "--assignment", CHAPTER, "--feedback",
                                  "--no-progress", "--jobs", "1")
                kept = formgrader_submission_grades(teacher, hub)
            assert kept == manual == ([(f"test_{wrong}", 1)], ["Kept after a regrade."]), (manual, kept)

            with timer.step("instructor releases feedback; each student fetches it"):
                hub.as_instructor("nbgrader", "release_feedback", CHAPTER)
                for student in (RIGHT, WRONG):
                    page = pages[student]
                    page.goto(f"{hub.url}/user/{student}/lab")
                    page.wait_for_selector(".lm-MenuBar-itemLabel >> text=Nbgrader", timeout=120_000)
                    open_from_menu(page, "Assignment List")
                    submitted = page.locator("#submitted_assignments_list")
                    submitted.get_by_role("button", name="Fetch Feedback").first.click(timeout=60_000)
                    submitted.get_by_text("view feedback", exact=False).first.wait_for(timeout=60_000)
                    shot(page, f"{student}-feedback")
            for student in (RIGHT, WRONG):
                other = ({RIGHT, WRONG} - {student}).pop()
                home = Path(pwd.getpwnam(student).pw_dir)
                fetched = sorted((home / CHAPTER / "feedback").glob(f"*/{CHAPTER}.html"))
                assert len(fetched) == 1, fetched
                own, theirs = (hub.course / "feedback" / s / CHAPTER / f"{CHAPTER}.html" for s in (student, other))
                assert fetched[0].read_bytes() == own.read_bytes() != theirs.read_bytes()
            with timer.step("isolation, from the second student's kernel"):
                report = kernel_output(pages[WRONG], WRONG, isolation_code(hub))
            results = json.loads(report.strip().splitlines()[-1])
            (ARTIFACTS / "isolation.json").write_text(json.dumps(results, indent=2))
            assert all(outcome.startswith("PermissionError") for outcome in results["reads"].values()), results
            # the kernel talks to the server over sockets in a folder of the student's alone, not over TCP ports
            assert results["transport"] == "ipc", results
            sockets = Path(results["connection_file"]).parent
            assert sockets == runtime_folder(hub, WRONG), results
            assert (sockets.stat().st_uid, sockets.stat().st_mode & 0o777) == (pwd.getpwnam(WRONG).pw_uid, 0o700)
        finally:
            browser.close()
    print(json.dumps(timer.steps, indent=2))


def runtime_folder(hub, user):
    """Where the hub keeps the user's Jupyter runtime folder (deploy/jupyterhub_config.py)."""
    return hub.prefix / "run" / str(pwd.getpwnam(user).pw_uid)


def isolation_code(hub):
    """Code the second student runs: every read it attempts and what happened ("reads"), and how its kernel
    talks to its server ("transport", "connection_file")."""
    targets = {
        "first student's home": pwd.getpwnam(RIGHT).pw_dir,
        "first student's notebook": f"{pwd.getpwnam(RIGHT).pw_dir}/{CHAPTER}/{CHAPTER}.ipynb",
        "course folder": str(hub.course),
        "solutions": str(hub.course / "solutions" / CHAPTER / f"{CHAPTER}.ipynb"),
        "hidden references": str(hub.course / "autograder" / "references" / f"{CHAPTER}.py"),
        "gradebook": str(hub.course / "gradebook.db"),
        "exchange inbound": str(hub.exchange / "nn-practice" / "inbound"),
        "instructor's home": pwd.getpwnam(INSTRUCTOR).pw_dir,
        "first student's kernel sockets": str(runtime_folder(hub, RIGHT)),
    }
    return ("import json, os\n"
            f"targets = {targets!r}\n"
            "outcome = {}\n"
            "for what, path in targets.items():\n"
            "    try:\n"
            "        if os.path.isdir(path) or not os.path.splitext(path)[1]:\n"
            "            os.listdir(path)\n"
            "        else:\n"
            "            open(path, 'rb').read(1)\n"
            "        outcome[what] = 'read'\n"
            "    except Exception as error:\n"
            "        outcome[what] = type(error).__name__\n"
            "from ipykernel.kernelapp import IPKernelApp\n"
            "kernel = IPKernelApp.instance()\n"
            "print(json.dumps({'reads': outcome, 'transport': kernel.transport,\n"
            "                  'connection_file': kernel.abs_connection_file}))\n")


# ---- the Formgrader ---------------------------------------------------------------------------


def formgrader_api(page, path, method="GET", body=None):
    return page.evaluate("""async ([url, method, body]) => {
        const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
        const r = await fetch(url, {method, headers: {"Content-Type": "application/json", "X-XSRFToken": xsrf},
                                    body: body === null ? undefined : JSON.stringify(body)});
        if (!r.ok) throw new Error(url + " answered " + r.status);
        return await r.json(); }""", [f"/user/{INSTRUCTOR}/formgrader/api/{path}", method, body])


def formgrader_scores(page):
    """{student: score} as the Formgrader's page of the assignment's submissions shows them, checked
    against the scores its API serves."""
    page.goto(page.url.split("/user/")[0] + f"/user/{INSTRUCTOR}/formgrader/gradebook/{CHAPTER}/{CHAPTER}")
    served = {n["student"]: n["score"] for n in formgrader_api(page, f"submitted_notebooks/{CHAPTER}/{CHAPTER}")}
    page.get_by_role("button", name="Show All Names").click(timeout=60_000)
    scores = {}
    for student in (RIGHT, WRONG):
        row = page.locator("tr", has_text=student).first
        row.wait_for(timeout=60_000)
        shown = [float(c.split("/")[0]) for c in row.locator("td").all_inner_texts() if "/" in c]
        assert shown and shown[0] == served[student], (student, row.inner_text(), served)
        scores[student] = shown[0]
    return scores


def submission_id(page):
    notebooks = formgrader_api(page, f"submitted_notebooks/{CHAPTER}/{CHAPTER}")
    return next(n["id"] for n in notebooks if n["student"] == WRONG)


def give_manual_score(page, hub, exercise):
    """On the Formgrader's page of the second student's submission: a manual score for the test of the
    exercise they got wrong, and a comment on their answer; returns them as the Formgrader serves them."""
    page.goto(page.url.split("/user/")[0] + f"/user/{INSTRUCTOR}/formgrader/submissions/{submission_id(page)}/")
    score = page.locator(f"input.score[id='test_{exercise}']")
    score.wait_for(timeout=60_000)
    # the page's inputs save through views bound once the grades and comments are loaded
    page.wait_for_function("() => window.formgrader && formgrader.grades && formgrader.grades.loaded"
                           " && formgrader.comments && formgrader.comments.loaded", timeout=60_000)
    score.fill("1")
    score.press("Tab")
    comment = page.locator(f"textarea.comment[id='{exercise}-comment']")
    comment.fill("Kept after a regrade.")
    comment.press("Tab")
    deadline = time.monotonic() + 30
    while True:
        saved = formgrader_submission_grades(page, hub)
        if (saved[0] and saved[1]) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    shot(page, "formgrader-manual")
    return saved


def formgrader_submission_grades(page, hub):
    """(manual scores, manual comments) of the second student's submission, as the Formgrader serves them."""
    sid = submission_id(page)
    grades = formgrader_api(page, f"grades?submission_id={sid}")
    comments = formgrader_api(page, f"comments?submission_id={sid}")
    return (sorted((g["name"], g["manual_score"]) for g in grades if g["manual_score"] is not None),
            sorted(c["manual_comment"] for c in comments if c["manual_comment"]))
