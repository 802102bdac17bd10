"""Training stops on a non-finite loss; Ctrl-C keeps finished epochs; files are atomic; runs repeat."""
import json

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import transforms

from common import engine, lesson
from common.engine import NonFiniteLoss, train_epoch
from common.results import atomic_path, write_json

PIPELINE = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)


class PoisonedAt(Tiny):
    """Returns NaN from the given training-mode forward call on."""
    def __init__(self, bad_call):
        super().__init__()
        self.calls, self.bad_call = 0, bad_call

    def forward(self, x):
        self.calls += self.training
        out = super().forward(x)
        return out * float("nan") if self.calls >= self.bad_call else out


def batches(n_batches, size=4):
    g = torch.Generator().manual_seed(0)
    return [(torch.randn(size, 1, 28, 28, generator=g), torch.randint(0, 10, (size,), generator=g))
            for _ in range(n_batches)]


@pytest.mark.parametrize("device_type", ["cpu", "cuda-like"])
def test_non_finite_loss_names_epoch_and_batch(device_type, monkeypatch):
    if device_type == "cuda-like":  # the batched check used on accelerators, run on the CPU
        monkeypatch.setattr(engine, "_sync_every", lambda device: 4)
    model = PoisonedAt(bad_call=3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(NonFiniteLoss, match="became nan at epoch 7, batch 3") as info:
        train_epoch(model, batches(10), optimizer, 7, torch.device("cpu"), show_progress=False)
    assert (info.value.epoch, info.value.batch) == (7, 3)


def run_tiny(tmp_path, mnist_dir, *extra, net=Tiny):
    return lesson.run_lesson(
        net, "code99_tiny.py", epochs=3, batch_size=64, lr=0.05, momentum=0.9, lr_schedule=None,
        train_transforms=PIPELINE, test_transforms=PIPELINE, description="tiny",
        argv=["--data-dir", str(mnist_dir), "--out", str(tmp_path), "--limit", "640", *extra],
    )


def test_non_finite_loss_stops_the_run_cleanly(tmp_path, mnist_dir, capsys):
    status = run_tiny(tmp_path, mnist_dir, "--no-plots", net=lambda: PoisonedAt(bad_call=12))
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    # 640 images in batches of 64: 10 batches an epoch, so training call 12 is epoch 2, batch 2
    assert err == ["error: the training loss became nan at epoch 2, batch 2; training stopped (try a lower --lr)"]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["status"].startswith("stopped: the training loss became")
    assert [e["epoch"] for e in metrics["epochs"]] == [1]


def test_ctrl_c_keeps_finished_epochs(tmp_path, mnist_dir, monkeypatch, capsys):
    real = engine.train_epoch

    def interrupted_in_epoch_3(model, batches, optimizer, epoch, device, show_progress=True):
        if epoch == 3:
            raise KeyboardInterrupt
        return real(model, batches, optimizer, epoch, device, show_progress)

    monkeypatch.setattr(lesson, "train_epoch", interrupted_in_epoch_3)
    status = run_tiny(tmp_path, mnist_dir)
    assert status == 130
    assert "results of the 2 finished epochs" in capsys.readouterr().err
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["status"] == "interrupted"
    assert [e["epoch"] for e in metrics["epochs"]] == [1, 2]
    assert (tmp_path / "curves.png").exists() and (tmp_path / "model.pt").exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_same_seed_same_results(tmp_path, mnist_dir):
    def numbers(folder):
        m = json.loads((folder / "metrics.json").read_text())
        return [{k: v for k, v in e.items() if "seconds" not in k} for e in m["epochs"]]

    for name in ("a", "b"):
        assert run_tiny(tmp_path / name, mnist_dir, "--seed", "5", "--no-plots") == 0
    assert numbers(tmp_path / "a") == numbers(tmp_path / "b")
    assert run_tiny(tmp_path / "c", mnist_dir, "--seed", "6", "--no-plots") == 0
    assert numbers(tmp_path / "a") != numbers(tmp_path / "c")


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "metrics.json"
    write_json(target, {"epochs": [1, 2]})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text('{"epochs": [1, 2, 3')  # half a file, then the writer dies
            raise RuntimeError("killed mid-write")
    assert json.loads(target.read_text()) == {"epochs": [1, 2]}
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "sub" / "metrics.json"
    write_json(target, {"a": 1})
    write_json(target, {"b": 2})
    assert json.loads(target.read_text()) == {"b": 2}
    assert target.stat().st_mode & 0o044  # readable by others, unlike a raw mkstemp file
