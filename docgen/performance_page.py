"""Blocks of docs/performance.md: the JSON that benchmarks/ writes to results/benchmark/ and the lessons' runs.

The flow goes one way: the benchmarks write JSON, this reads it; nothing here imports benchmarks/.
"""
import json
import statistics

from common import paths
from course.lessons import BENCHMARK_SCHEMA as SCHEMA, recorded
from course.summary import markdown_table

from . import tables, timing

BENCH = paths.RESULTS / "benchmark"
GPU_TARGET_SECONDS = 15  # a full run of the final lesson on a CUDA GPU, the course's speed target
TRAIN_IMAGES = 60_000
NOT_ON_GPU = "*Not yet measured on a GPU:* `make benchmark-cuda` measures it."
PIPELINES = {"usual": "usual", "ours": "common/"}


def _load(name):
    path = BENCH / name
    return json.loads(path.read_text()) if path.exists() else None


def _missing(command):
    return f"*Not measured yet:* `{command}`."


def _num(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _range(median, low, high):
    """A measured figure and its spread, written the one way the page writes them: 3,087 (3,010–3,403)."""
    return f"{_num(median)} ({_num(low)}–{_num(high)})"


def spread(values):
    return _range(statistics.median(values), min(values), max(values))


def _plural(n, word):
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _flops(x):
    for unit, scale in (("TFLOP", 1e12), ("GFLOP", 1e9), ("MFLOP", 1e6), ("kFLOP", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g} FLOP"


def growth(lessons):
    columns = [tables.NUMBER, tables.TITLE, tables.PARAMETERS, tables.MACS, tables.SECONDS, tables.MACHINE]
    return tables.lesson_table(lessons, columns, "*MACs / image*: multiply-accumulates of one forward pass over "
                                                 "one image, counted from the network's layers by "
                                                 "`common/model_info.py`. " + timing.seconds_note(lessons))


def _full_run(m):
    env = m["environment"]
    started = f", started {m['started_at']}" if "started_at" in m else ""
    return (f"**{m['total_seconds']:.0f} s** ({m['total_seconds'] / 60:.1f} minutes) on {env['device_name']}, "
            f"{env['processor']}, {env['platform']}, torch {env['torch']}{started}")


def wall_time(lessons):
    """A full run of the final lesson: its recorded CPU run, and the one `make benchmark-cuda` makes, if any."""
    final = lessons[-1]
    script = final.script
    cpu = recorded(script)
    gpu_folder = f"results/benchmark/{script.stem}_cuda"
    gpu = recorded(script, BENCH / f"{script.stem}_cuda" / "metrics.json")
    if cpu is None:
        cpu_line = _missing(f"python {script.name} --record")
    else:
        cpu_line = f"{_full_run(cpu)} (the lesson's recorded run, results/{script.stem}/metrics.json)."
    if gpu is None:
        gpu_line = "*not yet measured:* `make benchmark-cuda` measures it."
    else:
        verdict = "met" if gpu["total_seconds"] < GPU_TARGET_SECONDS else "not met"
        gpu_line = f"{_full_run(gpu)}; target under {GPU_TARGET_SECONDS} s: {verdict} ({gpu_folder}/metrics.json)."
    return "\n".join([f"A full {final.module.EPOCHS}-epoch run of `{script.name}`: training, evaluation and "
                      "saving each epoch's results, from the start of the first epoch to the end of the last "
                      "(the start-up before it, importing PyTorch and putting MNIST on the device, is not counted):",
                      "", f"- CPU: {cpu_line}", f"- CUDA GPU: {gpu_line}"])


def _net_table(name, net, b):
    """One network's figures: a row per measure, a column per pipeline."""
    usual, ours = net["usual"], net["ours"]
    train_flops = 6 * net["macs_per_image"]  # forward 2 FLOPs per MAC; the backward pass about twice the forward

    def row(label, figure, show=spread):
        u, o = figure(usual), figure(ours)
        if None in (u, o):
            return []
        return [[label, show(u), show(o), f"×{statistics.median(o) / statistics.median(u):.2f}"]]

    def peak_share(p):
        return [100 * train_flops * statistics.median(p["train_images_per_s"]) / b["peak"]["flops_per_s"]]

    def one(key):
        return lambda p: None if p[key] is None else [p[key]]

    lines = [f"**{name} network** (`{net['lesson']}`): {net['parameters']:,} parameters, "
             f"{_flops(2 * net['macs_per_image'])} per image forward, batch {net['batch_size']}, "
             f"{_plural(net['steps'], 'timed step')} per repetition", ""]
    rows = [*row("training images / s", lambda p: p["train_images_per_s"]),
            *row(f"s / epoch ({TRAIN_IMAGES:,} images)", lambda p: [TRAIN_IMAGES / x for x in p["train_images_per_s"]]),
            *row(f"evaluation s ({b['settings']['eval_images']:,} images)", lambda p: p["eval_seconds"]),
            *row("% of device peak", peak_share, lambda v: f"{_num(v[0])}%"),
            *row("peak RSS, MiB", one("max_rss_mib"), lambda v: f"{v[0]:,.0f}"),
            *row("peak GPU memory, MiB", one("cuda_max_allocated_mib"), lambda v: f"{v[0]:,.0f}")]
    return lines + [markdown_table(["", *PIPELINES.values(), "common/ ÷ usual"], "lrrr", rows)]


def benchmark(name):
    """cpu.json or cuda.json as Markdown: how it was measured, one table per network, what the figures mean."""
    b = _load(name)
    make = "make benchmark-cuda" if name == "cuda.json" else "make benchmark"
    if b is None:
        return NOT_ON_GPU if name == "cuda.json" else _missing(make)
    if b.get("schema") != SCHEMA:
        return f"*Measured by an earlier version of the benchmark:* `{make}` measures it again."
    env, s, peak = b["environment"], b["settings"], b["peak"]
    quick = " (--quick: a smoke check, not figures to report)" if s["quick"] else ""
    out = [f"Measured on {b['date'][:10]} with `{b['command']}`{quick}: {env['device_name']}, {env['processor']}, "
           f"torch {env['torch']}, torchvision {env['torchvision']}, Python {env['python']}, {env['platform']}.",
           "",
           f"Device peak: **{_flops(peak['flops_per_s'])}/s**, the faster of a {peak['matmul']} float32 matmul "
           f"({_flops(peak['matmul_flops_per_s'])}/s) and a 3x3 convolution of {peak['convolution']} "
           f"({_flops(peak['convolution_flops_per_s'])}/s), each the best of {peak['trials']}.",
           "",
           f"Every figure is the median (min–max) of {_plural(s['repeats'], 'repetition')}, after "
           f"{_plural(s['warmup'], 'warm-up step')}; each network and pipeline ran in a process of its own, with "
           f"{_plural(env['threads'], 'torch thread')}.", ""]
    for net_name, net in b["nets"].items():
        out += _net_table(net_name, net, b) + [""]
    pin = ", pin_memory=True" if s["device"] == "cuda" else ""
    out += [f"- *usual*: what pytorch/examples' MNIST script does: `torchvision.datasets.MNIST` with the lesson's "
            f"`transforms.Compose` on one PIL image at a time, `DataLoader(shuffle=True, num_workers={s['workers']}"
            f"{pin})`, that script's training and test loops.",
            "- *common/*: this repository's path: the dataset on the device once, the same transforms on whole "
            "batches (`common.loader.mnist_batches`), `common.engine.train` and `test`.",
            f"- *s / epoch*: {TRAIN_IMAGES:,} ÷ training images per second, the training steps alone.",
            "- *% of device peak*: 6 × the multiply-accumulates per image (2 FLOPs each forward, about twice as "
            "many backward) × training images per second ÷ the device peak. BatchNorm, ReLU, pooling, Dropout "
            "and the optimizer are not counted; the peak is measured with PyTorch's default precision settings, "
            "the ones the training runs with.",
            "- *peak RSS*: the process's largest resident memory (`getrusage`), importing PyTorch included; a "
            "DataLoader worker's own memory is not counted."
            + (" *Peak GPU memory*: `torch.cuda.max_memory_allocated`." if s["device"] == "cuda" else "")]
    return "\n".join(out)


def _cpu(record):
    """The processor of a benchmarks.step record and its threads; older records do not name the processor."""
    if not record.get("processor"):
        return f"{record['threads']} CPU threads (this record does not name its processor)"
    return f"{timing.processor_name(record)} ({record['threads']} threads)"


def profile():
    p = _load("profile.json")
    if p is None:
        return _missing("python -m benchmarks.step --out results/benchmark")
    phases = [[phase, f"{ms:.1f}", f"{ms / p['step_ms']:.0%}"] for phase, ms in p["phases_ms"].items()]
    lines = [f"`{p['script']}` on {_cpu(p)}, batch {p['batch_size']}: "
             f"**{p['step_ms']:.1f} ms** per training step (the sum of its phases' medians over {p['steps']} steps).",
             "", markdown_table(["phase", "ms", "share"], "lrr", phases)]
    if p["step_ms_without_dropout"]:
        share = 1 - p["step_ms_without_dropout"] / p["step_ms"]
        lines += ["", f"With every Dropout replaced by Identity the same step takes "
                      f"{p['step_ms_without_dropout']:.1f} ms (the two networks took their steps in turn): "
                      f"**Dropout's random masks cost {share:.0%} of the step**."]
    lines += ["", markdown_table([f"operator (torch.profiler, {p['operators_timed_by']})", "share", "calls"], "lrr",
                                 [[f"`{o['op']}`", f"{o['share']:.1%}", o["calls"]] for o in p["top_operators"]])]
    return "\n".join(lines)


def variants():
    v = _load("variants.json")
    if v is None:
        return _missing("python -m benchmarks.step --out results/benchmark")
    base = v["rows"][0]["images_per_second"]["median"]
    lines = [f"`{v['script']}` on {_cpu(v)}, torch {v['torch']}; training images per second, "
             f"median (min–max) of {v['repeats']} repetitions of {v['steps']} steps:", ""]
    rows = []
    for row in v["rows"]:
        speed = row["images_per_second"]
        rows.append([row["variant"], "–", "–"] if speed is None else [
            row["variant"], _range(speed["median"], speed["min"], speed["max"]), f"×{speed['median'] / base:.2f}"])
    return "\n".join(lines + [markdown_table(["variant", "images / s", "vs. as run"], "lrr", rows)])


def blocks(lessons):
    return {"benchmark_cpu": benchmark("cpu.json"), "benchmark_cuda": benchmark("cuda.json"),
            "profile": profile(), "variants": variants(), "wall": wall_time(lessons), "growth": growth(lessons)}
