"""`python -m tools.diff` compares text: it runs where torch is not installed."""
import os
import subprocess
import sys

from common.paths import ROOT


def test_tools_diff_runs_without_torch(tmp_path):
    for name in ("torch", "torchvision"):  # any import of them fails, as on a machine without them
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('{name} is not installed here')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "tools.diff", "4", "5"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "+++ code05_dropout.py" in done.stdout and "nn.Dropout(DROPOUT)" in done.stdout


def test_the_fake_torch_really_blocks_torch(tmp_path):
    """The test above proves something only if its fake torch is what an import finds."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise ImportError('no torch')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "from common import Record"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "no torch" in done.stderr

