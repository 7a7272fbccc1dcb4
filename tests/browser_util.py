"""Browser tests: the JupyterLab server and Chromium of the instructor's package, and a skip (a failure in CI)
when Chromium or playwright is missing."""

import os

import pytest

from nnpractice_instructor.browser import CHROMIUM


def require_browser():
    """The playwright module, or a skip (a failure in CI) saying what is missing."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not found (apt-get install chromium)"
    else:
        try:
            from playwright import sync_api
            return sync_api
        except ImportError:
            problem = "python package playwright not installed (pip install -r requirements.txt)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run in CI: {problem}")
    pytest.skip(problem)
