"""The command line every lesson script shares."""
import argparse
import math
from pathlib import Path

from .runtime import DEVICES, device_problem, pick_device

SCRATCH = Path("scratch")  # where shortened runs go unless --out says otherwise (git ignores it)
RUNS = Path("runs")  # where runs with other settings go (git ignores it): results/ keeps the recorded runs
SETTINGS = {"epochs": "epochs", "batch_size": "batch", "lr": "lr", "seed": "seed"}  # flag -> name in a folder


def number(kind=int, minimum=None, above=None, maximum=None):
    """An argparse type: a finite ``kind`` at least ``minimum`` (or strictly above ``above``), at most ``maximum``."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'a whole number' if kind is int else 'a number'}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be at least {minimum}, got {value}" if minimum > 0 else f"must not be negative, got {value}")
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {value:,}")
        return value

    return parse


def build_parser(script, description, defaults):
    parser = argparse.ArgumentParser(
        prog=f"python {script}.py",
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--epochs", type=number(minimum=1), default=defaults["epochs"], help="epochs to train")
    parser.add_argument("--batch-size", type=number(minimum=1), default=defaults["batch_size"],
                        help="training batch size")
    parser.add_argument("--lr", type=number(float, above=0), default=defaults["lr"],
                        help="(initial) learning rate of SGD")
    parser.add_argument("--seed", type=number(minimum=0), default=1, help="random seed")
    parser.add_argument("--device", choices=DEVICES, default="auto", help="auto: CUDA, then MPS, then CPU")
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="where MNIST's raw files are (or go)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"folder for results (default: results/{script} for the script's own settings on "
                             f"the CPU, {RUNS}/{script}-<what changed> for others, e.g. {RUNS}/{script}-lr0.5 "
                             f"or {RUNS}/{script}-cuda, and "
                             f"{SCRATCH}/{script} for --limit or --dry-run: only the recorded run writes results/)")
    parser.add_argument("--limit", type=number(minimum=1), default=None, metavar="N",
                        help="train and test on the first N images only, for a quick look")
    parser.add_argument("--no-plots", action="store_true", help="skip curves.png and misclassified.png")
    parser.add_argument("--dry-run", action="store_true", help="one epoch on 512 images: check that it runs")
    return parser


def refuse_unusable_device(parser, name):
    """Stop with the parser's one-line error (exit status 2, like its every refusal) if ``name`` cannot be used here."""
    problem = device_problem(name)
    if problem:
        parser.error(problem)


def parse_args(parser, argv=None):
    args = parser.parse_args(argv)
    refuse_unusable_device(parser, args.device)
    if args.dry_run:
        args.epochs, args.limit = 1, min(args.limit or 512, 512)
    if args.out is None:
        args.out = default_out(parser, args)
    return args


def default_out(parser, args):
    """results/<script> for the script's own settings on the CPU only, so an
    experiment never replaces the recorded run. The recorded runs are CPU runs:
    a GPU draws other random numbers and rounds convolutions differently, so
    its run of the same script is another run, not a new record of this one."""
    script = parser.prog.split()[-1][: -len(".py")]
    if args.limit:
        return SCRATCH / script
    changed = [f"{name}{getattr(args, flag)}" for flag, name in SETTINGS.items()
               if getattr(args, flag) != parser.get_default(flag)]
    device = pick_device(args.device).type
    if device != "cpu":
        changed.append(device)
    return RUNS / "-".join([script, *changed]) if changed else Path("results") / script
