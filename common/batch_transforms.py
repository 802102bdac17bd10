"""Apply a lesson's torchvision transforms to whole batches of tensors.

Lessons declare their data pipeline as an ordinary ``transforms.Compose``
(v1 or ``transforms.v2``), so a learner can copy it into any torchvision
project. Running it image by image through PIL is the slow part of the usual
MNIST code, so here we read the same pipeline and run each step on a batch
already on the device, keeping each random step's distribution: every image
draws its own rotation angle, uniform over the same range, with the same
nearest-neighbour sampling and fill. Steps with a batched version: ToTensor
(or v2's ToImage then ToDtype(float32, scale=True)), Normalize, and, with
nearest interpolation, RandomRotation and RandomAffine (rotation and shift
only). Any other step raises UnsupportedTransform, and common/loader.py runs
the pipeline image by image.
"""
import math

import torch
import torch.nn.functional as F
from torchvision import transforms as T
from torchvision.transforms import v2
from torchvision.transforms import InterpolationMode


class UnsupportedTransform(TypeError):
    """A step with no batched version: the pipeline runs image by image instead."""


class InvalidPipeline(UnsupportedTransform):
    """A pipeline that torchvision could not run either (no ToTensor, Normalize before it)."""


def _to_tensor(x, generator):
    # Pixels arrive as floats holding 0..255 (see BatchPipeline.prepare).
    return x / 255.0


def _normalize(step):
    # Made once per device: turning the Python tuples into GPU tensors is a
    # copy from the host that waits for the GPU to finish its queue, and after
    # a random step this runs on every batch.
    made = {}

    def apply(x, generator):
        key = (x.device, x.dtype)
        if key not in made:
            made[key] = tuple(torch.as_tensor(v, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
                              for v in (step.mean, step.std))
        mean, std = made[key]
        return (x - mean) / std

    apply.normalize = True
    return apply


def affine_batch(x, degrees, shifts=None, fill=0.0):
    """Rotate square image i of ``x`` counter-clockwise by degrees[i] about its
    centre, then move it shifts[i] = (right, down) whole pixels.

    Matches torchvision's ``F.rotate(..., InterpolationMode.NEAREST)`` and
    ``F.affine(img, -degrees[i], shifts[i], 1.0, 0.0)`` pixel for pixel (the
    grid runs from -1 to 1 along each side, so a rotation is exact on square
    images only, as MNIST's are).
    """
    rad = degrees.to(x.dtype) * (math.pi / 180.0)
    cos, sin, zero = rad.cos(), rad.sin(), torch.zeros_like(rad)
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)
    if shifts is not None:
        # An output pixel p shows the input at R(p - shift); the grid runs from -1 to 1 across the image.
        height, width = x.shape[-2:]
        shifts = shifts.to(x.dtype)
        shift = torch.stack([shifts[:, 0] * (2.0 / width), shifts[:, 1] * (2.0 / height)], 1)  # no copy from the host
        theta[:, :, 2] = -(theta[:, :, :2] @ shift.unsqueeze(-1)).squeeze(-1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    if fill == 0:
        return F.grid_sample(x, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    # grid_sample pads with zeros: shift so that the fill value becomes zero.
    return F.grid_sample(x - fill, grid, mode="nearest", padding_mode="zeros", align_corners=False) + fill


def _nearest_fill(step):
    """The one fill value of a nearest-neighbour RandomRotation or RandomAffine about the default centre."""
    name = type(step).__name__
    if InterpolationMode(step.interpolation) != InterpolationMode.NEAREST or getattr(step, "expand", False) \
            or step.center is not None:
        raise UnsupportedTransform(f"{name}: only nearest interpolation, expand=False and the default centre")
    fill = step.fill if step.fill is not None else 0.0
    if isinstance(fill, dict):
        raise UnsupportedTransform(f"{name}: a fill per image type")
    if isinstance(fill, (list, tuple)):
        if len(set(fill)) != 1:
            raise UnsupportedTransform(f"{name}: one fill value for all channels")
        fill = fill[0]
    return float(fill)


def _random_rotation(step):
    fill = _nearest_fill(step)
    low, high = float(step.degrees[0]), float(step.degrees[1])

    def apply(x, generator):
        angles = torch.empty(x.shape[0], device=x.device).uniform_(low, high, generator=generator)
        return affine_batch(x, angles, fill=fill)

    apply.random = True
    return apply


def _random_affine(step):
    """RandomAffine with a rotation and a shift by whole pixels (no scale, no shear), from torchvision's
    distributions: an angle, then a horizontal and a vertical shift, each uniform and rounded as it
    rounds them. The batch draws all its angles first, then its shifts, so one image's draws match
    torchvision's exactly and a batch's match them in distribution."""
    fill = _nearest_fill(step)
    if step.scale is not None or step.shear is not None:
        raise UnsupportedTransform("RandomAffine: only degrees and translate (no scale, no shear)")
    low, high = float(step.degrees[0]), float(step.degrees[1])
    translate = step.translate or (0.0, 0.0)

    def apply(x, generator):
        n, (height, width) = x.shape[0], x.shape[-2:]
        angles = torch.empty(n, device=x.device).uniform_(low, high, generator=generator)
        shifts = torch.stack([torch.empty(n, device=x.device).uniform_(-most, most, generator=generator).round()
                              for most in (translate[0] * width, translate[1] * height)], 1)
        return affine_batch(x, -angles, shifts, fill=fill)  # F.affine turns clockwise, F.rotate counter-clockwise

    apply.random = True
    return apply


def _is_scaling_to_float(step):
    """v2.ToDtype(torch.float32, scale=True): what ToTensor does to a uint8 image."""
    return isinstance(step, v2.ToDtype) and step.dtype == torch.float32 and step.scale


def compile_transforms(pipeline):
    """Turn a ``transforms.Compose`` into a list of batch functions f(x, generator)."""
    steps = pipeline.transforms if isinstance(pipeline, (T.Compose, v2.Compose)) else [pipeline]
    compiled = []
    for step in steps:
        if isinstance(step, v2.ToImage):
            continue  # the batches are image tensors already
        if isinstance(step, T.ToTensor) or _is_scaling_to_float(step):
            compiled.append(_to_tensor)
        elif isinstance(step, (T.Normalize, v2.Normalize)):
            compiled.append(_normalize(step))
        elif isinstance(step, (T.RandomRotation, v2.RandomRotation)):
            compiled.append(_random_rotation(step))
        elif isinstance(step, (T.RandomAffine, v2.RandomAffine)):
            compiled.append(_random_affine(step))
        else:
            raise UnsupportedTransform(
                f"{type(step).__name__} has no batched version in common/batch_transforms.py; "
                "supported: ToTensor, Normalize, RandomRotation, RandomAffine"
            )
    if compiled.count(_to_tensor) != 1:
        raise InvalidPipeline("the pipeline needs exactly one ToTensor() (it turns 0..255 pixels into 0..1)")
    to_tensor = compiled.index(_to_tensor)
    if any(getattr(f, "normalize", False) for f in compiled[:to_tensor]):
        raise InvalidPipeline("Normalize must come after ToTensor(): its mean and std are for 0..1 pixels")
    return compiled


class BatchPipeline:
    """A compiled pipeline split in two: the deterministic prefix is applied
    once to the whole dataset (``prepare``), the rest to every batch (``__call__``)."""

    def __init__(self, pipeline):
        steps = compile_transforms(pipeline)
        first_random = next((i for i, f in enumerate(steps) if getattr(f, "random", False)), len(steps))
        self.fixed, self.per_batch = steps[:first_random], steps[first_random:]

    @property
    def is_random(self):
        return bool(self.per_batch)

    def prepare(self, images):
        """uint8 images -> floats, through every step before the first random one."""
        images = images.float()  # 0..255, exact: what a PIL image holds
        for f in self.fixed:
            images = f(images, None)
        return images

    def __call__(self, batch, generator):
        for f in self.per_batch:
            batch = f(batch, generator)
        return batch
