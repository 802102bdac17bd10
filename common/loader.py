"""Mini-batches drawn from tensors that already sit on the device.

This replaces ``torch.utils.data.DataLoader`` for MNIST: the whole dataset is
60,000 small images (188 MB as float32), so it lives on the device once and a
batch is an index into it, with no worker processes and no per-image Python.
"""
import math

import torch

from .batch_transforms import BatchPipeline
from .data import load_split


class TensorBatches:
    def __init__(self, images, labels, batch_size, pipeline, shuffle, generator=None):
        self.images = pipeline.prepare(images)
        self.labels = labels
        self.batch_size = batch_size
        self.pipeline = pipeline
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self):
        return math.ceil(len(self.labels) / self.batch_size)

    @property
    def num_images(self):
        return len(self.labels)

    def __iter__(self):
        n = len(self.labels)
        if self.shuffle:
            order = torch.randperm(n, device=self.labels.device, generator=self.generator)
        else:
            order = torch.arange(n, device=self.labels.device)
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            yield self.pipeline(self.images[idx], self.generator), self.labels[idx]


def mnist_batches(data_dir, train, batch_size, transforms, device, limit=None, generator=None):
    """One MNIST split on ``device`` as batches through ``transforms``; the training split is shuffled."""
    images, labels = (t.to(device) for t in load_split(data_dir, train, limit))
    return TensorBatches(images, labels, batch_size, BatchPipeline(transforms), shuffle=train, generator=generator)


def forever(batches):
    """Batches without end, epoch after epoch (for benchmarks that count steps, not epochs)."""
    while True:
        yield from batches
