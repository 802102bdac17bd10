"""Result files, written so that an interrupted run never leaves half a file.

Every file goes to a temporary name in the same folder first and is then
renamed over the old one (``os.replace`` is atomic on POSIX and Windows), so
a reader sees either the previous complete file or the new complete file.
"""
import contextlib
import json
import os
import signal
import threading
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window, works on a headless machine
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402


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


def save_figure(fig, path):
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def plot_curves(path, epochs, title, goal_acc=None, evaluated_on="test"):
    """Loss and accuracy per epoch, train beside test (or validation)."""
    xs = [e["epoch"] for e in epochs]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    for split, label, style in (("train", "train", "-o"), ("test", evaluated_on, "-s")):
        ax_loss.plot(xs, [e[f"{split}_loss"] for e in epochs], style, ms=3, label=label)
        ax_acc.plot(xs, [e[f"{split}_acc"] for e in epochs], style, ms=3, label=label)
    ax_loss.set(xlabel="epoch", ylabel="loss (NLL)", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    if goal_acc is not None:
        ax_acc.axhline(goal_acc, color="grey", lw=0.8, ls="--", label=f"{goal_acc:g}% goal")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    save_figure(fig, path)


def plot_misclassified(path, images, truths, preds, title, total_errors, evaluated_on="test"):
    """A grid of (the first) wrong test predictions, each titled with its true and predicted label:
    white digits on black, as MNIST stores them."""
    n = len(images)
    cols = 10
    rows = max(1, (n + cols - 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.35))
    for i, ax in enumerate(getattr(axes, "flat", [axes])):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].squeeze(0).numpy(), cmap="gray")
            ax.set_title(f"{int(truths[i])} → {int(preds[i])}", fontsize=9)
    fig.suptitle(f"{title}: true → predicted, the first {n} of {total_errors:,} {evaluated_on} errors", fontsize=10)
    save_figure(fig, path)
