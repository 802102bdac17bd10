"""On a GPU, a training step must queue its work, not wait for it.

A GPU runs what the CPU queues; whenever the CPU reads a value back, or copies
a tensor made from Python data onto the GPU, it waits for the whole queue to
drain and the GPU idles between steps. For the small networks of this course
that wait costs more than the step. No GPU is needed to check it: PyTorch's
``meta`` device runs every operation without data, so a value read back or a
tensor arriving from the host shows up under a TorchFunctionMode.
"""
import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves

from common import engine
from common.loader import TensorBatches
from common.batch_transforms import BatchPipeline
from conftest import LESSONS
from tools.lessons import load_module

META = torch.device("meta")
READS = {"item", "tolist", "__bool__", "__int__", "__float__", "__index__", "numpy", "cpu"}
FROM_HOST = {"tensor", "as_tensor", "asarray", "from_numpy"}


class Watch(TorchFunctionMode):
    """Notes, batch by batch, each read-back and each tensor brought in from the host."""

    def __init__(self):
        super().__init__()
        self.batch = None
        self.reads, self.from_host = [], []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        host_tensor = any(isinstance(t, torch.Tensor) and t.device.type == "cpu" for t in tree_leaves((args, kwargs)))
        if name in FROM_HOST or host_tensor:
            self.from_host.append((self.batch, name))
        if name in READS:  # a meta tensor has no value: answer as a finite, healthy run would
            self.reads.append((self.batch, name))
            return False if name == "__bool__" else 1.0
        return func(*args, **kwargs)


class Numbered:
    """The batches, telling the watch which one is being made and used."""

    def __init__(self, batches, watch):
        self.batches, self.watch = batches, watch

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        batches = iter(self.batches)
        for number in range(1, len(self) + 1):
            self.watch.batch = number
            yield next(batches)
        self.watch.batch = "after"


@pytest.mark.parametrize("script", LESSONS)
def test_a_training_epoch_on_a_gpu_waits_only_when_it_reports(script):
    lesson = load_module(script)
    model = lesson.Net().to(META)
    optimizer = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    images = torch.zeros(64, 1, 28, 28, dtype=torch.uint8, device=META)
    labels = torch.zeros(64, dtype=torch.long, device=META)
    batches = TensorBatches(images, labels, 2, BatchPipeline(lesson.TRAIN_TRANSFORMS), shuffle=True)
    every = engine._sync_every(META)
    assert 1 < every < len(batches)

    watch = Watch()
    with watch:
        engine.train_epoch(model, Numbered(batches, watch), optimizer, 1, META, show_progress=False)

    reported = {every * k for k in range(1, len(batches) // every + 1)} | {len(batches), "after"}
    assert watch.reads and {batch for batch, _ in watch.reads} <= reported, watch.reads
    # The first batch may set up constants on the device; every later one must not copy from the host.
    assert [(batch, name) for batch, name in watch.from_host if batch not in (None, 1)] == []
