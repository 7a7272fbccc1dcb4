"""Does the test suite's own machinery hold: xdist groups keep their tests, and their fixtures, on one worker?

The suite builds expensive course fixtures once per session (conftest.py) and
puts the tests that share one in an xdist group; `make test` runs with
`--dist loadgroup`. If pytest and pytest-xdist stop agreeing on how a group is
marked, every worker builds every fixture and the suite quietly takes twice as long.
"""

import subprocess
import sys

CONFTEST = '''
import os, pytest

@pytest.fixture(scope="session")
def expensive(tmp_path_factory):
    with open(os.environ["BUILT_LOG"], "a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")
'''
GROUPED_MODULE = '''
import pytest
pytestmark = pytest.mark.xdist_group("shared")

@pytest.mark.parametrize("i", range(6))
def test_module_marked(expensive, i):
    pass
'''
OTHER_MODULE = '''
import pytest

@pytest.mark.xdist_group("shared")
def test_function_marked(expensive):
    pass

@pytest.mark.parametrize("i", range(6))
def test_free(i):
    pass
'''


def test_a_group_and_its_session_fixture_stay_on_one_worker(tmp_path, monkeypatch):
    """With -n 2 --dist loadgroup, is a session fixture used only by one group built exactly once?"""
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_grouped.py").write_text(GROUPED_MODULE)
    (tmp_path / "test_other.py").write_text(OTHER_MODULE)
    log = tmp_path / "built.log"
    monkeypatch.setenv("BUILT_LOG", str(log))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup",
                             "-p", "no:cacheprovider", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(log.read_text().split()) == 1, f"the group was split over workers: {log.read_text().split()}"
