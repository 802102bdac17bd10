"""Blocks of docs/performance.md, from results/benchmark/*.json and the lessons' results."""
import json

from .lessons import RESULTS, from_other_source, recorded, with_own_settings

BENCH = RESULTS / "benchmark"
GPU_TARGET_SECONDS = 15  # a full run of the final lesson on a CUDA GPU, the course's speed target
NO_GPU = "no GPU run yet; `make benchmark-cuda` measures it on a machine with a CUDA GPU and regenerates this page"


def _load(name):
    path = BENCH / name
    return json.loads(path.read_text()) if path.exists() else None


def _missing(command):
    return f"*Not measured yet:* `{command}`."


def growth(lessons):
    from .docs import summary_of

    lines = ["| # | lesson | parameters | MACs / image | s / epoch | device |",
             "|---:|---|---:|---:|---:|---|"]
    for info in lessons:
        s = summary_of(info["script"])
        if s is None:
            lines.append(f"| {info['number']} | {info['title']} | | | not recorded yet | |")
            continue
        lines.append(f"| {info['number']} | {info['title']} | {s['parameters']:,} | {s['macs_per_image']:,} | "
                     f"{s['seconds_per_epoch']:.1f} | {s['device_name']} |")
    lines += ["", "*MACs / image*: multiply-accumulates of one forward pass over one image, counted from the "
                  "network's layers by `common/model_info.py`."]
    return "\n".join(lines)


def gpu_run_path(script):
    """Where `make benchmark-cuda` records a full run of the final lesson on a
    CUDA GPU: beside the benchmark, never in place of the lesson's own record."""
    return BENCH / f"{script.stem}_cuda" / "metrics.json"


def _shown(path):
    """A path under the benchmark's results, as written from the repository's root."""
    return path.relative_to(BENCH.parents[1])


def gpu_run(script):
    """The final lesson's run on a CUDA GPU, if there is one, and what is wrong with it (or None)."""
    path = gpu_run_path(script)
    if not path.exists():
        return None, None
    m = recorded(script, path)
    if m is None:
        return None, "is not a finished full run"
    if m["environment"]["device"] != "cuda":
        return None, f"is a run on {m['environment']['device']}, not on a CUDA GPU"
    if not with_own_settings(script, m):
        return None, f"is a run with other settings than {script.name}'s own"
    if from_other_source(script, m):
        return m, f"was recorded from other code than {script.name} holds now"
    return m, None


def _full_run(m):
    env = m["environment"]
    started = f", started {m['started_at']}" if "started_at" in m else ""
    return (f"**{m['total_seconds']:.0f} s** ({m['total_seconds'] / 60:.1f} minutes) on {env['device_name']}, "
            f"{env['processor']}, {env['platform']}, torch {env['torch']}{started}")


def wall_time(lessons):
    final = lessons[-1]
    script = final["script"]
    cpu = recorded(script)
    gpu, problem = gpu_run(script)
    if cpu is None:
        cpu_line = _missing(f"python {script.name}")
    else:
        cpu_line = f"{_full_run(cpu)} (the lesson's recorded run, results/{script.stem}/metrics.json)."
    if problem:
        gpu_line = f"*no valid run:* {_shown(gpu_run_path(script))} {problem}."
    elif gpu is None:
        gpu_line = f"*not measured:* {NO_GPU}."
    else:
        verdict = "met" if gpu["total_seconds"] < GPU_TARGET_SECONDS else "not met"
        gpu_line = (f"{_full_run(gpu)}; target under {GPU_TARGET_SECONDS} s: {verdict} "
                    f"({_shown(gpu_run_path(script))}).")
    return "\n".join([f"A full {final['module'].EPOCHS}-epoch run of `{script.name}`: training, evaluation and "
                      "saving each epoch's results, from the start of the first epoch to the end of the last "
                      "(the start-up before it, importing PyTorch and putting MNIST on the device, is not counted):",
                      "", f"- CPU: {cpu_line}", f"- CUDA GPU: {gpu_line}"])


def stale_runs(lessons):
    """What is wrong with the final lesson's GPU run, if there is one: a check of `python -m tools.docs`."""
    script = lessons[-1]["script"]
    _, problem = gpu_run(script)
    if problem is None:
        return []
    folder = _shown(gpu_run_path(script).parent)
    return [f"{folder}/metrics.json {problem}: run `make benchmark-cuda` again on a machine with a CUDA GPU, "
            f"or `git rm -r {folder}`"]


def profile():
    p = _load("profile.json")
    if p is None:
        return _missing("python -m benchmarks.profile_step --json results/benchmark/profile.json")
    lines = [f"`{p['script']}` on the {p['device']} ({p['threads']} threads), batch {p['batch_size']}: "
             f"**{p['step_ms']:.1f} ms** per training step (the sum of its phases' medians over {p['steps']} steps).",
             "",
             "| phase | ms | share |", "|---|---:|---:|"]
    for phase, ms in p["phases_ms"].items():
        lines.append(f"| {phase} | {ms:.1f} | {ms / p['step_ms']:.0%} |")
    if p["step_ms_without_dropout"]:
        share = 1 - p["step_ms_without_dropout"] / p["step_ms"]
        lines += ["", f"With every Dropout replaced by Identity the same step takes "
                      f"{p['step_ms_without_dropout']:.1f} ms (the two networks took their steps in turn): "
                      f"**Dropout's random masks cost {share:.0%} of the step**."]
    lines += ["", f"| operator (torch.profiler, {p['operators_timed_by']}) | share | calls |", "|---|---:|---:|"]
    lines += [f"| `{o['op']}` | {o['share']:.1%} | {o['calls']} |" for o in p["top_operators"]]
    return "\n".join(lines)


def variants():
    v = _load("variants.json")
    if v is None:
        return _missing("python -m benchmarks.variants --json results/benchmark/variants.json")
    base = v["rows"][0]["images_per_second"]["median"]
    lines = [f"`{v['script']}`, CPU with {v['threads']} threads, torch {v['torch']}; training images per second, "
             f"median (min–max) of {v['repeats']} repetitions of {v['steps']} steps:", "",
             "| variant | images / s | vs. as run |", "|---|---:|---:|"]
    for row in v["rows"]:
        r = row["images_per_second"]
        if r is None:
            lines.append(f"| {row['variant']} | – | – |")
            continue
        lines.append(f"| {row['variant']} | {r['median']:,.0f} ({r['min']:,.0f}–{r['max']:,.0f}) | "
                     f"×{r['median'] / base:.2f} |")
    return "\n".join(lines)


def benchmark(name):
    b = _load(name)
    if b is None:
        if name == "cuda.json":
            return f"*Not measured:* {NO_GPU}."
        return _missing(f"python -m benchmarks.benchmark --json results/benchmark/{name}")
    from benchmarks.benchmark import render_markdown

    return render_markdown(b).strip()


def blocks(lessons):
    return {"benchmark_cpu": benchmark("cpu.json"), "benchmark_cuda": benchmark("cuda.json"),
            "profile": profile(), "variants": variants(), "wall": wall_time(lessons), "growth": growth(lessons)}
