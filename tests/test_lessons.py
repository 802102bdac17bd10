"""Every lesson script runs end to end on a slice of real MNIST and writes its results."""
import json

import pytest
import torch

from common.paths import ROOT
from common.source import source_digest
from conftest import LESSONS
from course.lessons import load_module
from tools import evaluate


@pytest.mark.parametrize("script", LESSONS)
def test_lesson_smoke_run(script, tmp_path, mnist_dir, capsys):
    """In this process: tests/test_cli.py runs a lesson as `python codeNN.py` in its own."""
    module = load_module(script)
    limit = 64 if script == LESSONS[0] else 600  # lesson 1's network is 800 times the size of the others
    plots = script == LESSONS[-1]  # the figures come from the shared Record: drawing them once is enough
    assert module.main(["--epochs", "2", "--limit", str(limit), "--data-dir", str(mnist_dir), "--out", str(tmp_path),
                        "--device", "cpu", *([] if plots else ["--no-plots"])]) == 0
    out = capsys.readouterr().out
    assert "device: cpu" in out and "Trainable params:" in out and "Receptive field" in out
    assert out.count("\nepoch ") == 2

    m = json.loads((tmp_path / "metrics.json").read_text())
    assert m["status"] == "complete" and m["script"] == script[:-3]
    assert m["settings"]["train_images"] == m["settings"]["test_images"] == limit
    assert [e["epoch"] for e in m["epochs"]] == [1, 2]
    for e in m["epochs"]:
        assert 0 <= e["test_acc"] <= 100 and e["test_correct"] == round(e["test_acc"] * limit / 100)
        assert e["seconds"] > 0 and e["lr"] > 0
    assert m["source_sha256"] == source_digest(ROOT / script)
    assert "end goal" in out and "not judged (a shortened run" in out
    assert m["environment"]["torch"] == torch.__version__
    for name in ("curves.png", "misclassified.png"):
        if plots:
            assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert not (tmp_path / name).exists()
    state = torch.load(tmp_path / "model.pt", weights_only=True)
    module.Net().load_state_dict(state)  # the saved weights fit the script's own network


class RunsCode:
    """Unpickling this would create a file: a weights file must never do that."""
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_evaluate_saved_weights(tmp_path, mnist_dir, capsys):
    script = LESSONS[-1]
    weights = tmp_path / "model.pt"
    torch.manual_seed(0)
    torch.save(load_module(script).Net().state_dict(), weights)  # untrained: the numbers do not matter here
    flags = ["--data-dir", str(mnist_dir), "--device", "cpu"]
    assert evaluate.main([script, "--weights", str(weights), *flags]) == 0
    assert "/10,000) on cpu" in capsys.readouterr().out

    bad = tmp_path / "evil.pt"
    bad.write_bytes(b"not a weights file")
    assert evaluate.main([script, "--weights", str(bad), *flags]) == 1
    assert capsys.readouterr().err.startswith(f"error: {bad} is not a weights file")

    marker = tmp_path / "code-ran"
    torch.save({"x": RunsCode(marker)}, bad)
    assert evaluate.main([script, "--weights", str(bad), *flags]) == 1
    assert not marker.exists()
