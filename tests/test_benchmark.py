"""The benchmark runs end to end (--quick, the final network only) and writes every figure.

It checks the shape of the report, never the speeds: those are the benchmark's
to print (python -m benchmarks.benchmark), not a test's to assert.
"""
import json
import os
import subprocess
import sys

import pytest

from benchmarks.benchmark import main, render_markdown
from conftest import ROOT

QUICK = ["--quick", "--nets", "final", "--steps", "2", "--warmup", "1", "--repeats", "2",
         "--eval-images", "200", "--threads", "1"]


def run_benchmark(*args, timeout=120):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "benchmarks.benchmark", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist_dir):
    out = tmp_path_factory.mktemp("benchmark")
    proc = run_benchmark(*QUICK, "--json", out / "bench.json", "--markdown", out / "bench.md")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc, json.loads((out / "bench.json").read_text()), (out / "bench.md").read_text()


def positive(figures):
    return all(v > 0 for v in (figures["median"], figures["min"], figures["max"], *figures["runs"]))


def test_json_holds_every_figure(quick_run):
    _, results, _ = quick_run
    assert {"benchmark", "date", "settings", "machine", "device_peak", "notes", "nets"} <= set(results)
    assert results["settings"]["device"] == "cpu" and results["settings"]["nets"] == ["final"]
    peak = results["device_peak"]
    assert peak["method"] == "measured peak" and peak["flops_per_s"] == max(peak["kernels_flops_per_s"].values()) > 0
    assert peak["rounds"] == 1 + 2 and peak["flops_per_s"] == max(peak["rounds_flops_per_s"])  # 2 configurations
    assert {"cpu", "torch", "torch_threads", "device_name"} <= set(results["machine"])

    net = results["nets"]["final"]
    assert net["lesson"] == "code10_lr_schedule.py" and net["parameters"] > 0
    assert net["forward_flops_per_image"] == 2 * net["macs_per_image"] > 0
    assert net["train_flops_per_image"] == 3 * net["forward_flops_per_image"]
    assert net["same_initial_weights"] is True
    for name in ("usual", "ours"):
        p = net["pipelines"][name]
        for key in ("train_images_per_s", "epoch_seconds", "eval_seconds", "loader_images_per_s"):
            assert positive(p[key]), (name, key, p[key])
            assert len(p[key]["runs"]) == 2
        assert p["epoch_seconds"]["min"] == pytest.approx(60_000 / p["train_images_per_s"]["max"])
        assert p["train_flops_per_s"] > 0 and 0 < p["peak_fraction"]
        if sys.platform.startswith("linux"):
            assert p["memory"]["peak_rss_mib"] >= p["memory"]["rss_main_mib"] > 0
    assert net["pipelines"]["usual"]["memory"]["workers_seen"] >= (1 if sys.platform.startswith("linux") else 0)
    assert net["ratios"]["train_speedup"] > 0 and net["ratios"]["eval_speedup"] > 0
    assert net["ratios"]["ours_over_usual"]["peak_rss_mib"] > 0


def test_reports_print_and_render(quick_run):
    proc, results, markdown = quick_run
    for text in (proc.stdout, markdown, render_markdown(results)):
        assert "final network (code10_lr_schedule.py)" in text.replace("**", "")
        assert "usual (DataLoader)" in text and "ours (common/)" in text and "ours / usual" in text
        assert "measured peak" in text and "3x3 convolution" in text
    assert markdown == render_markdown(results)
    assert "| pipeline | train images/s |" in markdown


def test_cuda_refused_in_one_line_without_a_gpu(capsys, no_gpu):
    assert main(["--device", "cuda", "--nets", "final"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "no CUDA GPU" in err


def test_the_step_profile_runs_and_renders(tmp_path, mnist_dir, monkeypatch):
    from benchmarks import profile_step
    from tools import performance_page

    monkeypatch.chdir(ROOT)  # it reads MNIST from data/, as `make benchmark` runs it
    assert profile_step.main(["--steps", "2", "--warmup", "1", "--json", str(tmp_path / "profile.json")]) == 0
    p = json.loads((tmp_path / "profile.json").read_text())
    assert p["operators_timed_by"] == "self CPU time"
    assert p["step_ms"] == pytest.approx(sum(p["phases_ms"].values())) and p["step_ms_without_dropout"] > 0
    assert p["top_operators"] and all(o["op"].startswith("aten::") and 0 < o["share"] <= 1
                                      for o in p["top_operators"])
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    page = performance_page.profile()
    assert "(torch.profiler, self CPU time)" in page and f"`{p['top_operators'][0]['op']}`" in page


def test_the_variants_run_and_render(tmp_path, mnist_dir, monkeypatch):
    from benchmarks import variants
    from tools import performance_page

    monkeypatch.chdir(ROOT)
    argv = ["--steps", "2", "--warmup", "1", "--repeats", "2", "--no-compile", "--json", str(tmp_path / "variants.json")]
    assert variants.main(argv) == 0
    v = json.loads((tmp_path / "variants.json").read_text())
    assert v["rows"][0]["variant"] == "as the lessons run it" and len(v["rows"]) == 6
    assert all(0 < r["images_per_second"]["min"] <= r["images_per_second"]["median"] <= r["images_per_second"]["max"]
               for r in v["rows"])
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    page = performance_page.variants()
    assert "| as the lessons run it |" in page and "×1.00" in page and "batch size 512 instead of 128" in page
