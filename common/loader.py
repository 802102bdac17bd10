"""MNIST as mini-batches for a lesson's run.

The fast path replaces ``torch.utils.data.DataLoader``: the whole dataset is
60,000 small images (188 MB as float32), so it lives on the device once and a
batch is an index into it, with no worker processes and no per-image Python;
the lesson's transforms run on whole batches (common/batch_transforms.py).
A pipeline with a step that has no batched version runs the usual way
instead: torchvision's MNIST dataset applies it to every PIL image, exactly
as torchvision defines it, and a DataLoader batches the results. Either way
the images come from common.data.mnist, asked once.
"""
import copy
import math

import torch
from torch.utils.data import DataLoader, Subset

from .batch_transforms import BatchPipeline, InvalidPipeline, UnsupportedTransform
from .data import mnist

TEST_BATCH_SIZE = 1000
TRAIN_SPLIT, VALIDATION_SPLIT = 50_000, 10_000  # the classic split of the 60,000 training images


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


class ImageByImage(DataLoader):
    """torchvision's way: the pipeline on every PIL image, on the CPU; the loops move each batch to the device."""

    def __init__(self, split, indices, batch_size, transforms, shuffle, generator=None):
        split = copy.copy(split)  # the same images with this loader's own transform (validation takes two)
        split.transform = transforms
        dataset = Subset(split, indices)
        # A DataLoader draws a seed from its generator every epoch, shuffled or not: a CPU generator of
        # its own, so that it takes nothing from the global one (Dropout's masks, torchvision's transforms).
        cpu_generator = torch.Generator().manual_seed(generator.initial_seed() if generator is not None else 0)
        super().__init__(dataset, batch_size=batch_size, shuffle=shuffle, generator=cpu_generator)
        self.transforms = transforms

    @property
    def num_images(self):
        return len(self.dataset)


def batches(split, indices, batch_size, transforms, device, generator=None, shuffle=False, name="the"):
    """Images ``indices`` (a range) of ``split`` (from common.data.mnist) through ``transforms``, batched:
    on the device if every step has a batched version, else image by image."""
    try:
        pipeline = BatchPipeline(transforms)
    except InvalidPipeline as why:
        raise SystemExit(f"error: {name} transforms: {why}") from None
    except UnsupportedTransform as why:
        print(f"note: {name} transforms run image by image through torchvision's DataLoader (slower): {why}")
        return ImageByImage(split, indices, batch_size, transforms, shuffle, generator)
    images = split.data[indices.start:indices.stop].unsqueeze(1).to(device)  # N x 1 x 28 x 28, uint8
    labels = split.targets[indices.start:indices.stop].to(device)
    loader = TensorBatches(images, labels, batch_size, pipeline, shuffle=shuffle, generator=generator)
    loader.transforms = transforms
    return loader


def mnist_batches(data_dir, train, batch_size, transforms, device, limit=None, generator=None):
    """The first ``limit`` images (default all) of one split; the training split is shuffled."""
    split = mnist(data_dir)[train]
    count = min(limit or math.inf, len(split))
    return batches(split, range(count), batch_size, transforms, device, generator, shuffle=train)


def mnist_loaders(args, train_transforms, test_transforms, device, generator):
    """The training batches (shuffled with ``generator``) and the batches the
    run is evaluated on: the test set, or with ``args.validation`` the last
    10,000 training images, which then are not trained on."""
    limit = args.limit or math.inf
    splits = mnist(args.data_dir)
    if args.validation:
        train_part = range(min(TRAIN_SPLIT, limit))
        evaluated, eval_part = splits[True], range(TRAIN_SPLIT, TRAIN_SPLIT + min(VALIDATION_SPLIT, limit))
    else:
        train_part = range(min(len(splits[True]), limit))
        evaluated, eval_part = splits[False], range(min(len(splits[False]), limit))
    train_loader = batches(splits[True], train_part, args.batch_size, train_transforms, device, generator,
                           shuffle=True, name="the training")
    test_loader = batches(evaluated, eval_part, TEST_BATCH_SIZE, test_transforms, device, name="the test")
    return train_loader, test_loader


def forever(batches):
    """Batches without end, epoch after epoch (for benchmarks that count steps, not epochs)."""
    while True:
        yield from batches
