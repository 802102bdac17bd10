"""The train and test loops, the same for every lesson."""
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from tqdm import tqdm

from .runtime import sync

ERRORS_KEPT = 30  # wrong test predictions kept for the figure of misclassified digits


class NonFiniteLoss(RuntimeError):
    def __init__(self, epoch, batch, value):
        super().__init__(
            f"the training loss became {value} at epoch {epoch}, batch {batch}; "
            "training stopped (try a lower --lr)"
        )
        self.epoch, self.batch, self.value = epoch, batch, value


@dataclass
class TrainResult:
    loss: float  # mean over the epoch's images
    accuracy: float  # %, counted while training (Dropout and augmentation on)
    seconds: float


@dataclass
class TestResult:
    loss: float
    accuracy: float  # %
    correct: int
    images: int
    seconds: float
    errors: dict  # the first ERRORS_KEPT wrong predictions: images, truths, preds


def _sync_every(device):
    # Reading a number back from a GPU waits for all queued work; doing it on
    # every batch would leave the GPU idle between steps. On the CPU it is free.
    return 1 if device.type == "cpu" else 25


def train(model, device, train_loader, optimizer, epoch, scheduler=None, show_progress=True):
    """One pass over the training batches, one SGD step per batch; ``scheduler``, if given, steps after
    every batch (OneCycleLR). A scheduler that counts epochs steps in the lesson's epoch loop instead."""
    started = time.perf_counter()
    model.train()
    sync_every = _sync_every(device)
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    seen = 0
    pending = []  # losses not yet checked for NaN/inf, in batch order
    bar = tqdm(train_loader, desc=f"epoch {epoch:2d}", leave=False, disable=None if show_progress else True)
    for batch_idx, (data, target) in enumerate(bar, start=1):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad(set_to_none=True)
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()

        loss = loss.detach()
        pending.append(loss)
        loss_sum += loss * len(target)
        correct += (output.argmax(dim=1) == target).sum()
        seen += len(target)
        if batch_idx % sync_every == 0 or batch_idx == len(train_loader):
            _check_finite(pending, epoch, batch_idx)
            pending = []
            bar.set_postfix(loss=f"{loss_sum.item() / seen:.4f}", acc=f"{100.0 * correct.item() / seen:.2f}%")
    sync(device)
    return TrainResult(loss_sum.item() / seen, 100.0 * correct.item() / seen, time.perf_counter() - started)


def _check_finite(pending, epoch, last_batch):
    losses = torch.stack(pending)
    bad = ~torch.isfinite(losses)
    if bad.any():
        first = int(bad.nonzero()[0, 0])
        raise NonFiniteLoss(epoch, last_batch - len(pending) + 1 + first, float(losses[first]))


@torch.no_grad()
def test(model, device, test_loader):
    """Loss and accuracy on every test batch, in eval mode (Dropout off, BatchNorm's running statistics)."""
    started = time.perf_counter()
    model.eval()
    loss_sum, correct, seen = 0.0, 0, 0
    errors = {"images": [], "truths": [], "preds": []}
    kept = 0
    for data, target in test_loader:
        data, target = data.to(device), target.to(device)
        output = model(data)
        loss_sum += F.nll_loss(output, target, reduction="sum").item()
        pred = output.argmax(dim=1)
        wrong = pred != target
        correct += len(target) - int(wrong.sum())
        seen += len(target)
        if kept < ERRORS_KEPT and wrong.any():
            take = wrong.nonzero().squeeze(1)[: ERRORS_KEPT - kept]
            errors["images"].append(data[take].cpu())
            errors["truths"].append(target[take].cpu())
            errors["preds"].append(pred[take].cpu())
            kept += len(take)
    errors = {k: torch.cat(v) if v else torch.empty(0) for k, v in errors.items()}
    return TestResult(loss_sum / seen, 100.0 * correct / seen, correct, seen, time.perf_counter() - started, errors)
