"""Shared fixtures: real MNIST through the learner's own loader, a lesson run in seconds, and a way to run scripts."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import paths  # noqa: E402
from common.data import ensure_mnist  # noqa: E402
from course.lessons import load_module, scripts  # noqa: E402

LESSONS = [path.name for path in scripts()]


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


@pytest.fixture
def own_folders(tmp_path, monkeypatch):
    """runs/ and results/ inside this test's folder: what a run or a recording writes lands there, never in the
    repository's."""
    for name in ("RUNS", "RESULTS"):
        monkeypatch.setattr(paths, name, tmp_path / getattr(paths, name).name)


@pytest.fixture(scope="session")
def mnist_dir():
    """The repository's data folder, made ready exactly as a lesson script does it."""
    ensure_mnist(paths.DATA, log=lambda *_: None)
    return paths.DATA


def run_script(script, *args, timeout=600):
    """Run a script of the repository the way a learner does, from the repository root."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, str(paths.ROOT / script), *map(str, args)],
        cwd=paths.ROOT, capture_output=True, text=True, timeout=timeout, env=env,
    )


class TinyNet(nn.Module):
    """A one-layer network: a lesson trains it in seconds."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)


class PoisonedAt(TinyNet):
    """Returns NaN from the given training-mode forward call on: a run that diverges."""
    def __init__(self, bad_call):
        super().__init__()
        self.calls, self.bad_call = 0, bad_call

    def forward(self, x):
        self.calls += self.training
        out = super().forward(x)
        return out * float("nan") if self.calls >= self.bad_call else out


def with_tiny_net(script, **settings):
    """Lesson ``script`` loaded with its settings changed as `--set NAME=value` changes them, and its Net
    swapped for TinyNet: a real lesson's main(), in seconds."""
    module = load_module(script, list(settings.items()))
    module.Net = TinyNet
    return module


@pytest.fixture
def tiny_lesson(tmp_path, mnist_dir, monkeypatch, no_gpu, own_folders):
    """Lesson 10 for three epochs with a one-layer network, run in-process from this test's folder (runs/ and
    results/ are there too): call it with command-line arguments; it returns the exit status.
    ``tiny_lesson.module`` is the script."""
    module = with_tiny_net("code10_lr_schedule.py", EPOCHS=3)
    monkeypatch.chdir(tmp_path)

    def run(*argv):
        return module.main(["--data-dir", str(mnist_dir), "--limit", "640", *map(str, argv)])

    run.module = module
    return run
