"""Result files, written so that an interrupted run never leaves half a file.

Every file goes to a temporary name in the same folder first and is then
renamed over the old one (``os.replace`` is atomic on POSIX and Windows), so
a reader sees either the previous complete file or the new complete file.
"""
import contextlib
import json
import os
import shutil
import signal
import threading
import tempfile
from pathlib import Path

import torch


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary Path beside ``path``; rename it over ``path`` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; results are meant to be shared
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def deferred_interrupt():
    """Hold a Ctrl-C back until the block is done, so files written together stay together."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def write_json(path, data):
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2) + "\n")


def save_weights(path, model):
    with atomic_path(path) as tmp:
        torch.save(model.state_dict(), tmp)


def load_weights(path, model, device):
    """Load a state dict without ever unpickling code (weights_only=True)."""
    state = torch.load(path, map_location=device, weights_only=True)
    model.load_state_dict(state)
    return model


def copy_file(source, destination):
    """Copy ``source`` to ``destination``, written whole or not at all."""
    with atomic_path(destination) as tmp:
        shutil.copyfile(source, tmp)


def copy_whole(names, source, destination):
    """Copy the files ``names`` from folder ``source`` to folder ``destination``, each written whole,
    a Ctrl-C held back until all are there."""
    with deferred_interrupt():
        for name in names:
            copy_file(Path(source) / name, Path(destination) / name)
