"""Every lesson script runs end to end on a slice of real MNIST and writes its results."""
import json
import subprocess
import sys

import pytest
import torch

from common.source import source_digest
from conftest import LESSONS, ROOT, run_script
from tools.lessons import load_module


@pytest.mark.parametrize("script", LESSONS)
def test_lesson_smoke_run(script, tmp_path, mnist_dir):
    result = run_script(script, "--epochs", "2", "--limit", "600", "--data-dir", mnist_dir, "--out", tmp_path,
                        "--device", "cpu")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "device: cpu" in out and "Trainable params:" in out and "Receptive field" in out
    assert out.count("\nepoch ") == 2

    m = json.loads((tmp_path / "metrics.json").read_text())
    assert m["status"] == "complete" and m["script"] == script[:-3]
    assert m["settings"]["train_images"] == m["settings"]["test_images"] == 600
    assert [e["epoch"] for e in m["epochs"]] == [1, 2]
    for e in m["epochs"]:
        assert 0 <= e["test_acc"] <= 100 and e["test_correct"] == round(e["test_acc"] * 6)
        assert e["seconds"] > 0 and e["lr"] > 0
    assert m["source_sha256"] == source_digest(ROOT / script)
    assert "end goal" in out and "not judged (a shortened run" in out
    assert m["environment"]["torch"] == torch.__version__
    for name in ("curves.png", "misclassified.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    module = load_module(script)
    state = torch.load(tmp_path / "model.pt", weights_only=True)
    module.Net().load_state_dict(state)  # the saved weights fit the script's own network


class RunsCode:
    """Unpickling this would create a file: a weights file must never do that."""
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_evaluate_saved_weights(tmp_path, mnist_dir):
    script = LESSONS[-1]
    assert run_script(script, "--epochs", "1", "--limit", "500", "--data-dir", mnist_dir,
                      "--out", tmp_path, "--no-plots", "--device", "cpu").returncode == 0
    result = subprocess.run([sys.executable, "-m", "tools.evaluate", script, "--weights", tmp_path / "model.pt",
                             "--data-dir", mnist_dir, "--device", "cpu"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "/10,000) on cpu" in result.stdout

    bad = tmp_path / "evil.pt"
    bad.write_bytes(b"not a weights file")
    result = subprocess.run([sys.executable, "-m", "tools.evaluate", script, "--weights", bad,
                             "--data-dir", mnist_dir], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {bad} is not a weights file")

    marker = tmp_path / "code-ran"
    torch.save({"x": RunsCode(marker)}, bad)
    result = subprocess.run([sys.executable, "-m", "tools.evaluate", script, "--weights", bad,
                             "--data-dir", mnist_dir], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and not marker.exists()
