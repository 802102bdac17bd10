"""Run a lesson over values of its settings and seeds, and compare them.

    python -m tools.experiment code05_dropout.py --set DROPOUT=0,0.05,0.1,0.2 --seeds 1 2 3 --validation
    python -m tools.experiment 10 --set STEP_SIZE=5,7 --set LR=0.05,0.1 --seeds 1 2      # a grid: 4 x 2 runs
    python -m tools.experiment my_copy.py --set DROPOUT=0 --reference 10 --jobs 2 --validation

--set NAME=V1,V2,... overrides a module-level setting of the script (EPOCHS,
LR, BATCH_SIZE, MOMENTUM, DROPOUT, STEP_SIZE, ... whatever the script
defines in capitals as a number, string or boolean); two or more --set make
a grid. --reference adds a row of a lesson as it stands (by default the
script itself), over the same seeds, to compare against. --validation,
--epochs, --limit and --device go to every run. Choose settings with
--validation: the test set is for the final verdict only.

--jobs N trains N runs at once, each in its own process: on a CPU each takes
its share of the cores (the numbers then differ in the last digits from a
run that has all of them); on a GPU they share it, which keeps it busy.

Everything goes to runs/experiments/<name>/ (default name: the script and
the settings), or with --record to results/experiments/<name>/, the records
that docs/choosing.md quotes: one folder per run, table.md and results.json
(per value: mean and standard deviation over the seeds of the final accuracy
and of the lowest of the last five epochs, and the seconds), and figure.png.
A finished run is kept: after a Ctrl-C the same command resumes where it stopped.
A run whose loss stops being a number has diverged: a result, kept too; the
table names it under its row and leaves it out of the row's mean.
"""
import argparse
import shlex
import sys
from pathlib import Path

from common import paths
from common.cli import number
from common.files import atomic_path, write_json
from common.runtime import DEVICES
from course.lessons import load_module, resolve

from . import runner
from .experiment_report import figure, summarise, table
from .runner import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, Run, check, parse_set, run_one  # noqa: F401

PASSED_ON = ("epochs", "limit", "device", "data_dir")  # flags given to every run, besides --validation


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument("script", help="a lesson: its number, code05 or code05_dropout.py, or a script's path")
    parser.add_argument("--set", dest="sets", action="append", required=True, metavar="NAME=V1,V2",
                        help="a setting and the values to try; repeat for a grid")
    parser.add_argument("--reference", nargs="?", const="", metavar="LESSON",
                        help="add a row of LESSON as it stands (default: the script itself), same seeds and flags")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--jobs", type=number(minimum=1), default=1, help="runs trained at once, one process each")
    parser.add_argument("--validation", action="store_true", help="evaluate on the held-out 10,000 training images")
    parser.add_argument("--epochs", type=number(minimum=1), help="epochs of every run (default: the script's)")
    parser.add_argument("--limit", type=number(minimum=1), help="train and evaluate on the first N images only")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--data-dir", help="where MNIST's raw files are (default: the script's)")
    parser.add_argument("--name", help="the experiment's folder under runs/experiments/ (or results/experiments/)")
    parser.add_argument("--record", action="store_true",
                        help="write to results/experiments/<name>/, the records the docs quote")
    return parser


def script_path(text):
    return Path(text) if text.endswith(".py") and Path(text).exists() else resolve(text)


def parse_grid(parser, args, script):
    """The --set options as lists of (NAME, value), each checked against the script: bad input stops here."""
    module = load_module(script)
    grid = []
    for text in args.sets:
        try:
            name, values = parse_set(text)
        except ValueError as err:
            parser.error(str(err))
        problem = check(module, name, values)
        if problem:
            parser.error(problem)
        try:
            load_module(script, [(name, values[0])])
        except ValueError as err:  # a setting the script does not assign in one plain line
            parser.error(f"--set {name}: {err}")
        if name == "EPOCHS" and args.epochs is not None:
            parser.error("--set EPOCHS and --epochs: choose one")
        grid.append([(name, v) for v in dict.fromkeys(values)])  # each value once
    if len({names[0][0] for names in grid}) != len(grid):
        parser.error("--set: each setting once")
    if len(set(args.seeds)) != len(args.seeds):
        parser.error("--seeds: each seed once")
    if args.record and not args.validation:
        parser.error("--record: a recorded experiment chooses settings, so it runs on --validation")
    return grid


def plan(script, grid, reference, seeds, base, flags):
    """Every run to make, the reference's first: {row label: [Run, one per seed]}."""
    import itertools

    rows = {}
    if reference is not None:
        rows[f"reference: {reference.stem}"] = [Run(reference, (), seed, base / "reference" / f"seed{seed}", flags)
                                                for seed in seeds]
    for overrides in itertools.product(*grid):
        key = runner.label(overrides)
        rows[key] = [Run(script, overrides, seed, base / key / f"seed{seed}", flags) for seed in seeds]
    return rows


def train(rows, jobs, evaluated_on):
    """({row label: [metrics]}, [a line per failed run]) of ``rows``, each run trained unless it finished before
    (Run.finished); (None, None) after a Ctrl-C."""
    metrics = {run: run.finished() for runs in rows.values() for run in runs}
    todo = {run: key for key, runs in rows.items() for run in runs if metrics[run] is None}
    trained, failed = runner.run_all(todo, jobs, evaluated_on)
    if trained is None:
        return None, None
    metrics.update(trained)
    done = {key: [metrics[run] for run in runs if metrics[run]] for key, runs in rows.items()}
    return {key: runs for key, runs in done.items() if runs}, failed


def report(base, rows, script, grid, evaluated_on, flags, argv):
    """results.json, table.md and figure.png of the finished runs; the table is printed too."""
    write_json(base / "results.json", {"script": script.stem, "evaluated_on": evaluated_on, "flags": flags,
                                       "command": shlex.join(["python", "-m", "tools.experiment", *argv]),
                                       "rows": rows})
    with atomic_path(base / "table.md") as tmp:
        tmp.write_text(table(rows, evaluated_on))
    if any(r["curves"] for r in rows):  # else every run diverged: the table says so
        figure(base / "figure.png", rows, f"{script.stem}: {', '.join(n[0][0] for n in grid)}", evaluated_on)
    print(table(rows, evaluated_on))
    print(f"table, figure and every run in {base}/")


def main(argv=None):
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    script = script_path(args.script)
    grid = parse_grid(parser, args, script)
    reference = None if args.reference is None else script if not args.reference else script_path(args.reference)

    name = args.name or "-".join([script.stem, *(names[0][0] for names in grid)])
    base = (paths.RESULTS if args.record else paths.RUNS) / "experiments" / name
    flags = [*(["--validation"] if args.validation else []),
             *(f"--{flag.replace('_', '-')}={getattr(args, flag)}" for flag in PASSED_ON
               if getattr(args, flag) is not None)]
    evaluated_on = "validation" if args.validation else "test"
    rows = plan(script, grid, reference, args.seeds, base, flags)
    print(f"{len(rows)} row(s) x {len(args.seeds)} seed(s) = {len(rows) * len(args.seeds)} runs of {script.name} "
          f"into {base}/, evaluated on the {evaluated_on} images, {args.jobs} at a time")

    done, failed = train(rows, args.jobs, evaluated_on)
    if done is None:
        print(f"\ninterrupted: the finished runs are kept in {base}/; run the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    summary = summarise(done)
    if summary:
        report(base, summary, script, grid, evaluated_on, flags, argv)
    for line in failed:
        print(f"error: a run failed: {line}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
