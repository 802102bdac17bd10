"""The command line every lesson script shares."""
import argparse
import math
from pathlib import Path

from .runtime import DEVICES, device_problem


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def build_parser(script, description, defaults):
    parser = argparse.ArgumentParser(
        prog=f"python {script}.py",
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--epochs", type=_positive_int, default=defaults["epochs"], help="epochs to train")
    parser.add_argument("--batch-size", type=_positive_int, default=defaults["batch_size"], help="training batch size")
    parser.add_argument("--lr", type=_positive_float, default=defaults["lr"], help="(initial) learning rate of SGD")
    parser.add_argument("--seed", type=_non_negative_int, default=1, help="random seed")
    parser.add_argument("--device", choices=DEVICES, default="auto", help="auto: CUDA, then MPS, then CPU")
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="where MNIST's raw files are (or go)")
    parser.add_argument("--out", type=Path, default=Path("results") / script, help="folder for results")
    parser.add_argument("--limit", type=_positive_int, default=None, metavar="N",
                        help="train and test on the first N images only, for a quick look")
    parser.add_argument("--no-plots", action="store_true", help="skip curves.png and misclassified.png")
    parser.add_argument("--dry-run", action="store_true", help="one epoch on 512 images: check that it runs")
    return parser


def parse_args(parser, argv=None):
    args = parser.parse_args(argv)
    problem = device_problem(args.device)
    if problem:
        parser.error(problem)  # exit status 2, like every other refusal of the parser
    if args.dry_run:
        args.epochs, args.limit = 1, min(args.limit or 512, 512)
    return args
