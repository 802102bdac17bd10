"""Where a training step's time goes, on this repository's own path.

    python -m benchmarks.profile_step                      # final lesson, CPU
    python -m benchmarks.profile_step --lesson 5 --json results/benchmark/profile.json

Three views of the same step: wall time per phase (next batch with its
augmentation, forward, backward, optimizer step); the top operators by self
time from torch.profiler; and an ablation, the step with every Dropout swapped
for Identity, which isolates what Dropout's random masks cost (the two take
their steps in turn, so that a busy moment of the machine falls on both).
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


def phase_timer(model, lesson, device, seed):
    """A function that takes one training step of ``model`` and returns each phase's milliseconds."""
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    model.train()
    source = batches_forever(lesson, device, seed)

    def step():
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
        return [(b - a) * 1000 for a, b in zip(marks, marks[1:])]

    return step


def time_phases(models, lesson, device, steps, warmup, seed):
    """Median milliseconds of each phase of a training step, for each model. The
    models take their steps in turn, so that all of them meet the same machine:
    on a shared one, two runs one after the other can differ by more than the
    difference being measured."""
    steppers = [phase_timer(model, lesson, device, seed) for model in models]
    times = [{p: [] for p in PHASES} for _ in models]
    for i in range(warmup + steps):
        for step, model_times in zip(steppers, times):
            ms = step()
            if i >= warmup:
                for p, value in zip(PHASES, ms):
                    model_times[p].append(value)
    return [{p: statistics.median(v) for p, v in model_times.items()} for model_times in times]


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
    attr, name = operator_time(device)
    events = [e for e in prof.key_averages() if e.key.startswith("aten::")]
    total = sum(getattr(e, attr) for e in events)
    if total <= 0:
        raise SystemExit(f"error: torch.profiler recorded no {name} for the step's operators")
    events.sort(key=lambda e: getattr(e, attr), reverse=True)
    return [{"op": e.key, "share": getattr(e, attr) / total, "calls": e.count} for e in events[:limit]]


def operator_time(device):
    """The profiler's measure of an operator's own time on ``device``, and its name: on a
    GPU an operator's CPU time is only what launching its kernels costs."""
    return ("self_device_time_total", "self CUDA time") if device.type == "cuda" else \
        ("self_cpu_time_total", "self CPU time")


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
    parser.add_argument("--steps", type=number(minimum=1), default=100)
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

    has_dropout = any(isinstance(m, nn.Dropout) for m in model.modules())
    models = [model, without_dropout(model)] if has_dropout else [model]
    timed = time_phases(models, lesson, device, args.steps, args.warmup, args.seed)
    phases, plain = timed[0], (timed[1] if has_dropout else None)
    ops = top_operators(model, lesson, device, min(args.steps, 20), args.seed)

    step_ms = sum(phases.values())
    print(f"{script.name} on {device.type}, batch {lesson.BATCH_SIZE}: {step_ms:.1f} ms per training step (median)")
    for p in PHASES:
        print(f"  {p:<9}{phases[p]:7.1f} ms  {phases[p] / step_ms:6.1%}")
    if plain:
        plain_ms = sum(plain.values())
        print(f"  the same step with Dropout replaced by Identity: {plain_ms:.1f} ms "
              f"(Dropout costs {1 - plain_ms / step_ms:.0%} of the step)")
    print(f"top operators by {operator_time(device)[1]}:")
    for o in ops:
        print(f"  {o['op']:<40}{o['share']:7.1%}  ({o['calls']} calls)")
    if args.json:
        write_json(args.json, {
            "script": script.stem, "device": device.type, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "batch_size": lesson.BATCH_SIZE, "steps": args.steps,
            "phases_ms": phases, "step_ms": step_ms,
            "step_ms_without_dropout": sum(plain.values()) if plain else None, "top_operators": ops,
            "operators_timed_by": operator_time(device)[1],
        })
    return 0


if __name__ == "__main__":
    sys.exit(main())
