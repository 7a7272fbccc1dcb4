"""Shared fixtures; every test sees the repository's reference solutions and a headless backend."""

import os

import matplotlib
import numpy as np
import pytest

from tests.course import ROOT

matplotlib.use("Agg")  # in this process only: kernels started by tests keep the inline backend
os.environ["NNPRACTICE_REFERENCES"] = str(ROOT / "autograder" / "references")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
