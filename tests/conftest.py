"""Shared fixtures: real MNIST through the learner's own loader, and a way to run scripts."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.data import ensure_mnist  # noqa: E402

LESSONS = sorted(p.name for p in ROOT.glob("code[0-9][0-9]_*.py"))


def pytest_addoption(parser):
    parser.addoption("--skip-slow", action="store_true", help="skip the full-length training test")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--skip-slow"):
        skip = pytest.mark.skip(reason="--skip-slow")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def no_gpu(monkeypatch):
    """This machine as one without a GPU, whatever it has; a test may then pretend otherwise."""
    from common import runtime

    monkeypatch.setattr(runtime.torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda: False)


@pytest.fixture(scope="session")
def mnist_dir():
    """The repository's data folder, made ready exactly as a lesson script does it."""
    data_dir = ROOT / "data"
    ensure_mnist(data_dir, log=lambda *_: None)
    return data_dir


def run_script(script, *args, timeout=600):
    """Run a script of the repository the way a learner does, from the repository root."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env,
    )
