"""What benchmarks/benchmark.py measures: the two pipelines, one (network, pipeline) timed, and the device's peak.

usual  pytorch/examples' MNIST script: torchvision.datasets.MNIST, PIL transforms, a DataLoader, its loops.
ours   common/: the dataset on the device once, batch transforms, common.engine.train and test.

``measure`` runs in a fresh process of its own (``in_own_process``), so that the
peak memory it reports is its configuration's alone.
"""
import itertools
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import torch
import torch.nn.functional as F
from torch import optim
from torch.utils.data import DataLoader, Subset
from torchvision import datasets

from common.engine import test, train
from common.loader import TEST_BATCH_SIZE, forever, mnist_batches
from common.runtime import seed_everything, sync
from course.lessons import load_module

try:
    import resource
except ImportError:  # Windows: no getrusage, no RSS figure
    resource = None
RSS_UNIT = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss is in bytes on macOS, KiB on Linux

NETS = {"final": "code10_lr_schedule.py", "baseline": "code01_setup.py"}
PEAK_SHAPES = {"cpu": (2048, (8, 256, 28)), "cuda": (8192, (64, 256, 56))}  # matmul size; conv batch, channels, size


def timed(device, fn):
    """Seconds that ``fn()`` takes, queued GPU work included."""
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


class Steps:
    """The next ``count`` batches of an endless stream, with the len() common.engine.train wants; counts images."""

    def __init__(self, stream, count):
        self.stream, self.count, self.images = stream, count, 0

    def __len__(self):
        return self.count

    def __iter__(self):
        for data, target in itertools.islice(self.stream, self.count):
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
    matrix_size, (batch, channels, size) = PEAK_SHAPES[device.type]
    left = torch.randn(matrix_size, matrix_size, device=device)
    right = torch.randn(matrix_size, matrix_size, device=device)
    images = torch.randn(batch, channels, size, size, device=device)
    weights = torch.randn(channels, channels, 3, 3, device=device)
    workloads = {"matmul": (2 * matrix_size**3, lambda: left @ right),
                 "convolution": (2 * batch * channels**2 * 9 * (size - 2) ** 2, lambda: F.conv2d(images, weights))}
    best = {}
    for name, (flops, run) in workloads.items():
        run()  # warm-up: library start-up, the choice of kernel
        best[name] = flops / min(timed(device, run) for _ in range(trials))
    return {"flops_per_s": max(best.values()), "matmul_flops_per_s": best["matmul"],
            "convolution_flops_per_s": best["convolution"], "trials": trials,
            "matmul": f"{matrix_size}x{matrix_size}",
            "convolution": f"{batch} images of {size}x{size}, {channels} channels in and out"}
