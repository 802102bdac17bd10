"""How fast the lessons train here, against the usual MNIST pipeline, on this machine.

    python -m benchmarks.benchmark                          # the CPU, both networks (minutes)
    python -m benchmarks.benchmark --device cuda            # the GPU
    python -m benchmarks.benchmark --json results/benchmark.json --markdown docs/performance.md
    python -m benchmarks.benchmark --quick --nets final     # a smoke check (seconds)

Two networks (the final lesson's, code10_lr_schedule.py, and the baseline's,
code01_setup.py) are trained for a fixed number of steps through two pipelines,
with the same network, seed, batch size, SGD settings and augmentation:

usual   what pytorch/examples' MNIST script does: torchvision.datasets.MNIST
        (one PIL image at a time through the lesson's transforms.Compose), a
        DataLoader (shuffle=True, num_workers=1, pin_memory=True on CUDA), the
        batch moved to the device in the training loop, loss.item() every 10
        batches; evaluation through a DataLoader of 1,000 images per batch.
ours    this repository's path, as every lesson runs it: common.loader.TensorBatches
        with common.batch_transforms.BatchPipeline (the data on the device, the
        transforms applied to whole batches), common.engine.train and
        common.engine.test (1,000 images per batch).

Each (network, pipeline) runs in a fresh Python process, so that its peak
memory is its own. In it: warm-up steps (not timed), then several timed
repetitions of a fixed number of steps; the figures are the median and the
range (min-max) over the repetitions. Also reported: what the data side
alone delivers (the same batches, no network), the network's FLOPs per image,
the fraction of the device's measured float32 peak (the faster of a large
matmul and a large convolution) that the training step reaches, and the peak memory. This is a benchmark, not a test: it prints
figures and asserts nothing about them.

torch uses every core by default; when other programs keep cores busy, its
threads wait on one another and every figure drops several-fold: benchmark an
idle machine, or pass --threads 1.
"""
import argparse
import contextlib
import datetime
import importlib
import itertools
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision
from torch import optim
from torch.utils.data import DataLoader, Subset
from torchvision import datasets

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also importable from elsewhere (tests, tools)
    sys.path.insert(0, str(ROOT))

from common.cli import number  # noqa: E402
from common.data import DataError, ensure_mnist  # noqa: E402
from common.engine import test, train  # noqa: E402
from common.loader import TEST_BATCH_SIZE  # noqa: E402
from common.loader import mnist_batches  # noqa: E402
from common.model_info import count_parameters, macs_per_image  # noqa: E402
from common.results import atomic_path, write_json  # noqa: E402
from common.runtime import describe, seed_everything, sync  # noqa: E402

NETS = {"final": "code10_lr_schedule", "baseline": "code01_setup"}
PIPELINES = ("usual", "ours")
PIPELINE_LABELS = {"usual": "usual (DataLoader)", "ours": "ours (common/)"}
TRAIN_IMAGES, TEST_IMAGES = 60_000, 10_000
EXAMPLES_LOG_INTERVAL = 10  # pytorch/examples reads the loss back every 10 batches
TRAIN_FLOPS_FACTOR = 3  # forward + gradients of the inputs + gradients of the weights

# Defaults of a real run and of --quick; an explicit option wins over both.
PROFILES = {
    "full": dict(steps=40, warmup=5, repeats=5, eval_images=TEST_IMAGES, peak_trials=10),
    "quick": dict(steps=3, warmup=1, repeats=2, eval_images=TEST_BATCH_SIZE, peak_trials=3),
}
PEAK_MATRIX = {"cpu": 2048, "cuda": 8192}  # n of an n x n matmul
PEAK_CONV = {"cpu": (8, 256, 28), "cuda": (64, 256, 56)}  # batch, channels in and out, image size

NOTES = {
    "flops": (
        "forward FLOPs per image = 2 x multiply-accumulates of the convolution and linear layers "
        "(common.model_info.macs_per_image); a training step counts 3 x forward (the forward pass, "
        "then the gradients of the inputs and of the weights); BatchNorm, ReLU, pooling and the "
        "optimizer are not counted"
    ),
    "peak": (
        "device peak = the best float32 throughput of a large matmul and a large convolution (TF32 off; on "
        "the CPU with torch's threads), timed in rounds before each configuration and after the last, so that "
        "a slow spell of a shared machine cannot set it; % of peak = training FLOPs per image x training "
        "images/s / that peak"
    ),
    "memory": (
        "peak RSS = the main process's peak (ru_maxrss of RUSAGE_SELF) + the memory the DataLoader's "
        "workers hold beyond it (their private pages, sampled from /proc every 0.2 s while they live; "
        "a forked worker shares the rest with the main process); each (network, pipeline) runs in a "
        "fresh process; GPU MiB = torch.cuda.max_memory_allocated"
    ),
    "epoch": (
        "seconds per epoch = 60,000 / training images per second: the training steps only, "
        "without the evaluation or the start of a DataLoader's workers at each epoch"
    ),
    "eval": "evaluation seconds for the 10,000 test images, workers' start included (it happens every epoch)",
    "spread": "median [min-max] over the timed repetitions; warm-up steps are not timed",
}


class BenchmarkError(RuntimeError):
    pass


# --------------------------------------------------------------------------- measuring, in a worker process


def _timed(device, fn):
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


class _Stream:
    """An endless supply of batches: a new pass (epoch) starts when one ends."""

    def __init__(self, batches):
        self.batches, self.it = batches, None

    def next(self):
        for _ in range(2):
            if self.it is None:
                self.it = iter(self.batches)
            try:
                return next(self.it)
            except StopIteration:
                self.it = None
        raise BenchmarkError("the training data yields no batch")

    def close(self):
        self.it = None  # a DataLoader's iterator shuts its workers down (and reaps them) when dropped


class _Window:
    """Exactly ``steps`` batches of a stream, looking like a loader (len() included)
    so that common.engine.train can run over it unchanged."""

    def __init__(self, stream, steps):
        self.stream, self.steps, self.images = stream, steps, 0

    def __len__(self):
        return self.steps

    def __iter__(self):
        for _ in range(self.steps):
            data, target = self.stream.next()
            self.images += len(target)
            yield data, target


def _examples_train(model, device, batches, optimizer):
    """The training loop of pytorch/examples' MNIST script (its printing left out)."""
    model.train()
    for batch_idx, (data, target) in enumerate(batches):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % EXAMPLES_LOG_INTERVAL == 0:
            loss.item()


@torch.no_grad()
def _examples_test(model, device, batches):
    """The test loop of pytorch/examples' MNIST script (its printing left out)."""
    model.eval()
    test_loss, correct = 0.0, 0
    for data, target in batches:
        data, target = data.to(device), target.to(device)
        output = model(data)
        test_loss += F.nll_loss(output, target, reduction="sum").item()
        pred = output.argmax(dim=1, keepdim=True)
        correct += pred.eq(target.view_as(pred)).sum().item()
    return correct


class _Usual:
    """PIL dataset + transforms.Compose + DataLoader, set up as pytorch/examples does."""

    def __init__(self, lesson, spec, device):
        self.device = device
        torch.manual_seed(spec["seed"])  # pytorch/examples seeds first, then builds the loaders and the model
        root = str(spec["data_dir"])
        train_set = datasets.MNIST(root, train=True, download=False, transform=lesson.TRAIN_TRANSFORMS)
        test_set = datasets.MNIST(root, train=False, download=False, transform=lesson.TEST_TRANSFORMS)
        if spec["eval_images"] < len(test_set):
            test_set = Subset(test_set, range(spec["eval_images"]))
        kwargs = dict(num_workers=spec["workers"], pin_memory=device.type == "cuda")
        self.train_batches = DataLoader(train_set, batch_size=lesson.BATCH_SIZE, shuffle=True, **kwargs)
        self.test_batches = DataLoader(test_set, batch_size=TEST_BATCH_SIZE, **kwargs)
        self.model = lesson.Net().to(device)
        self.optimizer = optim.SGD(self.model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
        self.loader_settings = {"batch_size": lesson.BATCH_SIZE, "shuffle": True, **kwargs}

    def train(self, window):
        _examples_train(self.model, self.device, window, self.optimizer)

    def drain(self, window):
        for data, target in window:
            data.to(self.device), target.to(self.device)

    def evaluate(self, batches=None):
        _examples_test(self.model, self.device, self.test_batches if batches is None else batches)

    def evaluate_warmup(self):
        it = iter(self.test_batches)
        first = next(it)
        del it  # stops its workers
        self.evaluate([first])


class _Ours:
    """common/: the data on the device, the transforms on whole batches, the lessons' loops."""

    def __init__(self, lesson, spec, device):
        self.device = device
        generator = seed_everything(spec["seed"], device)  # as a lesson does, before the data and the model
        limit = spec["eval_images"] if spec["eval_images"] < TEST_IMAGES else None
        self.train_batches = mnist_batches(spec["data_dir"], True, lesson.BATCH_SIZE, lesson.TRAIN_TRANSFORMS, device,
                                           generator=generator)
        self.test_batches = mnist_batches(spec["data_dir"], False, TEST_BATCH_SIZE, lesson.TEST_TRANSFORMS, device,
                                          limit)
        self.model = lesson.Net().to(device)
        self.optimizer = optim.SGD(self.model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
        self.epoch = 0
        self.loader_settings = {"batch_size": lesson.BATCH_SIZE, "shuffle": True, "data_on_device": True}

    def train(self, window):
        self.epoch += 1
        train(self.model, self.device, window, self.optimizer, self.epoch, show_progress=False)

    def drain(self, window):
        for _ in window:
            pass

    def evaluate(self, batches=None):
        test(self.model, self.device, self.test_batches if batches is None else batches)

    def evaluate_warmup(self):
        self.evaluate(itertools.islice(self.test_batches, 1))


def _child_pids():
    """Process ids of this process's children (the DataLoader's workers), from /proc; empty elsewhere."""
    pids = set()
    tasks = Path("/proc/self/task")
    try:
        for task in tasks.iterdir():
            pids.update(int(pid) for pid in (task / "children").read_text().split())
        return pids
    except OSError:  # no /proc, or a kernel without the children files: scan every process's parent
        pass
    me = os.getpid()
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return pids
    for entry in entries:
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            pids.add(int(entry))
    return pids


def _proc_kib(path, keys):
    """Sum of the ``keys`` lines (in kB) of a /proc file such as status or smaps_rollup; None if unreadable."""
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    total, found = 0, False
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in keys:
            total += int(rest.split()[0])
            found = True
    return total if found else None


class _WorkerMemory(threading.Thread):
    """Samples the memory of this process's children (DataLoader workers) while they live.

    ru_maxrss of RUSAGE_CHILDREN cannot be used: importing torch runs
    `ldconfig -p` in a child forked from the half-imported interpreter, whose
    peak RSS (hundreds of MiB) then stands for every later child."""

    INTERVAL = 0.2

    def __init__(self):
        super().__init__(daemon=True)
        self.halt = threading.Event()
        # VmHWM summed over the workers alive at once: pages shared with the main process included
        self.peak_rss_kib = 0
        self.private_kib = 0  # Private_Clean + Private_Dirty: what the workers hold beyond the main process
        self.available = Path("/proc/self/status").exists()
        self.workers_seen = set()

    def sample(self):
        rss = private = 0
        for pid in _child_pids():
            hwm = _proc_kib(f"/proc/{pid}/status", ("VmHWM",))
            if hwm is None:  # already gone
                continue
            self.workers_seen.add(pid)
            rss += hwm
            private += _proc_kib(f"/proc/{pid}/smaps_rollup", ("Private_Clean", "Private_Dirty")) or 0
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.private_kib = max(self.private_kib, private)

    def run(self):
        while not self.halt.wait(self.INTERVAL):
            self.sample()

    def stop(self):
        self.halt.set()
        self.join()


def _memory(device, workers):
    figures = {"rss_main_mib": None, "workers_peak_rss_mib": None, "workers_private_mib": None,
               "peak_rss_mib": None, "workers_seen": len(workers.workers_seen),
               "cuda_max_allocated_mib": None, "cuda_max_reserved_mib": None}
    try:
        import resource
    except ImportError:  # Windows: no getrusage
        pass
    else:
        per_mib = 1 / 2**20 if sys.platform == "darwin" else 1 / 2**10  # bytes on macOS, KiB on Linux
        main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * per_mib
        figures.update(rss_main_mib=main, peak_rss_mib=main)
        if workers.available:
            private = workers.private_kib / 2**10
            figures.update(workers_peak_rss_mib=workers.peak_rss_kib / 2**10, workers_private_mib=private,
                           peak_rss_mib=main + private)
    if device.type == "cuda":
        figures.update(cuda_max_allocated_mib=torch.cuda.max_memory_allocated(device) / 2**20,
                       cuda_max_reserved_mib=torch.cuda.max_memory_reserved(device) / 2**20)
    return figures


def measure(spec):
    """Everything about one (network, pipeline): run in a process of its own."""
    device = torch.device(spec["device"])
    torch.set_num_threads(spec["threads"])
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    workers = _WorkerMemory()
    workers.start()
    lesson = importlib.import_module(NETS[spec["net"]])
    runner_class = {"usual": _Usual, "ours": _Ours}[spec["pipeline"]]

    start = time.perf_counter()
    runner = runner_class(lesson, spec, device)
    sync(device)
    setup_seconds = time.perf_counter() - start
    init_checksum = sum(float(p.detach().double().sum()) for p in runner.model.parameters())

    stream = _Stream(runner.train_batches)
    if spec["warmup"]:
        runner.train(_Window(stream, spec["warmup"]))
    train = {"images": [], "seconds": []}
    for _ in range(spec["repeats"]):
        window = _Window(stream, spec["steps"])
        train["seconds"].append(_timed(device, lambda: runner.train(window)))
        train["images"].append(window.images)
    loader = {"images": [], "seconds": []}  # the same batches, no network: what the data side alone delivers
    for _ in range(spec["repeats"]):
        window = _Window(stream, spec["steps"])
        loader["seconds"].append(_timed(device, lambda: runner.drain(window)))
        loader["images"].append(window.images)
    workers.sample()
    stream.close()

    runner.evaluate_warmup()
    eval_seconds = [_timed(device, runner.evaluate) for _ in range(spec["repeats"])]
    workers.stop()

    return {
        "net": spec["net"],
        "pipeline": spec["pipeline"],
        "loader_settings": runner.loader_settings,
        "threads": torch.get_num_threads(),
        "setup_seconds": setup_seconds,
        "init_checksum": init_checksum,
        "train": {**train, "images_per_s": [i / s for i, s in zip(train["images"], train["seconds"])]},
        "loader": {**loader, "images_per_s": [i / s for i, s in zip(loader["images"], loader["seconds"])]},
        "eval": {"images": spec["eval_images"],
                 "seconds_measured": eval_seconds,
                 "seconds": [s * TEST_IMAGES / spec["eval_images"] for s in eval_seconds]},
        "memory": _memory(device, workers),
    }


def _worker_main(spec_text, out_path):
    spec = json.loads(spec_text)
    write_json(out_path, measure(spec))
    return 0


# --------------------------------------------------------------------------- the parent process


@contextlib.contextmanager
def _tf32_off():
    """Full float32 in cuBLAS's matmuls and cuDNN's convolutions (PyTorch lets the latter use TF32)."""
    if hasattr(torch.backends.cuda.matmul, "fp32_precision"):  # torch >= 2.9
        switches = [(torch.backends.cuda.matmul, "fp32_precision", "ieee"),
                    (torch.backends.cudnn.conv, "fp32_precision", "ieee")]
    else:
        switches = [(torch.backends.cuda.matmul, "allow_tf32", False), (torch.backends.cudnn, "allow_tf32", False)]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in switches]
    for owner, name, value in switches:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def _peak_kernels(device):
    """The two kinds of work a training step is made of, each big enough to keep the device busy:
    a square matmul and a 3x3 convolution. Neither alone is the peak: on CPUs PyTorch runs
    convolutions with oneDNN, which can be much faster than its matmul library."""
    gen = torch.Generator(device=device).manual_seed(0)
    n = PEAK_MATRIX[device.type]
    a, b = (torch.randn(n, n, generator=gen, device=device) for _ in range(2))
    out = torch.empty(n, n, device=device)
    batch, channels, size = PEAK_CONV[device.type]
    x = torch.randn(batch, channels, size, size, generator=gen, device=device)
    w = torch.randn(channels, channels, 3, 3, generator=gen, device=device)
    return {
        "matmul": (2 * n**3, lambda: torch.mm(a, b, out=out)),
        "convolution": (2 * batch * channels * channels * 9 * (size - 2) ** 2, lambda: F.conv2d(x, w)),
    }


def measure_peak(device, trials):
    """The best float32 throughput this device reaches, with torch's threads, on a matmul and on a convolution."""
    best = {}
    with _tf32_off():
        for name, (flops, run) in _peak_kernels(device).items():
            run()  # warm-up: library start-up, kernel choice
            best[name] = flops / min(_timed(device, run) for _ in range(trials))
    if device.type == "cuda":
        torch.cuda.empty_cache()
    unit = "the GPU's streaming multiprocessors and their clock" if device.type == "cuda" else (
        "the FMA units per core and the sustained all-core clock")
    return {
        "method": "measured peak",
        "flops_per_s": max(best.values()),
        "kernels_flops_per_s": best,
        "matrix_size": PEAK_MATRIX[device.type],
        "conv_shape": list(PEAK_CONV[device.type]),
        "dtype": "float32",
        "tf32": False,
        "trials": trials,
        "threads": torch.get_num_threads(),
        "theoretical_flops_per_s": None,
        "theoretical_note": f"not derived: it needs {unit}, which cannot be read reliably from here",
    }


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def describe_machine(device):
    cpu = _cpu_model()
    threads = torch.get_num_threads()
    machine = {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": threads,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "device": device.type,
        "device_name": describe(device) if device.type == "cuda" else f"{cpu} ({_plural(threads, 'thread')})",
    }
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        machine.update(cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version(),
                       gpu_memory_gib=props.total_memory / 2**30,
                       cudnn_allow_tf32=bool(torch.backends.cudnn.allow_tf32))
    return machine


def network_info(net):
    lesson = importlib.import_module(NETS[net])
    model = lesson.Net()
    macs = macs_per_image(model)
    return {
        "lesson": f"{NETS[net]}.py",
        "parameters": count_parameters(model),
        "macs_per_image": macs,
        "forward_flops_per_image": 2 * macs,
        "train_flops_per_image": TRAIN_FLOPS_FACTOR * 2 * macs,
        "batch_size": lesson.BATCH_SIZE,
        "lr": lesson.LR,
        "momentum": lesson.MOMENTUM,
        "train_transforms": repr(lesson.TRAIN_TRANSFORMS),
    }


def _spawn(spec):
    """Run measure(spec) in a fresh interpreter; its peak memory is then its own."""
    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "benchmarks.benchmark", "--worker", json.dumps(spec), "--worker-out", str(out)]
        proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        if proc.returncode != 0 or not out.exists():
            raise BenchmarkError(f"measuring {spec['net']} / {spec['pipeline']} failed (exit status {proc.returncode})")
        return json.loads(out.read_text())


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": list(values)}


def summarise(raw, info, peak):
    ips = raw["train"]["images_per_s"]
    train_ips = stats(ips)
    achieved = info["train_flops_per_image"] * train_ips["median"]
    return {
        "train_images_per_s": train_ips,
        "epoch_seconds": stats([TRAIN_IMAGES / x for x in ips]),
        "eval_seconds": stats(raw["eval"]["seconds"]),
        "eval_images_measured": raw["eval"]["images"],
        "loader_images_per_s": stats(raw["loader"]["images_per_s"]),
        "setup_seconds": raw["setup_seconds"],
        "memory": raw["memory"],
        "train_flops_per_s": achieved,
        "peak_fraction": achieved / peak["flops_per_s"],
        "threads": raw["threads"],
        "loader_settings": raw["loader_settings"],
        "init_checksum": raw["init_checksum"],
        "raw": {"train": raw["train"], "loader": raw["loader"],
                "eval_seconds_measured": raw["eval"]["seconds_measured"]},
    }


def _ratio(ours, usual):
    return ours / usual if ours is not None and usual else None


def ratios(usual, ours):
    med = lambda figures, key: figures[key]["median"]  # noqa: E731
    mem = lambda figures, key: figures["memory"][key]  # noqa: E731
    return {
        "train_speedup": _ratio(med(ours, "train_images_per_s"), med(usual, "train_images_per_s")),
        "eval_speedup": _ratio(med(usual, "eval_seconds"), med(ours, "eval_seconds")),
        "ours_over_usual": {
            "train_images_per_s": _ratio(med(ours, "train_images_per_s"), med(usual, "train_images_per_s")),
            "epoch_seconds": _ratio(med(ours, "epoch_seconds"), med(usual, "epoch_seconds")),
            "eval_seconds": _ratio(med(ours, "eval_seconds"), med(usual, "eval_seconds")),
            "loader_images_per_s": _ratio(med(ours, "loader_images_per_s"), med(usual, "loader_images_per_s")),
            "peak_rss_mib": _ratio(mem(ours, "peak_rss_mib"), mem(usual, "peak_rss_mib")),
            "cuda_max_allocated_mib": _ratio(mem(ours, "cuda_max_allocated_mib"), mem(usual, "cuda_max_allocated_mib")),
            "peak_fraction": _ratio(ours["peak_fraction"], usual["peak_fraction"]),
        },
    }


def run_benchmark(settings, log=lambda msg: print(msg, file=sys.stderr, flush=True)):
    """Measure everything ``settings`` asks for; returns the figures as one JSON-ready dict."""
    device = torch.device(settings["device"])
    torch.set_num_threads(settings["threads"])
    machine = describe_machine(device)
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    log(f"measuring the device's peak (a float32 matmul and a convolution, best of {settings['peak_trials']}) "
        "before each configuration and after the last")
    # A shared machine has slow spells: one measurement of the peak can fall in
    # one and understate it (a training step then reaches "more than the peak").
    # Its best over rounds spread across the whole run is the fairer peak.
    peaks = [measure_peak(device, settings["peak_trials"])]
    spec = {key: settings[key] for key in ("device", "steps", "warmup", "repeats", "eval_images", "seed",
                                           "workers", "threads", "data_dir")}
    raw = {}
    for net in settings["nets"]:
        for pipeline in PIPELINES:
            log(f"measuring {net} / {pipeline}: {settings['warmup']} warm-up + {settings['repeats']} x "
                f"{settings['steps']} steps, {settings['repeats']} evaluations of {settings['eval_images']} images")
            raw[net, pipeline] = _spawn({**spec, "net": net, "pipeline": pipeline})
            peaks.append(measure_peak(device, settings["peak_trials"]))
    peak = {**max(peaks, key=lambda p: p["flops_per_s"]), "rounds": len(peaks),
            "rounds_flops_per_s": [p["flops_per_s"] for p in peaks]}
    results = {
        "benchmark": "benchmarks/benchmark.py",
        "date": date,
        "settings": settings,
        "machine": machine,
        "device_peak": peak,
        "notes": NOTES,
        "nets": {},
    }
    for net in settings["nets"]:
        info = network_info(net)
        pipelines = {pipeline: summarise(raw[net, pipeline], info, peak) for pipeline in PIPELINES}
        same_init = pipelines["usual"]["init_checksum"] == pipelines["ours"]["init_checksum"]
        results["nets"][net] = {**info, "same_initial_weights": same_init, "pipelines": pipelines,
                                "ratios": ratios(pipelines["usual"], pipelines["ours"])}
    return results


# --------------------------------------------------------------------------- reports


def _num(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _spread(figures):
    return f"{_num(figures['median'])} [{_num(figures['min'])}-{_num(figures['max'])}]"


def _flops(x):
    for unit, scale in (("TFLOP", 1e12), ("GFLOP", 1e9), ("MFLOP", 1e6), ("kFLOP", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g} FLOP"


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _times(x):
    return "-" if x is None else f"x{x:.2f}"


def _memory_cell(memory):
    if memory["peak_rss_mib"] is None:
        return "-"
    if memory["workers_private_mib"] is None:
        return f"{memory['peak_rss_mib']:,.0f}"
    return f"{memory['peak_rss_mib']:,.0f} ({memory['rss_main_mib']:,.0f} + {memory['workers_private_mib']:,.0f})"


def _notes(results):
    notes = [_pipeline_note(results), *results["notes"].values()]
    if results["machine"].get("cudnn_allow_tf32"):
        notes.append("cuDNN may run the convolutions in TF32 (torch.backends.cudnn.allow_tf32, PyTorch's default), "
                     "which is faster than the float32 peak measured above: % of peak can then overstate the use "
                     "of the device")
    return notes


def _pipeline_note(results):
    workers = results["settings"]["workers"]
    pin = results["settings"]["device"] == "cuda"
    return (f"usual = torchvision.datasets.MNIST (PIL) + transforms.Compose + DataLoader(shuffle=True, "
            f"num_workers={workers}, pin_memory={pin}), the pytorch/examples training and test loops; "
            "ours = common.loader.TensorBatches + common.batch_transforms.BatchPipeline, "
            "common.engine.train / evaluate")


def _columns(results):
    cuda = results["settings"]["device"] == "cuda"
    cols = [
        ("train images/s", lambda p: _spread(p["train_images_per_s"]), lambda r: _times(r["train_images_per_s"])),
        ("s/epoch (60k)", lambda p: _spread(p["epoch_seconds"]), lambda r: _times(r["epoch_seconds"])),
        ("eval s (10k)", lambda p: _spread(p["eval_seconds"]), lambda r: _times(r["eval_seconds"])),
        ("data-only images/s", lambda p: _spread(p["loader_images_per_s"]), lambda r: _times(r["loader_images_per_s"])),
        ("peak RSS MiB (main + workers)", lambda p: _memory_cell(p["memory"]), lambda r: _times(r["peak_rss_mib"])),
    ]
    if cuda:
        cols.append(("GPU MiB", lambda p: _num(p["memory"]["cuda_max_allocated_mib"]),
                     lambda r: _times(r["cuda_max_allocated_mib"])))
    cols += [
        ("train FLOP/s", lambda p: _flops(p["train_flops_per_s"]) + "/s", lambda r: ""),
        ("% of peak", lambda p: f"{100 * p['peak_fraction']:.2f}", lambda r: _times(r["peak_fraction"])),
    ]
    return cols


def _net_heading(net, figures, bold=False):
    name = f"**{net} network**" if bold else f"{net} network"
    forward, train = _flops(figures["forward_flops_per_image"]), _flops(figures["train_flops_per_image"])
    return (f"{name} ({figures['lesson']}): {figures['parameters']:,} parameters, batch {figures['batch_size']}, "
            f"SGD lr {figures['lr']} momentum {figures['momentum']}; forward {forward} per image "
            f"(2 x {figures['macs_per_image']:,} MACs), training step ~{train} per image "
            f"({TRAIN_FLOPS_FACTOR} x forward)")


def _peak_line(results):
    peak = results["device_peak"]
    threads = "" if results["settings"]["device"] == "cuda" else f", {_plural(peak['threads'], 'thread')}"
    return (f"device peak: {peak['method']} {_flops(peak['flops_per_s'])}/s ({_peak_how(peak)}{threads}); "
            "theoretical peak: " + (_flops(peak["theoretical_flops_per_s"]) + "/s" if peak["theoretical_flops_per_s"]
                                    else peak["theoretical_note"]))


def _peak_how(peak):
    n = peak["matrix_size"]
    batch, channels, size = peak["conv_shape"]
    kernels = peak["kernels_flops_per_s"]
    rounds = ", ".join(f"{_flops(f)}/s" for f in peak["rounds_flops_per_s"])
    return (f"float32, TF32 off: the faster of a {n}x{n} matmul ({_flops(kernels['matmul'])}/s) and a 3x3 "
            f"convolution of {batch} images {size}x{size}, {channels} channels in and out "
            f"({_flops(kernels['convolution'])}/s), each the best of {peak['trials']}; the best of "
            f"{peak['rounds']} such rounds spread over the run ({rounds})")


def _machine_line(results):
    m = results["machine"]
    line = (f"{m['device_name']} | CPU {m['cpu']}, {m['logical_cpus']} logical CPUs, torch "
            f"{_plural(m['torch_threads'], 'thread')} | torch {m['torch']}, torchvision {m['torchvision']}, "
            f"Python {m['python']} | {results['date']}")
    if m.get("cuda"):
        line += f" | CUDA {m['cuda']}, cuDNN {m['cudnn']} (cuDNN may use TF32 in convolutions: {m['cudnn_allow_tf32']})"
    return line


def _command(settings):
    return " ".join(["python -m benchmarks.benchmark", shlex.join(settings.get("argv", []))]).rstrip()


def _runs(s):
    return (f"{_plural(s['repeats'], 'repetition')} of {_plural(s['steps'], 'training step')} after "
            f"{_plural(s['warmup'], 'warm-up step')}, {_plural(s['repeats'], 'evaluation')} of "
            f"{s['eval_images']:,} test images (scaled to 10,000), seed {s['seed']}, "
            f"{_plural(s['threads'], 'torch thread')}")


def render_text(results):
    s = results["settings"]
    lines = [
        f"MNIST pipeline benchmark on {results['machine']['device']}: {_machine_line(results)}",
        _runs(s)
        + (" [--quick: smoke-check numbers, not for reporting]" if s["quick"] else ""),
        _peak_line(results),
        "",
    ]
    cols = _columns(results)
    label_width = max(len(v) for v in PIPELINE_LABELS.values()) + 2
    for net, figures in results["nets"].items():
        rows = [["", *(c[0] for c in cols)]]
        for pipeline in PIPELINES:
            rows.append([PIPELINE_LABELS[pipeline], *(c[1](figures["pipelines"][pipeline]) for c in cols)])
        rows.append(["ours / usual", *(c[2](figures["ratios"]["ours_over_usual"]) for c in cols)])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        widths[0] = max(widths[0], label_width)
        lines.append(_net_heading(net, figures))
        for r in rows:
            cells = [cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))]
            lines.append("  ".join(cells))
        ratio = figures["ratios"]
        lines.append("-> speed-up with common/ (above 1: common/ is faster): "
                     f"training {_times(ratio['train_speedup'])}, "
                     f"evaluation {_times(ratio['eval_speedup'])}; same initial weights in both pipelines: "
                     f"{'yes' if figures['same_initial_weights'] else 'NO'}")
        lines.append("")
    lines.append("notes:")
    lines += [f"  - {text}" for text in _notes(results)]
    return "\n".join(lines)


def render_markdown(results):
    """The figures as Markdown (for docs/performance.md): the machine, then one table per network."""
    m, s, peak = results["machine"], results["settings"], results["device_peak"]
    out = [
        f"Measured on {results['date']} with `{_command(s)}`"
        + (" (--quick: smoke-check numbers, not for reporting)" if s["quick"] else "") + ".",
        "",
        f"- Device: {m['device_name']}",
        f"- CPU: {m['cpu']}, {m['logical_cpus']} logical CPUs, {_plural(m['torch_threads'], 'torch thread')}",
        f"- Software: torch {m['torch']}, torchvision {m['torchvision']}, Python {m['python']}, {m['platform']}",
    ]
    if m.get("cuda"):
        out.append(f"- CUDA {m['cuda']}, cuDNN {m['cudnn']}, {m['gpu_memory_gib']:.0f} GiB; cuDNN may use TF32 "
                   f"in convolutions: {m['cudnn_allow_tf32']}")
    theoretical = (_flops(peak["theoretical_flops_per_s"]) + "/s" if peak["theoretical_flops_per_s"]
                   else peak["theoretical_note"])
    out += [
        f"- Device peak ({peak['method']}): {_flops(peak['flops_per_s'])}/s, {_peak_how(peak)}; "
        f"theoretical peak: {theoretical}",
        f"- Runs: {_runs(s)}; figures are median [min-max]",
        "",
    ]
    cols = _columns(results)
    for net, figures in results["nets"].items():
        out += [_net_heading(net, figures, bold=True), ""]
        out.append("| pipeline | " + " | ".join(c[0] for c in cols) + " |")
        out.append("|:---|" + "---:|" * len(cols))
        for pipeline in PIPELINES:
            p = figures["pipelines"][pipeline]
            out.append(f"| {PIPELINE_LABELS[pipeline]} | " + " | ".join(c[1](p) for c in cols) + " |")
        out.append("| ours / usual | " + " | ".join(c[2](figures["ratios"]["ours_over_usual"]) for c in cols) + " |")
        ratio = figures["ratios"]
        out += ["", f"Speed-up with common/ (above 1: common/ is faster): training {_times(ratio['train_speedup'])}, "
                    f"evaluation {_times(ratio['eval_speedup'])}.", ""]
    out.append("Notes:")
    out.append("")
    out += [f"- {text}" for text in _notes(results)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- command line


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.benchmark",
        description=__doc__.split("\n\n")[0],
        epilog="defaults: {}; with --quick: {} (an option given explicitly wins)".format(
            *(" ".join(f"--{k.replace('_', '-')} {v}" for k, v in PROFILES[name].items() if k != "peak_trials")
              for name in ("full", "quick"))),
    )
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to train (default: cpu)")
    parser.add_argument("--nets", nargs="+", choices=tuple(NETS), default=list(NETS),
                        help="which networks (default: both)")
    parser.add_argument("--steps", type=number(minimum=1), help="timed training steps per repetition")
    parser.add_argument("--warmup", type=number(minimum=0), help="training steps before timing starts")
    parser.add_argument("--repeats", type=number(minimum=1), help="timed repetitions (of training and of evaluation)")
    parser.add_argument("--eval-images", type=number(minimum=1, maximum=TEST_IMAGES),
                        help="test images per evaluation (at most 10,000; the seconds are scaled to 10,000)")
    parser.add_argument("--workers", type=number(minimum=0), default=1,
                        help="the usual pipeline's DataLoader workers (default: 1, as pytorch/examples on CUDA; "
                             "its CPU setting is 0)")
    parser.add_argument("--threads", type=number(minimum=1), help="torch's CPU threads (default: torch's own choice, "
                        f"{torch.get_num_threads()} here); lower it when other programs keep cores busy")
    parser.add_argument("--seed", type=number(minimum=0), default=1, help="random seed of both pipelines (default: 1)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="where MNIST's raw files are (or go)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every figure to this JSON file")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write the Markdown report to this file")
    parser.add_argument("--quick", action="store_true", help="tiny numbers: a smoke check that it all runs")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    return parser


def settings_from(args):
    profile = PROFILES["quick" if args.quick else "full"]
    settings = {key: getattr(args, key) if getattr(args, key, None) is not None else value
                for key, value in profile.items()}
    settings.update(device=args.device, nets=list(dict.fromkeys(args.nets)), workers=args.workers, seed=args.seed,
                    threads=args.threads or torch.get_num_threads(),
                    data_dir=str(Path(args.data_dir).resolve()), quick=args.quick)
    return settings


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if args.worker:
        return _worker_main(args.worker, args.worker_out)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("error: --device cuda: no CUDA GPU is available on this machine; run without --device to "
              "benchmark the CPU", file=sys.stderr)
        return 2
    try:
        settings = {**settings_from(args), "argv": argv}
        ensure_mnist(settings["data_dir"], log=lambda msg: print(msg, file=sys.stderr))
        results = run_benchmark(settings)
    except (BenchmarkError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(render_text(results))
    if args.json:
        write_json(args.json, results)
        print(f"figures written to {args.json}")
    if args.markdown:
        with atomic_path(args.markdown) as tmp:
            tmp.write_text(render_markdown(results))
        print(f"Markdown written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
