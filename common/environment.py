"""What a run ran on: device, processor and library versions, recorded with
every run and every benchmark (the last digits of a result depend on them)."""
import platform
from pathlib import Path

import torch
import torchvision

from .runtime import describe


def cpu_model():
    """The processor's name: the CPU's kernels, and so the last digits of a run, depend on it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(device):
    return {
        "device": device.type,
        "device_name": describe(device),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": cpu_model(),
    }
