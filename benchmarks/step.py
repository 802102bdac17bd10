"""Where the final lesson's training step spends its time, and what might make it faster (the CPU).

    python -m benchmarks.step --out results/benchmark     # profile.json, variants.json: about 1.5 minutes
    python -m benchmarks.step --quick --no-compile        # a smoke check, seconds; writes nothing

profile   the step in its phases (the next batch with its augmentation,
          forward, backward, the optimizer's step), the median of each over
          the timed steps; the same step with every Dropout swapped for
          Identity, the two networks taking their steps in turn so that a busy
          moment of the machine falls on both, which isolates what Dropout's
          random masks cost; the top operators by self CPU time (torch.profiler).
variants  training images per second as the lessons run it, with channels-last
          memory format, with torch.compile, without Dropout (its cost, not an
          option) and at other batch sizes: rounds in which every variant takes
          its steps in turn; median and range over the rounds.

Both take their steps through Stepper, this repository's path (common.loader's
batches, the lesson's SGD) with each phase timed.
"""
import argparse
import copy
import functools
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

from common import paths
from common.cli import EXIT_OK
from common.loader import forever, mnist_batches
from common.environment import cpu_model
from common.files import write_json
from course.lessons import load_module

SCRIPT = "code10_lr_schedule.py"
PHASES = ("batch", "forward", "backward", "step")
FULL = dict(profile_steps=50, warmup=5, variant_steps=30, repeats=3, images=None)
QUICK = dict(profile_steps=2, warmup=1, variant_steps=2, repeats=2, images=1_024)
SEED = 1


class Stepper:
    """SGD steps of ``model`` on endless ``batches``, the lesson's optimizer, each step timed phase by phase."""

    def __init__(self, model, lesson, batches, channels_last=False):
        self.model, self.batches, self.channels_last = model.train(), forever(batches), channels_last
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
        self.images = 0

    def __call__(self):
        """One step; the seconds of each phase."""
        marks = [time.perf_counter()]
        data, target = next(self.batches)
        if self.channels_last:
            data = data.contiguous(memory_format=torch.channels_last)
        marks.append(time.perf_counter())
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.nll_loss(self.model(data), target)
        marks.append(time.perf_counter())
        loss.backward()
        marks.append(time.perf_counter())
        self.optimizer.step()
        marks.append(time.perf_counter())
        self.images += len(target)
        return dict(zip(PHASES, (b - a for a, b in zip(marks, marks[1:]))))

    def rate(self, steps):
        """Training images per second over the next ``steps`` steps."""
        before = self.images
        seconds = sum(sum(self().values()) for _ in range(steps))
        return (self.images - before) / seconds


def without_dropout(model):
    """A copy of ``model`` with every Dropout replaced by Identity."""
    clone = copy.deepcopy(model)
    for module in list(clone.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.Dropout):
                setattr(module, name, nn.Identity())
    return clone


def step_profile(lesson, batches, s):
    torch.manual_seed(SEED)
    model = lesson.Net()
    steppers = [Stepper(model, lesson, batches), Stepper(without_dropout(model), lesson, batches)]
    ms = [{p: [] for p in PHASES} for _ in steppers]
    for i in range(s["warmup"] + s["profile_steps"]):
        for stepper, times in zip(steppers, ms):
            for phase, seconds in stepper().items():
                if i >= s["warmup"]:
                    times[phase].append(1000 * seconds)
    phases, plain = ({p: statistics.median(v) for p, v in times.items()} for times in ms)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(min(s["profile_steps"], 20)):
            steppers[0]()
    events = sorted((e for e in prof.key_averages() if e.key.startswith("aten::")),
                    key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in events)
    return {"script": Path(SCRIPT).stem, "device": "cpu", "torch": torch.__version__, "processor": cpu_model(),
            "threads": torch.get_num_threads(), "batch_size": lesson.BATCH_SIZE, "steps": s["profile_steps"],
            "phases_ms": phases, "step_ms": sum(phases.values()), "step_ms_without_dropout": sum(plain.values()),
            "operators_timed_by": "self CPU time",
            "top_operators": [{"op": e.key, "share": e.self_cpu_time_total / total, "calls": e.count}
                              for e in events[:10]]}


def variants(lesson, batches_of, s, compile_=True):
    def net():
        torch.manual_seed(SEED)
        return lesson.Net()

    bs = lesson.BATCH_SIZE
    compiled = "torch.compile (inductor)"
    meters = {"as the lessons run it": Stepper(net(), lesson, batches_of(bs)),
              "channels-last memory format": Stepper(net().to(memory_format=torch.channels_last), lesson,
                                                     batches_of(bs), channels_last=True)}
    if compile_:
        meters[compiled] = Stepper(torch.compile(net()), lesson, batches_of(bs))
    meters["without Dropout (its cost, not an option)"] = Stepper(without_dropout(net()), lesson, batches_of(bs))
    for other in (64, 256, 512):
        meters[f"batch size {other} instead of {bs}"] = Stepper(net(), lesson, batches_of(other))
    rates, failed = {name: [] for name in meters}, {}
    for round_ in range(1 + s["repeats"]):  # round 0 warms up (and builds torch.compile's code)
        for name, stepper in meters.items():
            if name in failed:
                continue
            try:
                rate = stepper.rate(s["warmup"] if round_ == 0 else s["variant_steps"])
            except Exception as err:  # no compiler on this machine: say so instead of stopping
                if name != compiled:
                    raise
                failed[name] = type(err).__name__
                continue
            if round_:
                rates[name].append(rate)
    return {"script": Path(SCRIPT).stem, "threads": torch.get_num_threads(), "torch": torch.__version__,
            "processor": cpu_model(), "steps": s["variant_steps"], "repeats": s["repeats"],
            "rows": [{"variant": f"torch.compile failed: {failed[name]}", "images_per_second": None} if name in failed
                     else {"variant": name, "images_per_second": {"median": statistics.median(r), "min": min(r),
                                                                  "max": max(r)}} for name, r in rates.items()]}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.step", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write profile.json and variants.json into this folder")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA, help="where MNIST's raw files are")
    parser.add_argument("--no-compile", action="store_true", help="leave torch.compile out (its build takes a minute)")
    parser.add_argument("--quick", action="store_true", help="a few steps on 1,024 images: a smoke check")
    args = parser.parse_args(argv)
    s = QUICK if args.quick else FULL
    lesson = load_module(SCRIPT)

    @functools.lru_cache(maxsize=None)
    def batches_of(size):
        return mnist_batches(args.data_dir, True, size, lesson.TRAIN_TRANSFORMS, torch.device("cpu"),
                             limit=s["images"], generator=torch.Generator().manual_seed(SEED))

    p = step_profile(lesson, batches_of(lesson.BATCH_SIZE), s)
    print(f"{SCRIPT}, batch {p['batch_size']}: {p['step_ms']:.1f} ms per step ("
          + ", ".join(f"{k} {v:.1f}" for k, v in p["phases_ms"].items())
          + f"); without Dropout {p['step_ms_without_dropout']:.1f} ms")
    v = variants(lesson, batches_of, s, compile_=not args.no_compile)
    for row in v["rows"]:
        r = row["images_per_second"]
        print(f"  {row['variant']:<45}" + (f"{r['median']:9,.0f} images/s" if r else ""))
    if args.out:
        write_json(args.out / "profile.json", p)
        write_json(args.out / "variants.json", v)
        print(f"written to {args.out}/profile.json and variants.json")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
