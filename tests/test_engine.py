"""Training stops on a non-finite loss; Ctrl-C keeps finished epochs; files are atomic; runs repeat."""
import json
from pathlib import Path

import pytest
import torch

from common import engine, paths
from common.cli import EXIT_FAILED, EXIT_INTERRUPTED
from common.engine import NonFiniteLoss
from common.files import atomic_path, write_json
from conftest import PoisonedAt, TinyNet, with_tiny_net


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
        engine.train(model, torch.device("cpu"), batches(10), optimizer, 7, show_progress=False)
    assert (info.value.epoch, info.value.batch) == (7, 3)


def test_non_finite_loss_stops_the_run_cleanly(tiny_lesson, tmp_path, capsys):
    tiny_lesson.module.Net = lambda: PoisonedAt(bad_call=12)
    status = tiny_lesson("--no-plots", "--out", "out")
    err = capsys.readouterr().err.strip().splitlines()
    assert status == EXIT_FAILED
    # 640 images in batches of 128: 5 batches an epoch, so training call 12 is epoch 3, batch 2
    assert err == ["error: the training loss became nan at epoch 3, batch 2; training stopped (try a lower --lr)"]
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["status"].startswith("stopped: the training loss became")
    assert metrics["diverged"] == {"epoch": 3, "batch": 2, "loss": "nan"}
    assert [e["epoch"] for e in metrics["epochs"]] == [1, 2]


def test_a_run_that_diverges_in_epoch_1_is_recorded_beside_nothing_of_an_earlier_run(tiny_lesson, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("model.pt", "curves.png", "misclassified.png"):  # left by an earlier run in the same folder
        (out / name).write_bytes(b"earlier")
    tiny_lesson.module.Net = lambda: PoisonedAt(bad_call=1)
    assert tiny_lesson("--out", "out") == EXIT_FAILED
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["diverged"] == {"epoch": 1, "batch": 1, "loss": "nan"} and metrics["epochs"] == []
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json"]


def test_ctrl_c_keeps_finished_epochs(tiny_lesson, tmp_path, monkeypatch, capsys):
    real = engine.train

    def interrupted_in_epoch_3(model, device, loader, optimizer, epoch):
        if epoch == 3:
            raise KeyboardInterrupt
        return real(model, device, loader, optimizer, epoch)

    monkeypatch.setattr(tiny_lesson.module, "train", interrupted_in_epoch_3)
    status = tiny_lesson("--out", "out")
    assert status == EXIT_INTERRUPTED
    assert "the 2 finished epochs are recorded in out/" in capsys.readouterr().err
    out = tmp_path / "out"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["status"] == "interrupted"
    assert [e["epoch"] for e in metrics["epochs"]] == [1, 2]
    assert (out / "curves.png").exists() and (out / "model.pt").exists()
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


def test_ctrl_c_while_drawing_says_that_the_results_were_written(tiny_lesson, tmp_path, monkeypatch, capsys):
    from common import plots

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(plots, "plot_curves", interrupted)
    assert tiny_lesson("--out", "out") == 130
    err = capsys.readouterr().err
    assert "interrupted while drawing the figures; metrics.json in out/ is complete" in err
    assert "nothing was written" not in err
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["status"] == "complete" and len(metrics["epochs"]) == 3


def test_same_seed_same_results(tiny_lesson):
    def numbers(folder):
        m = json.loads((Path(folder) / "metrics.json").read_text())
        return [{k: v for k, v in e.items() if "seconds" not in k} for e in m["epochs"]]

    for name in ("a", "b"):
        assert tiny_lesson("--seed", "5", "--no-plots", "--out", name) == 0
    assert numbers("a") == numbers("b")
    assert tiny_lesson("--seed", "6", "--no-plots", "--out", "c") == 0
    assert numbers("a") != numbers("c")


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


def test_a_recording_replaces_the_record_only_once_complete(mnist_dir, monkeypatch, no_gpu, own_folders, capsys):
    record = paths.RESULTS / "code10_lr_schedule"
    record.mkdir(parents=True)
    (record / "metrics.json").write_text('{"the": "old record"}')
    argv = ["--data-dir", str(mnist_dir), "--record", "--device", "cpu"]

    interrupted = with_tiny_net("code10_lr_schedule.py", EPOCHS=1)
    monkeypatch.setattr(interrupted, "train", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt))
    assert interrupted.main(argv) == 130
    assert "interrupted before the first epoch finished: nothing was written" in capsys.readouterr().err
    assert json.loads((record / "metrics.json").read_text()) == {"the": "old record"}

    assert with_tiny_net("code10_lr_schedule.py", EPOCHS=1).main(argv) == 0
    assert json.loads((record / "metrics.json").read_text())["status"] == "complete"
    assert {p.name for p in record.iterdir()} == {"metrics.json", "model.pt", "curves.png", "misclassified.png"}
    assert f"results in {record}/" in capsys.readouterr().out
