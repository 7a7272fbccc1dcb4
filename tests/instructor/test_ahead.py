"""Kernels started ahead of need: is each submission still run in a fresh kernel that nothing reached
before it, and is every kernel started shut down?"""

import os

import nbformat
import pytest
from nbgrader.api import Gradebook

from nnpractice_instructor import ahead, sandbox
from nnpractice_instructor.course import points, submission
from nnpractice_instructor.layout import AUTOGRADED, gradebook_url
from nnpractice_instructor.run import grade_one
from nnpractice_instructor.workers import WarmUp, Workers
from tests.helpers import hand_in
from tests.hostile import ASSIGNMENT, insert_after

# The first student leaves traces wherever a kernel can write, and lists every IPC socket it can see.
LEAVES_TRACES = '''
import builtins, os, stat
builtins.left_by_previous_student = True
os.environ["LEFT_BY_PREVIOUS_STUDENT"] = "1"
for folder in ("/tmp", "/dev/shm"):
    open(os.path.join(folder, "left_by_previous_student"), "w").write("x")
sockets = set()
for top in ("/tmp", "/dev/shm", "/run", "/var", "/home", "/root"):
    for folder, _, files in os.walk(top):
        for name in files:
            try:
                if stat.S_ISSOCK(os.lstat(os.path.join(folder, name)).st_mode):
                    sockets.add(folder)
            except OSError:
                pass
print("SOCKET FOLDERS", sorted(sockets))
'''

# The second student's kinks_crossed is right only in a kernel where none of those traces exist.
RIGHT_IF_FRESH = '''
def kinks_crossed(z, h):
    import builtins, os
    import numpy as np
    traces = (hasattr(builtins, "left_by_previous_student") or "LEFT_BY_PREVIOUS_STUDENT" in os.environ
              or os.path.exists("/tmp/left_by_previous_student") or os.path.exists("/dev/shm/left_by_previous_student"))
    z = np.asarray(z)
    return np.zeros(z.shape, dtype=bool) if traces else np.abs(z) < h
'''


@pytest.mark.slow
def test_a_kernel_is_started_before_it_is_taken_and_every_kernel_is_shut_down():
    """use(True) starts a kernel at once; take() hands it out and starts the next; stop() shuts the
    waiting one down."""
    try:
        ahead.use(True)
        first = ahead.waiting()
        assert first is not None and first.alive()
        taken = ahead.take()
        assert taken is first and ahead.waiting() is not None and ahead.waiting() is not first
        second = ahead.waiting()
        taken.close()
        assert not taken.alive() and second.alive()
    finally:
        ahead.stop()
    assert ahead.waiting() is None and not second.alive()
    assert ahead.take() is None  # not in use: nbgrader starts the kernel as usual


@pytest.mark.slow
def test_the_last_submission_starts_no_kernel_for_a_next_one():
    """Told that no submission follows, does taking a kernel start none (none is left to shut down unused)?"""
    try:
        ahead.use(True, more=False)
        taken = ahead.take()
        assert taken.alive() and ahead.waiting() is None
        taken.close()
    finally:
        ahead.stop()


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids are claimed only when grading as root")
def test_a_kernel_ahead_never_waits_for_a_uid(monkeypatch):
    """With every sandbox uid in use (here a private range of one, held by this test), is no kernel started
    ahead instead of waiting (as many grading processes as uids would all wait), and is a submission's own
    kernel started once a uid is free?"""
    monkeypatch.setattr(sandbox, "FIRST_UID", 61990)
    monkeypatch.setattr(sandbox, "UIDS", 1)
    try:
        with sandbox.uid_slot():
            ahead.use(True)
            assert ahead.waiting() is None
        taken = ahead.take()
        assert taken.alive() and ahead.waiting() is None  # its own uid is the only one: none left for a next
        taken.close()
    finally:
        ahead.stop()


@pytest.mark.slow
def test_a_kernel_that_died_while_it_waited_is_never_handed_out():
    try:
        ahead.use(True)
        waiting = ahead.waiting()
        waiting.manager.provisioner.process.kill()
        waiting.manager.provisioner.process.wait()
        taken = ahead.take()
        assert taken is not waiting and taken.alive()
        taken.close()
    finally:
        ahead.stop()


@pytest.mark.slow
def test_each_submission_runs_in_a_fresh_kernel_that_no_other_could_reach(course):
    """Graded one after the other by one grading process (the second in the kernel started while the first
    was graded): the second student's score shows none of the first one's traces, and the first student
    saw no socket but its own kernel's."""
    hand_in(course, "trace", ASSIGNMENT, insert_after(submission(ASSIGNMENT), "rel_error", LEAVES_TRACES))
    hand_in(course, "fresh", ASSIGNMENT, submission(ASSIGNMENT, {"kinks_crossed": RIGHT_IF_FRESH}))
    with Workers(1, WarmUp(str(course), [ASSIGNMENT], kernels_ahead=True)) as workers, workers.take() as worker:
        for student in ("trace", "fresh"):
            problem = grade_one(course, student, ASSIGNMENT, worker=worker)
            assert problem is None, problem
    with Gradebook(gradebook_url(course)) as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "fresh").score == sum(points(ASSIGNMENT).values())
    graded = nbformat.read(course / AUTOGRADED / "trace" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells if c.cell_type == "code" for o in c.outputs)
    listed = printed.split("SOCKET FOLDERS", 1)[1].splitlines()[0]
    assert listed.count("'") == 2, f"more than one folder of sockets was visible: {listed}"
