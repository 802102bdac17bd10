"""Shared fixtures: real MNIST through the learner's own loader, a tiny lesson, and a way to run scripts."""
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.data import ensure_mnist  # noqa: E402
from course.lessons import load_module  # noqa: E402

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


class Net(nn.Module):
    """A one-layer network: a lesson trains it in seconds."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)


TinyNet = Net
TINY_NET = inspect.getsource(Net)


def tiny_copy(script, folder, net=TINY_NET, **settings):
    """A copy of a lesson script in ``folder`` with a one-layer network (and
    the given module-level settings changed): a real lesson's main(), in seconds."""
    source = (ROOT / script).read_text()
    source = re.sub(r"class Net\(nn.Module\):.*?\n\n\n", lambda _: net + "\n\n", source, count=1, flags=re.S)
    for name, value in settings.items():
        source, n = re.subn(rf"^{name} = .*$", lambda _: f"{name} = {value}", source, count=1, flags=re.M)
        assert n == 1, f"{script} has no setting {name}"
    path = Path(folder) / script
    path.write_text(source)
    return path


@pytest.fixture
def tiny_lesson(tmp_path, mnist_dir, monkeypatch, no_gpu):
    """Lesson 10 with a one-layer network, run in-process from an empty folder
    (so runs/ and results/ are made there): call it with command-line
    arguments; it returns the exit status. ``tiny_lesson.module`` is the script."""
    module = load_module(tiny_copy("code10_lr_schedule.py", tmp_path, EPOCHS=3))
    monkeypatch.chdir(tmp_path)

    def run(*argv):
        return module.main(["--data-dir", str(mnist_dir), "--limit", "640", *map(str, argv)])

    run.module = module
    return run
