"""The batched pipeline computes what torchvision computes image by image."""
import pytest
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as TF

from common.batch_transforms import BatchPipeline, UnsupportedTransform, rotate_batch
from common.data import load_split

NORMALIZE = transforms.Normalize((0.1307,), (0.3081,))


@pytest.fixture(scope="module")
def images(mnist_dir):
    return load_split(mnist_dir, train=True, limit=64)[0]


def per_image(pipeline, images):
    """The usual way: each image through PIL and the Compose."""
    return torch.stack([pipeline(Image.fromarray(img.squeeze(0).numpy(), mode="L")) for img in images])


def test_deterministic_pipeline_equals_torchvision(images):
    pipeline = transforms.Compose([transforms.ToTensor(), NORMALIZE])
    batched = BatchPipeline(pipeline)
    assert not batched.is_random
    ours = batched(batched.prepare(images), None)
    torch.testing.assert_close(ours, per_image(pipeline, images), rtol=0, atol=1e-6)


@pytest.mark.parametrize("angle", [-7.0, 3.5, 15.0, 90.0])
def test_rotation_matches_torchvision_pixel_for_pixel(images, angle):
    x = images.float()
    expected = TF.rotate(x, angle, interpolation=InterpolationMode.NEAREST)
    got = rotate_batch(x, torch.full((len(x),), angle))
    assert torch.equal(got, expected)


def test_rotation_with_a_fill_value(images):
    x = images.float()
    expected = TF.rotate(x, 30.0, interpolation=InterpolationMode.NEAREST, fill=[255.0])
    assert torch.equal(rotate_batch(x, torch.full((len(x),), 30.0), fill=255.0), expected)


def test_random_rotation_draws_one_angle_per_image_within_range(images):
    pipeline = BatchPipeline(transforms.Compose([
        transforms.RandomRotation((-7.0, 7.0), fill=0), transforms.ToTensor(), NORMALIZE,
    ]))
    assert pipeline.is_random
    same = images[:1].expand(32, -1, -1, -1)
    out = pipeline(pipeline.prepare(same), torch.Generator().manual_seed(0))
    distinct = {tuple(o.flatten().tolist()) for o in out}
    assert len(distinct) > 16  # one shared angle would give one distinct image
    # image i is torchvision's rotation by the i-th uniform draw from [-7, 7]
    angles = torch.empty(32).uniform_(-7.0, 7.0, generator=torch.Generator().manual_seed(0))
    for o, img, angle in zip(out, same, angles.tolist()):
        expected = NORMALIZE(TF.rotate(img.float(), angle, interpolation=InterpolationMode.NEAREST) / 255.0)
        torch.testing.assert_close(o, expected, rtol=0, atol=1e-6)


def test_fixed_angle_range_is_exact(images):
    pipeline = transforms.Compose([transforms.RandomRotation((5.0, 5.0)), transforms.ToTensor(), NORMALIZE])
    batched = BatchPipeline(pipeline)
    ours = batched(batched.prepare(images), torch.Generator().manual_seed(0))
    torch.testing.assert_close(ours, per_image(pipeline, images), rtol=0, atol=1e-6)


@pytest.mark.parametrize("pipeline, message", [
    (transforms.Compose([transforms.ToTensor(), transforms.RandomErasing()]), "RandomErasing"),
    (transforms.Compose([NORMALIZE]), "exactly one ToTensor"),
    (transforms.Compose([NORMALIZE, transforms.ToTensor()]), "Normalize must come after ToTensor"),
    (transforms.Compose([transforms.RandomRotation(7, interpolation=InterpolationMode.BILINEAR),
                         transforms.ToTensor()]), "nearest"),
])
def test_unsupported_steps_are_refused(pipeline, message):
    with pytest.raises(UnsupportedTransform, match=message):
        BatchPipeline(pipeline)
