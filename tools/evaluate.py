"""Evaluate a lesson's saved weights on the 10,000 test images, without training.

    python -m tools.evaluate code10_lr_schedule.py
    python -m tools.evaluate code10_lr_schedule.py --weights path/to/model.pt --device cpu

The weights are loaded with torch.load(..., weights_only=True): a weights
file holds tensors only and can never run code.
"""
import argparse
import pickle
import sys
from pathlib import Path

from common import paths
from common.cli import EXIT_FAILED, EXIT_OK, refuse_unusable_device
from common.engine import test
from common.loader import TEST_BATCH_SIZE, mnist_batches
from common.files import load_weights
from common.runtime import DEVICES, pick_device
from course.lessons import load_module, resolve


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("script", help="the lesson whose Net the weights belong to")
    parser.add_argument("--weights", type=Path, help="default: results/<script>/model.pt")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA, help="where MNIST's raw files are (or go)")
    args = parser.parse_args(argv)
    refuse_unusable_device(parser, args.device)
    script = resolve(args.script)
    weights = args.weights or paths.RESULTS / script.stem / "model.pt"
    if not weights.exists():
        print(f"error: {weights} does not exist; record the lesson (python {script.name} --record) or pass "
              f"--weights runs/{script.stem}/<run>/model.pt", file=sys.stderr)
        return EXIT_FAILED
    device = pick_device(args.device)
    lesson = load_module(script)
    model = lesson.Net().to(device)
    try:
        load_weights(weights, model, device)
    except (RuntimeError, ValueError, EOFError, OSError, pickle.UnpicklingError) as err:
        # a different network, a damaged file, or a pickle that would run code
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        print(f"error: {weights} is not a weights file for {script.name}'s Net: {first}", file=sys.stderr)
        return EXIT_FAILED
    batches = mnist_batches(args.data_dir, False, TEST_BATCH_SIZE, lesson.TEST_TRANSFORMS, device)
    result = test(model, device, batches)
    print(f"{script.name} with {weights}: test loss {result.loss:.4f}, accuracy {result.accuracy:.2f}% "
          f"({result.correct:,}/{result.images:,}) on {device.type}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
