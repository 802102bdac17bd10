"""Run a lesson over values of its settings and seeds, and compare them.

    python -m tools.experiment code05_dropout.py --set DROPOUT=0,0.05,0.1,0.2 --seeds 1 2 3 --validation
    python -m tools.experiment 10 --set STEP_SIZE=5,7 --set LR=0.05,0.1 --seeds 1 2      # a grid: 4 x 2 runs

--set NAME=V1,V2,... overrides a module-level setting of the script (EPOCHS,
LR, BATCH_SIZE, MOMENTUM, DROPOUT, STEP_SIZE, ... whatever the script
defines in capitals as a number, string or boolean); two or more --set make
a grid. --validation, --epochs, --limit and --device go to every run. Choose
settings with --validation: the test set is for the final verdict only.

Everything goes to runs/experiments/<name>/ (default name: the script and
the settings), or with --record to results/experiments/<name>/, the records
that docs/choosing.md quotes: one folder per run, table.md and results.json (per value:
mean and standard deviation over the seeds of the final accuracy and of the
lowest of the last five epochs, and the seconds), and figure.png. A finished
run is kept: after a Ctrl-C the same command resumes where it stopped.
"""
import argparse
import ast
import contextlib
import itertools
import json
import shlex
import statistics
import sys
import traceback
from pathlib import Path

from tqdm import tqdm

from common.cli import RUNS, number
from common.source import source_digest
from common.results import atomic_path, plt, save_figure, write_json
from common.runtime import DEVICES

from .lessons import RESULTS, epoch_summary, load_module, resolve

PASSED_ON = ("epochs", "limit", "device", "data_dir")  # flags given to every run, besides --validation
# Settings that a lesson also takes as flags: the same limits as its command line.
FLAGGED = {"EPOCHS": number(minimum=1), "BATCH_SIZE": number(minimum=1), "LR": number(float, above=0)}


def parse_set(text):
    """'DROPOUT=0,0.05' -> ('DROPOUT', [0, 0.05]); raises ValueError with a one-line reason."""
    name, sep, values = text.partition("=")
    if not sep or not name or not values:
        raise ValueError(f"--set {text!r}: write NAME=VALUE[,VALUE...], e.g. DROPOUT=0,0.1")
    parsed = []
    for value in values.split(","):
        try:
            parsed.append(ast.literal_eval(value.strip()))
        except (ValueError, SyntaxError):
            raise ValueError(f"--set {name}: {value!r} is not a number, a quoted string or True/False") from None
    return name, parsed


def check(module, name, values):
    """None if every value can replace the script's setting ``name``, else a one-line reason."""
    settings = [n for n, v in vars(module).items() if n.isupper() and isinstance(v, (int, float, str, bool))]
    if name not in settings:
        return f"--set {name}: the script has no such setting (it has {', '.join(settings)})"
    current = getattr(module, name)
    for value in values:
        if isinstance(current, float) and not isinstance(current, bool):
            same_kind = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            same_kind = type(value) is type(current)
        if not same_kind:
            return f"--set {name}={value!r}: the script's {name} is {current!r}, a {type(current).__name__}"
        if name in FLAGGED:
            try:
                FLAGGED[name](str(value))
            except argparse.ArgumentTypeError as err:
                return f"--set {name}={value!r}: {err}"
    return None


def label(overrides):
    return ",".join(f"{name}={value}" for name, value in overrides)


def finished(folder, wanted):
    """The run in ``folder`` if it completed with exactly the wanted settings, else None."""
    path = folder / "metrics.json"
    if not path.exists():
        return None
    m = json.loads(path.read_text())
    if m.get("status") != "complete" or m.get("experiment") != wanted:
        return None
    return m


def run_one(script, overrides, seed, folder, flags):
    """Train one run in this process, its printed output in run.log; returns its metrics or None."""
    module = load_module(script, overrides)
    folder.mkdir(parents=True, exist_ok=True)
    argv = ["--seed", str(seed), "--out", str(folder), "--no-plots", *flags]
    with open(folder / "run.log", "w") as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            status = module.main(argv)
        except SystemExit as exit:  # a refusal of the lesson itself (bad data folder, ...): its one line
            print(exit.code, file=log)
            status = 1
        except Exception:  # noqa: BLE001 -- out of memory, a setting the network cannot take: this run failed
            traceback.print_exc(file=log)
            status = 1
    if status == 130:
        raise KeyboardInterrupt
    return json.loads((folder / "metrics.json").read_text()) if status == 0 else None


def summarise(points):
    """Per value: mean and sd over seeds of the final and lowest-last-five accuracy, and of the seconds."""
    rows = []
    for key, runs in points.items():
        summaries = [epoch_summary(m) for m in runs]
        finals = [s["last_test_acc"] for s in summaries]
        lows = [s["min_last5_test_acc"] for s in summaries]
        sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0  # noqa: E731
        rows.append({
            "setting": key, "seeds": [s["seed"] for s in summaries],
            "final_mean": statistics.mean(finals), "final_sd": sd(finals),
            "lowest_last5_mean": statistics.mean(lows), "lowest_last5_sd": sd(lows),
            "seconds_mean": statistics.mean(s["total_seconds"] for s in summaries),
            "curves": [[e["test_acc"] for e in m["epochs"]] for m in runs],
        })
    return rows


def table(rows, evaluated_on):
    lines = [f"| setting | seeds | final {evaluated_on} acc (%) | lowest of the last five (%) | seconds |",
             "|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['setting']} | {', '.join(map(str, r['seeds']))} | "
                     f"{r['final_mean']:.2f} ± {r['final_sd']:.2f} | "
                     f"{r['lowest_last5_mean']:.2f} ± {r['lowest_last5_sd']:.2f} | {r['seconds_mean']:.0f} |")
    return "\n".join(lines) + "\n\nmean ± standard deviation over the seeds\n"


def figure(path, rows, title, evaluated_on):
    fig, (ax_value, ax_curve) = plt.subplots(1, 2, figsize=(11, 4))
    for i, r in enumerate(rows):
        finals = [c[-1] for c in r["curves"]]
        ax_value.plot([i] * len(finals), finals, "o", color="grey", alpha=0.5, ms=4)
        ax_value.errorbar(i, r["final_mean"], yerr=r["final_sd"], fmt="s", color="C0", capsize=4)
        mean_curve = [statistics.mean(acc) for acc in zip(*r["curves"])]
        ax_curve.plot(range(1, len(mean_curve) + 1), mean_curve, "-o", ms=3, label=r["setting"])
    ax_value.set_xticks(range(len(rows)), [r["setting"] for r in rows], rotation=30, ha="right", fontsize=8)
    ax_value.set(ylabel=f"final {evaluated_on} accuracy (%)", title="each seed (grey), mean ± sd (blue)")
    ax_curve.set(xlabel="epoch", ylabel=f"{evaluated_on} accuracy (%)", title="mean over the seeds")
    low = min(min(c[-1] for c in r["curves"]) for r in rows)
    ax_curve.set_ylim(max(low - 1.0, 0), 100)
    ax_curve.legend(fontsize=8)
    for ax in (ax_value, ax_curve):
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument("script", help="a lesson: its number, code05 or code05_dropout.py, or a script's path")
    parser.add_argument("--set", dest="sets", action="append", required=True, metavar="NAME=V1,V2",
                        help="a setting and the values to try; repeat for a grid")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--validation", action="store_true", help="evaluate on the held-out 10,000 training images")
    parser.add_argument("--epochs", type=number(minimum=1), help="epochs of every run (default: the script's)")
    parser.add_argument("--limit", type=number(minimum=1), help="train and evaluate on the first N images only")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--data-dir", help="where MNIST's raw files are (default: the script's)")
    parser.add_argument("--name", help="the experiment's folder under runs/experiments/ (or results/experiments/)")
    parser.add_argument("--record", action="store_true",
                        help="write to results/experiments/<name>/, the records the docs quote")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)

    script = Path(args.script) if args.script.endswith(".py") and Path(args.script).exists() else resolve(args.script)
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

    name = args.name or "-".join([script.stem, *(names[0][0] for names in grid)])
    base = (RESULTS if args.record else RUNS) / "experiments" / name
    flags = [*(["--validation"] if args.validation else []),
             *(f"--{flag.replace('_', '-')}={getattr(args, flag)}" for flag in PASSED_ON
               if getattr(args, flag) is not None)]
    evaluated_on = "validation" if args.validation else "test"
    combos = list(itertools.product(*grid))
    jobs = [(overrides, seed) for overrides in combos for seed in args.seeds]
    print(f"{len(combos)} setting(s) x {len(args.seeds)} seed(s) = {len(jobs)} runs of {script.name} "
          f"into {base}/, evaluated on the {evaluated_on} images")

    points = {label(o): [] for o in combos}
    failed = []
    with tqdm(jobs, desc="runs", unit="run") as bar:
        for overrides, seed in bar:
            folder = base / label(overrides) / f"seed{seed}"
            wanted = {"overrides": [list(pair) for pair in overrides], "flags": flags,
                      "source_sha256": source_digest(script)}
            m = finished(folder, wanted)
            if m is None:
                try:
                    m = run_one(script, overrides, seed, folder, flags)
                except KeyboardInterrupt:
                    bar.close()
                    print(f"\ninterrupted: the finished runs are kept in {base}/; run the same command to resume",
                          file=sys.stderr)
                    return 130
                if m is None:
                    failed.append(f"{label(overrides)} seed {seed} (see {folder / 'run.log'})")
                    continue
                m["experiment"] = wanted
                write_json(folder / "metrics.json", m)
            points[label(overrides)].append(m)
            final = m["epochs"][-1]["test_acc"]
            bar.write(f"{label(overrides)} seed {seed}: final {evaluated_on} accuracy {final:.2f}%")

    rows = summarise({k: v for k, v in points.items() if v})
    if rows:
        command = shlex.join(["python", "-m", "tools.experiment", *argv])
        write_json(base / "results.json", {"script": script.stem, "evaluated_on": evaluated_on, "flags": flags,
                                           "command": command, "rows": rows})
        with atomic_path(base / "table.md") as tmp:
            tmp.write_text(table(rows, evaluated_on))
        figure(base / "figure.png", rows, f"{script.stem}: {', '.join(n[0][0] for n in grid)}", evaluated_on)
        print(table(rows, evaluated_on))
        print(f"table, figure and every run in {base}/")
    for line in failed:
        print(f"error: a run failed: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
