"""The batched pipeline computes what torchvision computes image by image, and
any other torchvision pipeline runs image by image, as torchvision defines it."""
import json

import pytest
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode, v2
from torchvision.transforms import functional as TF

from common.cli import EXIT_OK
from common.batch_transforms import BatchPipeline, UnsupportedTransform, affine_batch
from common.data import mnist

NORMALIZE = transforms.Normalize((0.1307,), (0.3081,))


@pytest.fixture(scope="module")
def images(mnist_dir):
    return mnist(mnist_dir)[True].data[:64].unsqueeze(1)  # uint8, 64 x 1 x 28 x 28


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
    got = affine_batch(x, torch.full((len(x),), angle))
    assert torch.equal(got, expected)


def test_rotation_with_a_fill_value(images):
    x = images.float()
    expected = TF.rotate(x, 30.0, interpolation=InterpolationMode.NEAREST, fill=[255.0])
    assert torch.equal(affine_batch(x, torch.full((len(x),), 30.0), fill=255.0), expected)


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


@pytest.mark.parametrize("angle, shift", [(0.0, (3, -2)), (-7.0, (1, 2)), (12.5, (-3, 0))])
def test_rotation_and_shift_match_torchvision_pixel_for_pixel(images, angle, shift):
    x = images.float()
    expected = TF.affine(x, angle, list(shift), 1.0, [0.0, 0.0], interpolation=InterpolationMode.NEAREST)
    n = len(x)
    got = affine_batch(x, torch.full((n,), -angle), torch.tensor([shift], dtype=torch.float32).expand(n, 2))
    assert torch.equal(got, expected)


@pytest.mark.parametrize("seed", range(6))
def test_random_affine_draws_what_torchvision_draws(images, seed):
    """One image, one seed: the angle and the shifts of torchvision's own RandomAffine.get_params
    (a wider vertical than horizontal range, so that swapped axes would show)."""
    pipeline = BatchPipeline(transforms.Compose([transforms.RandomAffine(degrees=7, translate=(0.1, 0.2)),
                                                 transforms.ToTensor(), NORMALIZE]))
    img = images[seed:seed + 1]
    ours = pipeline(pipeline.prepare(img), torch.Generator().manual_seed(seed))
    torch.manual_seed(seed)
    angle, shift, _, _ = transforms.RandomAffine.get_params([-7.0, 7.0], [0.1, 0.2], None, None, [28, 28])
    moved = TF.affine(img.float(), angle, list(shift), 1.0, [0.0, 0.0], interpolation=InterpolationMode.NEAREST)
    torch.testing.assert_close(ours, NORMALIZE(moved / 255.0), rtol=0, atol=1e-6)


def test_random_affine_draws_per_image(images):
    pipeline = BatchPipeline(transforms.Compose([transforms.RandomAffine(degrees=0, translate=(0.1, 0.1)),
                                                 transforms.ToTensor()]))
    out = pipeline(pipeline.prepare(images[:1].expand(32, -1, -1, -1)), torch.Generator().manual_seed(0))
    assert len({tuple(o.flatten().tolist()) for o in out}) > 8  # one shared shift would give one image


def test_random_affine_without_translate_draws_and_makes_what_a_zero_shift_did(images):
    """Lessons 9 and 10 once wrote translate=(SHIFT, SHIFT) with SHIFT = 0.0; records made then stand for
    today's RandomAffine(ROTATION) only if both give the same batches from the same generator (docs/choosing.md)."""
    batches = []
    for step in (transforms.RandomAffine(7.0, translate=(0.0, 0.0), fill=0), transforms.RandomAffine(7.0, fill=0)):
        pipeline = BatchPipeline(transforms.Compose([step, transforms.ToTensor(), NORMALIZE]))
        generator, x = torch.Generator().manual_seed(0), pipeline.prepare(images)
        batches.append(torch.cat([pipeline(x, generator) for _ in range(3)]))
    assert torch.equal(*batches)


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
    (transforms.Compose([transforms.RandomAffine(7, scale=(0.9, 1.1)), transforms.ToTensor()]), "no scale"),
])
def test_unsupported_steps_are_refused(pipeline, message):
    with pytest.raises(UnsupportedTransform, match=message):
        BatchPipeline(pipeline)


V2_ROTATION = v2.Compose([v2.ToImage(), v2.RandomRotation((-7.0, 7.0)), v2.ToDtype(torch.float32, scale=True),
                          v2.Normalize((0.1307,), (0.3081,))])


def test_v2_steps_run_batched_and_equal_v1(images):
    v1 = BatchPipeline(transforms.Compose([transforms.RandomRotation((-7.0, 7.0), fill=0), transforms.ToTensor(),
                                           NORMALIZE]))
    ours = BatchPipeline(V2_ROTATION)
    assert ours.is_random
    x = images.float()
    torch.testing.assert_close(ours(ours.prepare(images), torch.Generator().manual_seed(3)),
                               v1(v1.prepare(images), torch.Generator().manual_seed(3)), rtol=0, atol=0)
    fixed = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize((0.1307,), (0.3081,))])
    batched = BatchPipeline(fixed)
    torch.testing.assert_close(batched(batched.prepare(images), None), NORMALIZE(x / 255.0), rtol=0, atol=1e-6)


FAST = ("RandomAffine", "v2")  # pipelines with a batched version of every step
SHIFTED = ("RandomAffine",)  # harder for a linear model after 2,000 images
PIPELINES = {
    "RandomAffine": transforms.Compose([transforms.RandomAffine(degrees=7, translate=(0.1, 0.1)),
                                        transforms.ToTensor(), NORMALIZE]),
    "scaling RandomAffine": transforms.Compose([transforms.RandomAffine(degrees=7, scale=(0.9, 1.1)),
                                                transforms.ToTensor(), NORMALIZE]),
    "RandomErasing": transforms.Compose([transforms.ToTensor(), NORMALIZE, transforms.RandomErasing()]),
    "bilinear RandomRotation": transforms.Compose([
        transforms.RandomRotation(7, interpolation=InterpolationMode.BILINEAR), transforms.ToTensor(), NORMALIZE]),
    "v2": V2_ROTATION,
}


@pytest.mark.parametrize("name", PIPELINES)
def test_any_torchvision_pipeline_trains(name, tiny_lesson, tmp_path, capsys):
    """One epoch on 2,000 images with the learner's pipeline: the network learns, and a
    step with no batched version says, in one line, that it runs image by image."""
    tiny_lesson.module.TRAIN_TRANSFORMS = PIPELINES[name]
    assert tiny_lesson("--epochs", "1", "--limit", "2000", "--no-plots", "--out", "a") == EXIT_OK
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")]
    if name in FAST:
        assert notes == []
    else:
        assert len(notes) == 1 and "the training transforms run image by image" in notes[0]
        assert name.split()[-1] in notes[0]
    m = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert m["epochs"][0]["test_acc"] > (50 if name in SHIFTED else 70)  # a linear model; chance is 10%
    assert m["settings"]["train_transforms"] == repr(PIPELINES[name])


def test_the_image_by_image_path_is_reproducible(tiny_lesson, tmp_path):
    tiny_lesson.module.TRAIN_TRANSFORMS = PIPELINES["scaling RandomAffine"]
    for out in ("a", "b"):
        assert tiny_lesson("--epochs", "1", "--limit", "1000", "--no-plots", "--out", out) == 0
    a, b = (json.loads((tmp_path / out / "metrics.json").read_text())["epochs"][0] for out in ("a", "b"))
    assert a["train_loss"] == b["train_loss"] and a["test_correct"] == b["test_correct"]


def test_a_pipeline_torchvision_could_not_run_either_stops_in_one_line(tiny_lesson, tmp_path):
    tiny_lesson.module.TRAIN_TRANSFORMS = transforms.Compose([NORMALIZE, transforms.ToTensor()])
    with pytest.raises(SystemExit) as exit_info:
        tiny_lesson("--out", "a")
    assert str(exit_info.value.code) == ("error: the training transforms: Normalize must come after ToTensor(): "
                                         "its mean and std are for 0..1 pixels")
    assert not (tmp_path / "a").exists()
