"""Things one might try to make a training step faster, each measured.

    python -m benchmarks.variants --json results/benchmark/variants.json

For the final lesson's network on this repository's own path: training
images per second as the lessons run it, then with channels-last memory
format, with torch.compile, with Dropout's masks removed (to show their cost,
not as an option), and at other batch sizes. Median of several repetitions
after warm-up, the variants taking their turns round by round; the same seed
everywhere.
"""
import argparse
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from common.cli import number
from common.data import DataError, ensure_mnist
from common.loader import forever, mnist_batches
from common.results import write_json
from tools.lessons import load_module, resolve

from .profile_step import without_dropout


def rate_meter(model, lesson, batch_size, steps, warmup, seed, channels_last=False):
    """A function that times ``steps`` training steps of ``model`` after ``warmup`` untimed
    ones, and returns images per second; each call goes on where the last one stopped."""
    gen = torch.Generator().manual_seed(seed)
    source = forever(mnist_batches("data", True, batch_size, lesson.TRAIN_TRANSFORMS, torch.device("cpu"),
                                   generator=gen))
    opt = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    model.train()

    def step():
        data, target = next(source)
        if channels_last:
            data = data.contiguous(memory_format=torch.channels_last)
        opt.zero_grad(set_to_none=True)
        F.nll_loss(model(data), target).backward()
        opt.step()

    def measure():
        for _ in range(warmup):
            step()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        return steps * batch_size / (time.perf_counter() - start)

    return measure


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lesson", default="10")
    parser.add_argument("--steps", type=number(minimum=1), default=30)
    parser.add_argument("--warmup", type=number(minimum=0), default=5)
    parser.add_argument("--repeats", type=number(minimum=1), default=3)
    parser.add_argument("--seed", type=number(minimum=0), default=1)
    parser.add_argument("--no-compile", action="store_true", help="skip torch.compile (slow to build)")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    script = resolve(args.lesson)
    lesson = load_module(script)
    try:
        ensure_mnist("data", log=lambda *_: None)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    def fresh():
        torch.manual_seed(args.seed)
        return lesson.Net()

    common = dict(steps=args.steps, warmup=args.warmup, seed=args.seed)
    bs = lesson.BATCH_SIZE
    compiled = "torch.compile (inductor)"
    meters = [("as the lessons run it", rate_meter(fresh(), lesson, bs, **common)),
              ("channels-last memory format", rate_meter(fresh().to(memory_format=torch.channels_last), lesson, bs,
                                                         channels_last=True, **common))]
    if not args.no_compile:
        meters.append((compiled, rate_meter(torch.compile(fresh()), lesson, bs, **common)))
    meters.append(("without Dropout (its cost, not an option)", rate_meter(without_dropout(fresh()), lesson, bs,
                                                                           **common)))
    meters += [(f"batch size {other} instead of {bs}", rate_meter(fresh(), lesson, other, **common))
               for other in (64, 256, 512)]

    # Round by round, every variant in turn, so that a slow moment of a shared machine
    # falls on all of them rather than on whichever was being measured.
    rates, failed = {name: [] for name, _ in meters}, {}
    for _ in range(args.repeats):
        for name, measure in meters:
            if name in failed:
                continue
            try:
                rates[name].append(measure())
            except Exception as err:  # torch.compile builds at the first step: no compiler here, say so
                if name != compiled:
                    raise
                failed[name] = type(err).__name__
    rows = [(f"torch.compile failed: {failed[name]}", None) if name in failed else
            (name, {"median": statistics.median(r), "min": min(r), "max": max(r)}) for name, r in rates.items()]

    base = rows[0][1]["median"]
    print(f"{script.name}, CPU with {torch.get_num_threads()} threads, training images per second "
          f"(median of {args.repeats} x {args.steps} steps):")
    for name, r in rows:
        print(f"  {name:<45}" + (f"{r['median']:9.0f}   x{r['median'] / base:4.2f}" if r else "   -"))
    if args.json:
        write_json(args.json, {"script": script.stem, "threads": torch.get_num_threads(), "torch": torch.__version__,
                               "steps": args.steps, "repeats": args.repeats,
                               "rows": [{"variant": n, "images_per_second": r} for n, r in rows]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
