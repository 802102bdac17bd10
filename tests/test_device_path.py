"""On a GPU, a training step must queue its work, not wait for it.

A GPU runs what the CPU queues; whenever the CPU reads a value back, or copies
a tensor made from Python data onto the GPU, it waits for the whole queue to
drain and the GPU idles between steps, which for networks this small can cost
as much as the steps themselves. No GPU is needed to check it: PyTorch's
``meta`` device runs every operation without data, so a value read back or a
tensor arriving from the host shows up under a TorchFunctionMode. (One
difference: on ``meta`` SGD updates the parameters one by one, where on CUDA
it uses its fused multi-tensor path; neither reads anything back.)
"""
import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves

from common import engine
from common.loader import TensorBatches
from common.batch_transforms import BatchPipeline
from conftest import LESSONS
from course.lessons import load_module

META = torch.device("meta")
READS = {"item", "tolist", "__bool__", "__int__", "__float__", "__index__", "numpy", "cpu"}
FROM_HOST = {"tensor", "as_tensor", "asarray", "from_numpy"}


class Watch(TorchFunctionMode):
    """Notes, batch by batch, each read-back and each tensor brought in from the host."""

    def __init__(self):
        super().__init__()
        self.batch = None  # (epoch, batch number) while the loop runs
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
    """The batches of one epoch, telling the watch which one is being made and used."""

    def __init__(self, batches, epoch, watch):
        self.batches, self.epoch, self.watch = batches, epoch, watch

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        batches = iter(self.batches)
        for number in range(1, len(self) + 1):
            self.watch.batch = (self.epoch, number)
            yield next(batches)
        self.watch.batch = (self.epoch, "after")


# One lesson of each kind of layer and data: plain convolutions (1), BatchNorm (4), Dropout (5), global
# average pooling (6), random rotations (9). The others repeat these (10 is 9 with a scheduler, which
# steps between epochs).
KINDS = [LESSONS[i - 1] for i in (1, 4, 5, 6, 9)]


@pytest.mark.parametrize("script", KINDS)
def test_a_training_epoch_on_a_gpu_waits_only_when_it_reports(script, monkeypatch):
    lesson = load_module(script)
    model = lesson.Net().to(META)
    optimizer = torch.optim.SGD(model.parameters(), lr=lesson.LR, momentum=lesson.MOMENTUM)
    images = torch.zeros(16, 1, 28, 28, dtype=torch.uint8, device=META)
    labels = torch.zeros(16, dtype=torch.long, device=META)
    batches = TensorBatches(images, labels, 2, BatchPipeline(lesson.TRAIN_TRANSFORMS), shuffle=True)
    assert engine._sync_every(META) > 1  # off the CPU, the loop reads back only now and then
    every = 3  # a shorter cadence than the real one: the same check over 8 batches instead of dozens
    monkeypatch.setattr(engine, "_sync_every", lambda device: every)

    watch = Watch()
    with watch:
        for epoch in (1, 2):
            engine.train(model, META, Numbered(batches, epoch, watch), optimizer, epoch, show_progress=False)

    reporting = {every * k for k in range(1, len(batches) // every + 1)} | {len(batches), "after"}
    assert watch.reads and {batch for (_, batch), _ in watch.reads} <= reporting, watch.reads
    # The very first batch may set up constants on the device; no later one may copy from the host.
    assert [(batch, name) for batch, name in watch.from_host if batch not in (None, (1, 1))] == []
