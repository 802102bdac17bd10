"""Where a training step's time goes, on this repository's own path.

    python -m benchmarks.profile_step                      # final lesson, CPU
    python -m benchmarks.profile_step --lesson 5 --json results/benchmark/profile.json

Three views of the same step: wall time per phase (next batch with its
augmentation, forward, backward, optimizer step); the top operators by self
time from torch.profiler; and an ablation, the step with every Dropout swapped
for Identity, which isolates what Dropout's random masks cost.
"""
import argparse
import copy
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

from common.cli import number
from common.data import DataError, ensure_mnist
from common.loader import forever, mnist_batches
from common.results import write_json
from common.runtime import pick_device, sync
from tools.lessons import load_module, resolve

PHASES = ("batch", "forward", "backward", "step")


def batches_forever(lesson, device, seed):
    gen = torch.Generator(device=device).manual_seed(seed)
    return forever(mnist_batches("data", True, lesson.BATCH_SIZE, lesson.TRAIN_TRANSFORMS, device, generator=gen))


def time_phases(model, lesson, device, steps, warmup, seed):
    """Median milliseconds of each phase of a training step."""
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    model.train()
    source = batches_forever(lesson, device, seed)
    times = {p: [] for p in PHASES}
    for i in range(warmup + steps):
        marks = [time.perf_counter()]
        data, target = next(source)
        sync(device)
        marks.append(time.perf_counter())
        opt.zero_grad(set_to_none=True)
        loss = F.nll_loss(model(data), target)
        sync(device)
        marks.append(time.perf_counter())
        loss.backward()
        sync(device)
        marks.append(time.perf_counter())
        opt.step()
        sync(device)
        marks.append(time.perf_counter())
        if i >= warmup:
            for p, a, b in zip(PHASES, marks, marks[1:]):
                times[p].append((b - a) * 1000)
    return {p: statistics.median(v) for p, v in times.items()}


def top_operators(model, lesson, device, steps, seed, limit=10):
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    source = batches_forever(lesson, device, seed)
    for _ in range(3):  # warm-up outside the profile
        data, target = next(source)
        opt.zero_grad(set_to_none=True)
        F.nll_loss(model(data), target).backward()
        opt.step()
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with profile(activities=activities) as prof:
        for _ in range(steps):
            data, target = next(source)
            opt.zero_grad(set_to_none=True)
            F.nll_loss(model(data), target).backward()
            opt.step()
        sync(device)
    events = [e for e in prof.key_averages() if e.key.startswith("aten::")]
    total = sum(e.self_cpu_time_total for e in events)
    events.sort(key=lambda e: e.self_cpu_time_total, reverse=True)
    return [{"op": e.key, "share": e.self_cpu_time_total / total, "calls": e.count} for e in events[:limit]]


def without_dropout(model):
    clone = copy.deepcopy(model)
    for name, module in list(clone.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Dropout):
                setattr(module, child_name, nn.Identity())
    return clone


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lesson", default="10", help="lesson number or script (default: the final lesson)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--steps", type=number(minimum=1), default=40)
    parser.add_argument("--warmup", type=number(minimum=0), default=5)
    parser.add_argument("--seed", type=number(minimum=0), default=1)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA GPU is available on this machine")
    script = resolve(args.lesson)
    lesson = load_module(script)
    device = pick_device(args.device)
    try:
        ensure_mnist("data", log=lambda *_: None)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    torch.manual_seed(args.seed)
    model = lesson.Net().to(device)

    phases = time_phases(model, lesson, device, args.steps, args.warmup, args.seed)
    has_dropout = any(isinstance(m, nn.Dropout) for m in model.modules())
    plain = time_phases(without_dropout(model), lesson, device, args.steps, args.warmup, args.seed) \
        if has_dropout else None
    ops = top_operators(model, lesson, device, min(args.steps, 20), args.seed)

    step_ms = sum(phases.values())
    print(f"{script.name} on {device.type}, batch {lesson.BATCH_SIZE}: {step_ms:.1f} ms per training step (median)")
    for p in PHASES:
        print(f"  {p:<9}{phases[p]:7.1f} ms  {phases[p] / step_ms:6.1%}")
    if plain:
        plain_ms = sum(plain.values())
        print(f"  the same step with Dropout replaced by Identity: {plain_ms:.1f} ms "
              f"(Dropout costs {1 - plain_ms / step_ms:.0%} of the step)")
    print("top operators by self CPU time:")
    for o in ops:
        print(f"  {o['op']:<40}{o['share']:7.1%}  ({o['calls']} calls)")
    if args.json:
        write_json(args.json, {
            "script": script.stem, "device": device.type, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "batch_size": lesson.BATCH_SIZE, "steps": args.steps,
            "phases_ms": phases, "step_ms": step_ms,
            "step_ms_without_dropout": sum(plain.values()) if plain else None, "top_operators": ops,
        })
    return 0


if __name__ == "__main__":
    sys.exit(main())
