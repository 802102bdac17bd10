"""The command line every lesson script shares, and where its run goes."""
import argparse
import ast
import itertools
import math
import time
from pathlib import Path

from . import paths
from .runtime import DEVICES, device_problem, pick_device

# A run's exit status: 130 is what a shell reports for a Ctrl-C (128 + SIGINT).
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
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


def build_parser(script, description, epochs, batch_size, lr):
    parser = argparse.ArgumentParser(prog=f"python {script}.py", description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--epochs", type=number(minimum=1), default=epochs, help="epochs to train")
    parser.add_argument("--batch-size", type=number(minimum=1), default=batch_size, help="training batch size")
    parser.add_argument("--lr", type=number(float, above=0), default=lr, help="(initial) learning rate")
    parser.add_argument("--seed", type=number(minimum=0), default=1, help="random seed")
    parser.add_argument("--device", choices=DEVICES, default="auto", help="auto: CUDA, then MPS, then CPU")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA, help="where MNIST's raw files are (or go)")
    parser.add_argument("--validation", action="store_true",
                        help="train on the first 50,000 training images and evaluate on the other 10,000, "
                             "never on the test set: for choosing settings")
    parser.add_argument("--limit", type=number(minimum=1), default=None, metavar="N",
                        help="train and evaluate on the first N images only, for a quick look")
    parser.add_argument("--dry-run", action="store_true", help="one epoch on 512 images: check that it runs")
    parser.add_argument("--no-plots", action="store_true", help="skip curves.png and misclassified.png")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=None,
                       help=f"folder for this run (default: a new folder {paths.RUNS}/{script}/<date>-<time>[-<what "
                            f"changed>], so that no run replaces another)")
    where.add_argument("--record", action="store_true",
                       help=f"record the script's own run (its settings, seed 1, on the CPU): once complete, it "
                            f"replaces {paths.RESULTS}/{script}/, which the docs are generated from")
    return parser


def parse_args(script_file, argv=None, *, epochs, batch_size, lr):
    """The lesson's settings, possibly changed on the command line."""
    script = Path(script_file).stem
    parser = build_parser(script, _first_line_of_docstring(script_file), epochs, batch_size, lr)
    args = parser.parse_args(argv)
    refuse_unusable_device(parser, args.device)
    if args.record:
        changed = [f"--{flag.replace('_', '-')}" for flag in (*SETTINGS, "limit", "dry_run", "validation", "no_plots")
                   if getattr(args, flag) != parser.get_default(flag)]
        if changed:
            parser.error(f"--record records the script's own run, figures included: drop {', '.join(changed)}")
        if pick_device(args.device).type != "cpu":
            parser.error("--record: the recorded runs are CPU runs; add --device cpu")
    if args.dry_run:
        args.epochs, args.limit = 1, min(args.limit or 512, 512)
    args.script = script
    args.changed = [f"{name}{getattr(args, flag)}" for flag, name in SETTINGS.items()
                    if getattr(args, flag) != parser.get_default(flag)]
    return args


def _first_line_of_docstring(script_file):
    path = Path(script_file)
    doc = ast.get_docstring(ast.parse(path.read_text())) if path.exists() else None
    return doc.splitlines()[0] if doc else None


def refuse_unusable_device(parser, name):
    """Stop with the parser's one-line error (exit status 2, like its every refusal) if ``name`` cannot be used here."""
    problem = device_problem(name)
    if problem:
        parser.error(problem)


def output_folder(args, device):
    """Where this run is written while it trains, created: --out, or else a
    new folder under runs/<script>/ for every run, named by when it started
    and what the command line changed, so that no run replaces another and
    an edited script never writes over its recorded run. (A --record run
    trains there too; only once complete is it copied to results/<script>/.)"""
    if args.out is not None:
        _make(args.out, exist_ok=True)
        return args.out
    tags = [*args.changed, *(["validation"] if args.validation else []),
            *([f"limit{args.limit}"] if args.limit else []), *([device.type] if device.type != "cpu" else []),
            *(["record"] if args.record else [])]
    name = "-".join([time.strftime("%Y%m%d-%H%M%S"), *tags])
    for n in itertools.count(1):
        folder = paths.RUNS / args.script / (name if n == 1 else f"{name}-{n}")
        try:
            _make(folder, exist_ok=False)  # claims the name at once: two runs started together get one each
            return folder
        except FileExistsError:
            continue


def _make(folder, exist_ok):
    """Create ``folder``; a failure is a one-line error, except a name already taken where that is not allowed."""
    try:
        folder.mkdir(parents=True, exist_ok=exist_ok)
    except OSError as err:
        if isinstance(err, FileExistsError) and not exist_ok:
            raise
        raise SystemExit(f"error: cannot write the run to {folder}: {err.strerror or err}") from None
