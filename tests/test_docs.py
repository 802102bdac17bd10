"""docs/ and README.md say what results/ and the scripts say, and every link lands."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from tools import docs, headers, performance_page



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



def test_a_gpu_run_of_the_final_lesson_is_shown_with_its_device_and_date(tmp_path, monkeypatch):
    lessons = docs.all_lessons()
    script = lessons[-1]["script"]
    folder = performance_page.gpu_run_path(script).parent.relative_to(ROOT)
    assert f"--out {folder}" in (ROOT / "Makefile").read_text()  # where `make benchmark-cuda` records it
    monkeypatch.setattr(performance_page, "BENCH", tmp_path / "results" / "benchmark")
    assert "CUDA GPU: *not measured:*" in performance_page.wall_time(lessons)
    assert performance_page.stale_runs(lessons) == []

    path = performance_page.gpu_run_path(script)
    path.parent.mkdir(parents=True)
    cpu_run = headers.recorded(script)

    def gpu_line(**changes):
        run = json.loads(json.dumps(cpu_run))  # a copy of the recorded CPU run, moved to a GPU
        run.update(started_at="2026-11-23T10:00:00+00:00", **changes)
        run["environment"].update(device="cuda", device_name="NVIDIA H100 80GB HBM3")
        written = path.stat().st_mtime_ns if path.exists() else 0
        path.write_text(json.dumps(run))
        os.utime(path, ns=(written + 10**9, written + 10**9))  # a later file, even where clocks are coarse
        return performance_page.wall_time(lessons).splitlines()[-1]

    target = performance_page.GPU_TARGET_SECONDS
    line = gpu_line(total_seconds=target - 2.6)
    assert line.startswith(f"- CUDA GPU: **{target - 3} s**") and "NVIDIA H100 80GB HBM3" in line
    assert "started 2026-11-23T10:00:00+00:00" in line and f"under {target} s: met" in line
    assert performance_page.stale_runs(lessons) == []
    assert f"under {target} s: not met" in gpu_line(total_seconds=target + 0.2)

    for changes, problem in [({"source_sha256": "0" * 64}, "recorded from other code"),
                             ({"status": "interrupted"}, "not a finished full run")]:
        gpu_line(**changes)
        assert problem in performance_page.stale_runs(lessons)[0]
        assert "`make benchmark-cuda` again" in performance_page.stale_runs(lessons)[0]


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
