"""The benchmarks run and write the JSON the performance page reads; the page renders it.

They check what is written and shown, never the speeds: those are the
benchmark's to measure (`make benchmark`), not a test's to assert.
"""
import ast
import json
import math
import os

import pytest
import torch

from benchmarks import benchmark, step
from common.cli import EXIT_OK
from common.loader import mnist_batches
from common.paths import RESULTS, ROOT
from course.lessons import load_module
from docgen import pages, performance_page


@pytest.fixture(scope="module")
def quick_json(tmp_path_factory, mnist_dir):
    """`python -m benchmarks.benchmark --quick` for the final network: two processes, a few steps each (seconds)."""
    out = tmp_path_factory.mktemp("benchmark") / "cpu.json"
    assert benchmark.main(["--quick", "--nets", "final", "--threads", "1", "--data-dir", mnist_dir,
                           "--json", out]) == EXIT_OK
    return json.loads(out.read_text())


def test_the_quick_benchmark_writes_what_the_page_needs(quick_json):
    b = quick_json
    assert b["schema"] == performance_page.SCHEMA == benchmark.SCHEMA
    assert b["command"].startswith("python -m benchmarks.benchmark --quick --nets final")
    assert b["settings"]["quick"] and b["settings"]["device"] == "cpu" and b["settings"]["workers"] == 0
    assert b["environment"]["threads"] == 1 and b["environment"]["device"] == "cpu"
    peak = b["peak"]
    assert peak["flops_per_s"] == max(peak["matmul_flops_per_s"], peak["convolution_flops_per_s"]) > 0
    assert list(b["nets"]) == ["final"]
    net = b["nets"]["final"]
    model = load_module("code10_lr_schedule.py").Net()
    assert net["lesson"] == "code10_lr_schedule.py" and net["batch_size"] == 128 and net["steps"] == 2
    assert net["parameters"] == sum(p.numel() for p in model.parameters())
    assert net["macs_per_image"] == 950_972  # 2 x this in FLOPs forward, as the page says
    for pipeline in ("usual", "ours"):
        p = net[pipeline]
        assert len(p["train_images_per_s"]) == len(p["eval_seconds"]) == b["settings"]["repeats"] == 2
        assert all(x > 0 and math.isfinite(x) for x in p["train_images_per_s"] + p["eval_seconds"])
        assert p["max_rss_mib"] > 100 and p["cuda_max_allocated_mib"] is None  # torch alone is more than 100 MiB


def test_the_page_renders_the_quick_run(quick_json, tmp_path, monkeypatch):
    (tmp_path / "cpu.json").write_text(json.dumps(quick_json))
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    page = performance_page.benchmark("cpu.json")
    assert "(--quick: a smoke check, not figures to report)" in page
    assert "**final network** (`code10_lr_schedule.py`): 7,804 parameters" in page and "baseline" not in page
    assert "| training images / s |" in page and "| evaluation s (1,000 images) |" in page
    assert "DataLoader(shuffle=True, num_workers=0)" in page
    assert performance_page.benchmark("cuda.json") == performance_page.NOT_ON_GPU


def fabricated(device="cpu"):
    """A benchmark's JSON with round figures, for checking the page to the character."""
    pipeline = {"train_images_per_s": [3403.0, 3087.0, 3010.0], "eval_seconds": [1.3, 1.01, 1.42],
                "max_rss_mib": 1278.4, "cuda_max_allocated_mib": 200.0 if device == "cuda" else None}
    ours = {**pipeline, "train_images_per_s": [6000.0, 6174.0, 6500.0], "eval_seconds": [0.65, 0.7, 0.6]}
    return {"schema": 2, "date": "2026-11-30T10:00:00+00:00", "command": "python -m benchmarks.benchmark",
            "environment": {"device": device, "device_name": "a device", "processor": "a CPU", "torch": "2.x",
                            "torchvision": "0.x", "python": "3.11", "platform": "Linux", "threads": 2},
            "settings": {"quick": False, "device": device, "repeats": 3, "warmup": 3, "eval_images": 10_000,
                         "workers": int(device == "cuda")},
            "peak": {"flops_per_s": 6 * 1_000_000 * 6174.0 * 10, "matmul_flops_per_s": 1e11,
                     "convolution_flops_per_s": 3.7e11, "trials": 5, "matmul": "2048x2048",
                     "convolution": "8 images of 28x28, 256 channels in and out"},
            "nets": {"final": {"lesson": "code10_lr_schedule.py", "parameters": 7804, "macs_per_image": 1_000_000,
                               "batch_size": 128, "steps": 40, "usual": pipeline, "ours": ours}}}


def test_the_page_writes_every_range_one_way(tmp_path, monkeypatch):
    (tmp_path / "cpu.json").write_text(json.dumps(fabricated()))
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    lines = performance_page.benchmark("cpu.json").splitlines()
    assert "| training images / s | 3,087 (3,010–3,403) | 6,174 (6,000–6,500) | ×2.00 |" in lines
    assert "| s / epoch (60,000 images) | 19.4 (17.6–19.9) | 9.72 (9.23–10.0) | ×0.50 |" in lines
    assert "| evaluation s (10,000 images) | 1.30 (1.01–1.42) | 0.65 (0.60–0.70) | ×0.50 |" in lines
    assert "| % of device peak | 5.00% | 10.0% | ×2.00 |" in lines  # 6 x MACs x images/s / peak
    assert "| peak RSS, MiB | 1,278 | 1,278 | ×1.00 |" in lines
    assert not any("GPU memory" in line for line in lines) and "**370 GFLOP/s**" in lines[2]
    assert "median (min–max) of 3 repetitions, after 3 warm-up steps" in lines[4]


def test_a_gpu_benchmark_renders_like_the_cpu_one_and_an_old_file_asks_to_measure_again(tmp_path, monkeypatch):
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    (tmp_path / "cuda.json").write_text(json.dumps(fabricated("cuda")))
    page = performance_page.benchmark("cuda.json")
    assert "| peak GPU memory, MiB | 200 | 200 | ×1.00 |" in page and "`torch.cuda.max_memory_allocated`" in page
    assert "num_workers=1, pin_memory=True" in page and "| training images / s | 3,087 (3,010–3,403) |" in page
    (tmp_path / "cpu.json").write_text(json.dumps({**fabricated(), "schema": 1}))
    assert "`make benchmark` measures it again" in performance_page.benchmark("cpu.json")


def test_the_page_imports_nothing_from_the_benchmarks():
    tree = ast.parse((ROOT / "docgen" / "performance_page.py").read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert imported and not any(name.startswith("benchmarks") for name in imported)


def test_the_benchmarks_stay_short():
    lengths = {p.name: len(p.read_text().splitlines()) for p in (ROOT / "benchmarks").glob("*.py")}
    assert sum(lengths.values()) < 500 and max(lengths.values()) <= 300, lengths


def test_make_writes_where_the_page_reads():
    makefile = (ROOT / "Makefile").read_text()
    assert "-m benchmarks.benchmark --json results/benchmark/cpu.json" in makefile
    assert "-m benchmarks.benchmark --device cuda --json results/benchmark/cuda.json" in makefile
    assert "-m benchmarks.step --out results/benchmark" in makefile
    assert "--out results/benchmark/code10_lr_schedule_cuda" in makefile


def test_the_stepper_takes_real_sgd_steps(mnist_dir):
    lesson = load_module("code10_lr_schedule.py")
    batches = mnist_batches(mnist_dir, True, 32, lesson.TRAIN_TRANSFORMS, torch.device("cpu"), limit=64)
    torch.manual_seed(0)
    model = lesson.Net()
    before = [p.detach().clone() for p in model.parameters()]
    stepper = step.Stepper(model, lesson, batches)
    phases = stepper()
    assert list(phases) == list(step.PHASES) and all(s > 0 for s in phases.values())
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert stepper.rate(3) > 0 and stepper.images == 4 * 32  # 64 images: the batches go on past an epoch's end
    plain = step.without_dropout(model)
    assert not any(isinstance(m, torch.nn.Dropout) for m in plain.modules())
    assert any(isinstance(m, torch.nn.Dropout) for m in model.modules())


def test_the_step_profile_and_variants_run_and_render(tmp_path, mnist_dir, monkeypatch):
    assert step.main(["--quick", "--no-compile", "--data-dir", str(mnist_dir), "--out", str(tmp_path)]) == EXIT_OK
    p = json.loads((tmp_path / "profile.json").read_text())
    assert p["step_ms"] == pytest.approx(sum(p["phases_ms"].values())) and p["step_ms_without_dropout"] > 0
    assert p["top_operators"] and all(o["op"].startswith("aten::") and 0 < o["share"] <= 1
                                      for o in p["top_operators"])
    v = json.loads((tmp_path / "variants.json").read_text())
    assert p["processor"] and v["processor"]  # the page names where each time was measured
    assert [r["variant"] for r in v["rows"]][:2] == ["as the lessons run it", "channels-last memory format"]
    assert len(v["rows"]) == 6 and all(0 < r["images_per_second"]["min"] <= r["images_per_second"]["median"]
                                       <= r["images_per_second"]["max"] for r in v["rows"])
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    assert f"| `{p['top_operators'][0]['op']}` |" in performance_page.profile()
    shown = performance_page.variants()
    assert "| batch size 512 instead of 128 |" in shown and "| as the lessons run it |" in shown and "×1.00" in shown


def test_cuda_refused_in_one_line_without_a_gpu(capsys, no_gpu):
    assert benchmark.main(["--device", "cuda", "--nets", "final"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "no CUDA GPU" in err


def test_a_gpu_run_of_the_final_lesson_is_shown_when_there_is_one(tmp_path, monkeypatch):
    script = ROOT / "code10_lr_schedule.py"
    lessons = [pages.lesson(script)]
    monkeypatch.setattr(performance_page, "BENCH", tmp_path)
    assert performance_page.wall_time(lessons).endswith("- CUDA GPU: *not yet measured:* `make benchmark-cuda` "
                                                        "measures it.")
    run = json.loads((RESULTS / script.stem / "metrics.json").read_text())
    run["environment"].update(device="cuda", device_name="NVIDIA H100 80GB HBM3")
    folder = tmp_path / f"{script.stem}_cuda"
    folder.mkdir()
    for i, (seconds, verdict) in enumerate(((12.4, "met"), (15.2, "not met")), start=1):
        run["total_seconds"] = seconds
        (folder / "metrics.json").write_text(json.dumps(run))
        os.utime(folder / "metrics.json", ns=(i * 10**9, i * 10**9))  # a new file, even where clocks are coarse
        line = performance_page.wall_time(lessons).splitlines()[-1]
        assert line.startswith(f"- CUDA GPU: **{seconds:.0f} s**") and "NVIDIA H100 80GB HBM3" in line
        assert f"target under 15 s: {verdict}" in line
