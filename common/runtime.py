"""Device choice and seeding."""
import random

import torch

DEVICES = ("auto", "cpu", "cuda", "mps")


def _mps_available():
    return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


def device_problem(name):
    """None if ``name`` can be used here, else a one-line reason."""
    if name == "cuda" and not torch.cuda.is_available():
        return "--device cuda: no CUDA GPU is available on this machine (use --device auto or cpu)"
    if name == "mps" and not _mps_available():
        return "--device mps: Apple's MPS backend is not available on this machine (use --device auto or cpu)"
    return None


def pick_device(name="auto"):
    """auto means CUDA, then Apple's MPS, then the CPU."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if _mps_available() else "cpu")
    problem = device_problem(name)
    if problem:
        raise ValueError(problem)
    return torch.device(name)


def describe(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple MPS"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"


def sync(device):
    """Wait for queued GPU work, so a timer measures work done, not work queued."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def seed_everything(seed, device):
    """Seed every generator a run touches; return the one that shuffles the batches and draws the batched
    augmentation. (Dropout, and torchvision's transforms on the image-by-image path, use the global ones.)"""
    random.seed(seed)
    torch.manual_seed(seed)  # the CPU's generator (weights' init) and the GPU's (Dropout's masks there)
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return generator
