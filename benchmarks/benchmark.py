"""The usual MNIST pipeline against this repository's, side by side, on one device.

    python -m benchmarks.benchmark --json results/benchmark/cpu.json    # about 3 minutes on an idle 2-core CPU
    python -m benchmarks.benchmark --device cuda --json results/benchmark/cuda.json
    python -m benchmarks.benchmark --quick --nets final                  # a smoke check, about 15 seconds

Two networks, the final lesson's (code10_lr_schedule.py) and the baseline's
(code01_setup.py), each with its lesson's batch size, SGD settings, transforms
and seed, train and evaluate through two pipelines:

usual  what pytorch/examples' MNIST script does: torchvision.datasets.MNIST,
       the lesson's transforms.Compose on one PIL image at a time, a
       DataLoader (shuffled; on a GPU num_workers=1 and pin_memory=True, on the
       CPU no workers, as that script sets them), its training loop (the loss
       read back every 10 batches) and its test loop.
ours   common/: the dataset on the device once (common.loader.mnist_batches),
       the same transforms on whole batches, common.engine.train and test.

Each (network, pipeline) runs in a fresh process, so that its peak memory is
its own (the process's maximum RSS; on a GPU also torch.cuda.max_memory_allocated):
warm-up steps, then REPEATS timed runs of STEPS training steps (images per
second) and REPEATS evaluations of the 10,000 test images (seconds). First the
device's float32 peak is measured: the faster of a large matmul and a large 3x3
convolution, each the best of a few, with PyTorch's default precision settings,
the ones the training runs with. Everything goes to one JSON file, which
docgen/performance_page.py renders into docs/performance.md; this prints one
line per measurement and asserts nothing about speed.

Expected time on an idle 2-core CPU: about 3 minutes, two of them the baseline
network's evaluations (some 18 s for 10,000 images); `make benchmark`, which
then runs benchmarks/step.py and docgen.docs, about 5 minutes in all.

torch uses every core: on a machine that is busy with other work every figure
drops, so measure an idle one (or pass --threads 1 and say so).
"""
import argparse
import datetime
import itertools
import multiprocessing
import shlex
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import optim
from torch.utils.data import DataLoader, Subset
from torchvision import datasets

from common.cli import EXIT_OK, number
from common.data import require_mnist
from common.environment import environment
from common.engine import test, train
from common.loader import TEST_BATCH_SIZE, forever, mnist_batches
from common.model_info import count_parameters, macs_per_image
from common.files import write_json
from common.runtime import device_problem, seed_everything, sync
from tools.lessons import BENCHMARK_SCHEMA as SCHEMA, ROOT, load_module

try:
    import resource
except ImportError:  # Windows: no getrusage, no RSS figure
    resource = None
RSS_UNIT = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss is in bytes on macOS, KiB on Linux

NETS = {"final": "code10_lr_schedule.py", "baseline": "code01_setup.py"}
STEPS = {"final": 40, "baseline": 8}  # timed steps per repetition: 1-2 s and 3-4 s on a 2-core CPU
FULL = dict(warmup=3, repeats=3, train_images=None, eval_images=10_000, peak_trials=5)
QUICK = dict(warmup=1, repeats=2, train_images=1_280, eval_images=TEST_BATCH_SIZE, peak_trials=2, steps=2)
PEAK_SHAPES = {"cpu": (2048, (8, 256, 28)), "cuda": (8192, (64, 256, 56))}  # matmul n; conv batch, channels, size


def timed(device, fn):
    """Seconds that ``fn()`` takes, queued GPU work included."""
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


class Steps:
    """The next ``n`` batches of an endless stream, with the len() that common.engine.train wants; counts images."""

    def __init__(self, stream, n):
        self.stream, self.n, self.images = stream, n, 0

    def __len__(self):
        return self.n

    def __iter__(self):
        for data, target in itertools.islice(self.stream, self.n):
            self.images += len(target)
            yield data, target


def examples_train(model, device, batches, optimizer, log_interval=10):
    """pytorch/examples' MNIST training loop, its printing left out (not its reading the loss back)."""
    model.train()
    for batch_idx, (data, target) in enumerate(batches):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % log_interval == 0:
            loss.item()


@torch.no_grad()
def examples_test(model, device, batches):
    """pytorch/examples' MNIST test loop, its printing left out."""
    model.eval()
    test_loss, correct = 0.0, 0
    for data, target in batches:
        data, target = data.to(device), target.to(device)
        output = model(data)
        test_loss += F.nll_loss(output, target, reduction="sum").item()
        pred = output.argmax(dim=1, keepdim=True)
        correct += pred.eq(target.view_as(pred)).sum().item()
    return test_loss, correct


def usual(lesson, spec, device):
    """Training batches, test batches, train(steps) and evaluate(batches), as pytorch/examples sets them up."""
    torch.manual_seed(spec["seed"])
    train_set = datasets.MNIST(spec["data_dir"], train=True, transform=lesson.TRAIN_TRANSFORMS)
    test_set = datasets.MNIST(spec["data_dir"], train=False, transform=lesson.TEST_TRANSFORMS)
    train_set = Subset(train_set, range(spec["train_images"] or len(train_set)))
    test_set = Subset(test_set, range(spec["eval_images"]))
    kwargs = dict(num_workers=spec["workers"], pin_memory=device.type == "cuda")
    model = lesson.Net().to(device)
    optimizer = optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    return (DataLoader(train_set, batch_size=lesson.BATCH_SIZE, shuffle=True, **kwargs),
            DataLoader(test_set, batch_size=TEST_BATCH_SIZE, **kwargs),
            lambda steps: examples_train(model, device, steps, optimizer),
            lambda batches: examples_test(model, device, batches))


def ours(lesson, spec, device):
    """The same four things the way every lesson runs: common.loader, common.engine."""
    generator = seed_everything(spec["seed"], device)
    train_batches = mnist_batches(spec["data_dir"], True, lesson.BATCH_SIZE, lesson.TRAIN_TRANSFORMS, device,
                                  limit=spec["train_images"], generator=generator)
    test_batches = mnist_batches(spec["data_dir"], False, TEST_BATCH_SIZE, lesson.TEST_TRANSFORMS, device,
                                 limit=spec["eval_images"])
    model = lesson.Net().to(device)
    optimizer = optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    return (train_batches, test_batches,
            lambda steps: train(model, device, steps, optimizer, 1, show_progress=False),
            lambda batches: test(model, device, batches))


PIPELINES = {"usual": usual, "ours": ours}


def measure(spec):
    """One (network, pipeline): training images/s and evaluation seconds of every repetition, and peak memory."""
    device = torch.device(spec["device"])
    torch.set_num_threads(spec["threads"])
    lesson = load_module(NETS[spec["net"]])
    train_batches, test_batches, train_steps, evaluate = PIPELINES[spec["pipeline"]](lesson, spec, device)
    stream = forever(train_batches)
    train_steps(Steps(stream, spec["warmup"]))
    images_per_s = []
    for _ in range(spec["repeats"]):
        steps = Steps(stream, spec["steps"])
        seconds = timed(device, lambda: train_steps(steps))
        images_per_s.append(steps.images / seconds)
    evaluate(itertools.islice(test_batches, 1))  # warm-up: the kernels for batches of 1,000
    eval_seconds = [timed(device, lambda: evaluate(test_batches)) for _ in range(spec["repeats"])]
    cuda = device.type == "cuda"
    return {"train_images_per_s": images_per_s, "eval_seconds": eval_seconds,
            "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / RSS_UNIT if resource else None,
            "cuda_max_allocated_mib": torch.cuda.max_memory_allocated(device) / 2**20 if cuda else None}


def in_own_process(spec):
    """measure(spec) in a fresh interpreter, so that the peak memory is this configuration's alone."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure, spec).result()


def measure_peak(device, trials):
    """The device's float32 FLOP/s at its best: the faster of a large matmul and a large 3x3 convolution."""
    n, (batch, channels, size) = PEAK_SHAPES[device.type]
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    x = torch.randn(batch, channels, size, size, device=device)
    w = torch.randn(channels, channels, 3, 3, device=device)
    kernels = {"matmul": (2 * n**3, lambda: a @ b),
               "convolution": (2 * batch * channels**2 * 9 * (size - 2) ** 2, lambda: F.conv2d(x, w))}
    best = {}
    for name, (flops, run) in kernels.items():
        run()  # warm-up: library start-up, the choice of kernel
        best[name] = flops / min(timed(device, run) for _ in range(trials))
    return {"flops_per_s": max(best.values()), "matmul_flops_per_s": best["matmul"],
            "convolution_flops_per_s": best["convolution"], "trials": trials, "matmul": f"{n}x{n}",
            "convolution": f"{batch} images of {size}x{size}, {channels} channels in and out"}


def run_benchmark(settings, log=print):
    """Measure what ``settings`` asks for; the figures as one JSON-ready dict."""
    device = torch.device(settings["device"])
    torch.set_num_threads(settings["threads"])
    log(f"device peak: best of {settings['peak_trials']} float32 matmuls and 3x3 convolutions")
    results = {"schema": SCHEMA, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "command": settings["command"], "environment": {**environment(device), "threads": settings["threads"]},
               "settings": {k: v for k, v in settings.items() if k not in ("command", "data_dir")},
               "peak": measure_peak(device, settings["peak_trials"]), "nets": {}}
    if device.type == "cuda":
        torch.cuda.empty_cache()
    for net in settings["nets"]:
        lesson = load_module(NETS[net])
        model = lesson.Net()
        steps = settings.get("steps") or STEPS[net]
        figures = {"lesson": NETS[net], "parameters": count_parameters(model), "macs_per_image": macs_per_image(model),
                   "batch_size": lesson.BATCH_SIZE, "steps": steps}
        for pipeline in PIPELINES:
            spec = {**settings, "net": net, "pipeline": pipeline, "steps": steps}
            figures[pipeline] = got = in_own_process(spec)
            log(f"{net} / {pipeline}: training {statistics.median(got['train_images_per_s']):,.0f} images/s, "
                f"evaluation {statistics.median(got['eval_seconds']):.2f} s")
        results["nets"][net] = figures
    return results


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m benchmarks.benchmark", description=__doc__.split("\n\n")[0],
                                     epilog=f"repetitions and steps: {FULL} and {STEPS}; --quick: {QUICK}")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to train (default: cpu)")
    parser.add_argument("--nets", nargs="+", choices=tuple(NETS), default=list(NETS), help="default: both")
    parser.add_argument("--threads", type=number(minimum=1), help="torch's CPU threads (default: torch's choice)")
    parser.add_argument("--workers", type=number(minimum=0),
                        help="the usual pipeline's DataLoader workers (default: pytorch/examples', 1 on a GPU, else 0)")
    parser.add_argument("--seed", type=number(minimum=0), default=1, help="the seed of both pipelines (default: 1)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="where MNIST's raw files are (or go)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument("--quick", action="store_true", help="a few steps on a few images: a smoke check")
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = build_parser().parse_args(argv)
    if args.device == "cuda" and device_problem("cuda"):
        print(f"error: {device_problem('cuda')}", file=sys.stderr)
        return 2
    settings = {**(QUICK if args.quick else FULL), "quick": args.quick, "device": args.device,
                "nets": list(dict.fromkeys(args.nets)), "threads": args.threads or torch.get_num_threads(),
                "workers": args.workers if args.workers is not None else int(args.device == "cuda"),
                "seed": args.seed, "data_dir": str(args.data_dir),
                "command": " ".join(["python -m benchmarks.benchmark", shlex.join(argv)]).strip()}
    require_mnist(args.data_dir, log=lambda msg: print(msg, file=sys.stderr))
    results = run_benchmark(settings)
    if args.json:
        write_json(args.json, results)
        print(f"written to {args.json}; `python -m docgen.docs` puts it into docs/performance.md")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
