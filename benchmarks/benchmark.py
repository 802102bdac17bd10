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

benchmarks/measurement.py holds the two pipelines and the timing; this file,
the settings, the command line and the JSON.
"""
import argparse
import datetime
import shlex
import statistics
import sys
from pathlib import Path

import torch

from common import paths
from common.cli import EXIT_OK, number
from common.data import require_mnist
from common.environment import environment
from common.loader import TEST_BATCH_SIZE
from common.model_info import count_parameters, macs_per_image
from common.files import write_json
from common.runtime import device_problem
from course.lessons import BENCHMARK_SCHEMA as SCHEMA, load_module

from .measurement import NETS, PIPELINES, in_own_process, measure_peak

STEPS = {"final": 40, "baseline": 8}  # timed steps per repetition: 1-2 s and 3-4 s on a 2-core CPU
FULL = dict(warmup=3, repeats=3, train_images=None, eval_images=10_000, peak_trials=5)
QUICK = dict(warmup=1, repeats=2, train_images=1_280, eval_images=TEST_BATCH_SIZE, peak_trials=2, steps=2)


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
    parser.add_argument("--data-dir", type=Path, default=paths.DATA, help="where MNIST's raw files are (or go)")
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
