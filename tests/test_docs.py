"""docs/ and README.md say what results/ and the scripts say, and every link lands."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from tools import docs, headers



def test_a_changed_result_makes_the_header_stale(tmp_path, monkeypatch):
    script = ROOT / "code10_lr_schedule.py"
    metrics = headers.recorded(script)
    assert metrics is not None, "results/code10_lr_schedule/metrics.json is not a complete recorded run"
    metrics = json.loads(json.dumps(metrics))  # a copy
    metrics["epochs"][-1]["test_acc"] -= 0.01
    fake = tmp_path / "metrics.json"
    fake.write_text(json.dumps(metrics))
    monkeypatch.setattr(headers, "recorded", lambda s: json.loads(fake.read_text()))
    assert headers.rewrite(script.read_text(), headers.render(script)) != script.read_text()




def test_the_link_checker_finds_a_broken_link(tmp_path, monkeypatch):
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    (tmp_path / "README.md").write_text("[fine](docs/page.md) [anchor](docs/page.md#a-heading)\n")
    page.write_text("# A heading\n\n[gone](missing.md) ![img](img/none.png) [bad](#no-such-heading)\n"
                    "```\n[in code](ignored.md)\n```\n")
    monkeypatch.setattr(docs, "ROOT", tmp_path)
    monkeypatch.setattr(docs, "DOCS", tmp_path / "docs")
    problems = docs.broken_links()
    assert len(problems) == 3 and all(p.startswith("docs/page.md") for p in problems)


def test_the_site_builds_strictly(tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed: `pip install -r requirements-docs.txt`")
        pytest.skip("mkdocs is not installed (requirements-docs.txt); `make test` installs it")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "index.html").exists() and (tmp_path / "10_lr_schedule" / "index.html").exists()
