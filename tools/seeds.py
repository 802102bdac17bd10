"""Train one lesson over several seeds and summarise how much its numbers vary.

    python -m tools.seeds code10_lr_schedule.py --seeds 1 2 3 4 5 6 7 8 9 10

Each seed's run goes to results/<script>/seeds/seed<N>/, its printed output
to run.log there (seed 1, the script's default, is the recorded run in
results/<script>/ itself); the runs train as tools.experiment's do
(tools.runner). A finished run of the same code and settings is reused
rather than trained again (--rerun trains them all). The summary goes to
results/<script>/seeds.json and seeds.md.
With --out DIR, everything goes under DIR instead, so that trying other seeds
or settings never replaces the committed summary:

    python -m tools.seeds code10_lr_schedule.py --seeds 11 12 13 --out runs/seeds

The recorded seeds are CPU runs: on a GPU (--device auto picks one where
there is one) the runs go to runs/<script>/seeds-cuda/ unless --out says
otherwise, and --device cpu records the CPU ones.
"""
import argparse
import json
import sys
from pathlib import Path

from common import paths
from common.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, number, refuse_unusable_device
from common.files import atomic_path, write_json
from common.runtime import DEVICES, pick_device
from course.lessons import epoch_summary, from_other_source, metrics_path, recorded, resolve, with_own_settings
from course.summary import markdown_table, over_seeds

from . import runner


def reusable(script, m, seed, device):
    """Is ``m`` a finished full run of exactly what `python <script> --seed <seed>` does now on ``device``?"""
    if m is None or m["status"] != "complete" or m["settings"]["limit"] is not None:
        return False
    if from_other_source(script, m) or m["settings"]["seed"] != seed or m["environment"]["device"] != device:
        return False
    return with_own_settings(script, m)


def earlier_runs(script, seeds, base, device, record):
    """{seed: metrics} of the seeds whose finished run (seed 1: ``record``, the recorded run) can be reused."""
    runs = {}
    for seed in seeds:
        path = base / "seeds" / f"seed{seed}" / "metrics.json"
        earlier = record if seed == 1 and record else (json.loads(path.read_text()) if path.exists() else None)
        if reusable(script, earlier, seed, device):
            print(f"seed {seed}: reusing the finished run {metrics_path(script) if earlier is record else path}")
            runs[seed] = earlier
    return runs


def train_seeds(script, seeds, flags, base, jobs):
    """({seed: metrics}, EXIT_OK) of every seed in ``seeds``, trained by tools.runner ``jobs`` at a time, each
    run's output in its folder's run.log; (None, its exit status) after a Ctrl-C or a failed run, said in one line."""
    runs = {runner.Run(script, (), seed, base / "seeds" / f"seed{seed}", flags): script.stem for seed in seeds}
    trained, failed = runner.run_all(runs, jobs, "test")
    if trained is None:
        print(f"\ninterrupted: the finished seeds are kept in {base}/seeds/", file=sys.stderr)
        return None, EXIT_INTERRUPTED
    failed += [f"{script.stem} seed {run.seed}: {runner.diverged_at(m['diverged'])}" for run, m in trained.items()
               if "diverged" in m]  # a lesson's seeds are full runs: one that diverged has no row
    for line in failed:
        print(f"error: a seed failed: {line}", file=sys.stderr)
    return (None, EXIT_FAILED) if failed else ({run.seed: m for run, m in trained.items()}, EXIT_OK)


def summarise(script, runs):
    rows = [epoch_summary(m) for m in runs]
    return {
        "script": script.stem,
        "seeds": [
            {"seed": r["seed"], "parameters": r["parameters"], "final_test_acc": r["last_test_acc"],
             "min_last5_test_acc": r["min_last5_test_acc"], "best_test_acc": r["best_test_acc"],
             "goal_met": r["goal_met"], "total_seconds": r["total_seconds"]}
            for r in rows
        ],
        **over_seeds(rows),
        "goal_met_all": all(r["goal_met"] for r in rows),
        "device_name": ", ".join(dict.fromkeys(r["device_name"] for r in rows)),  # each thread count once
    }


def markdown(summary):
    rows = [[r["seed"], f"{r['parameters']:,}", f"{r['final_test_acc']:.2f}", f"{r['min_last5_test_acc']:.2f}",
             "met" if r["goal_met"] else "not met"] for r in summary["seeds"]]
    rows.append(["mean ± std", "", f"{summary['final_test_acc_mean']:.2f} ± {summary['final_test_acc_std']:.2f}",
                 f"{summary['min_last5_test_acc_mean']:.2f} ± {summary['min_last5_test_acc_std']:.2f}",
                 "met for every seed" if summary["goal_met_all"] else "not met for every seed"])
    return markdown_table(["seed", "parameters", "final test acc (%)", "min test acc, epochs 11-15 (%)", "end goal"],
                          "rrrrL", rows) + "\n"


def runs_folder(script, device, out=None):
    """Where the runs and the summary go: ``out``; else results/<script> for CPU runs, runs/<script>/seeds-<device>
    for others (the recorded seeds are CPU runs, like every recorded run: see common/cli.py)."""
    if out:
        return out
    if device == "cpu":
        return paths.RESULTS / script.stem
    base = paths.RUNS / script.stem / f"seeds-{device}"
    print(f"the runs on {device} go to {base}/ (results/ holds CPU runs)")
    return base


def main(argv=None):
    # No abbreviations: --seed must reach the check below, not be read as --seeds.
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument("script", help="a lesson script, e.g. code10_lr_schedule.py")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the runs and the summary (default: results/<script>, the recorded ones)")
    parser.add_argument("--rerun", action="store_true",
                        help="train every seed again, even where a finished run of the same settings exists")
    parser.add_argument("--jobs", type=number(minimum=1), default=1,
                        help="seeds trained at once, each in its own process with its share of the CPU's cores "
                             "(the last digits then differ from a run with all of them; each record says its threads)")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="for every run; the recorded seeds are CPU runs, so on a GPU the runs go to "
                             "runs/<script>/seeds-<device>/ unless --out says otherwise")
    args, extra = parser.parse_known_args(argv)
    if any(a.startswith(("--seed", "--limit", "--dry-run")) for a in extra):
        parser.error("--seed, --limit and --dry-run are chosen by this tool; pass only training flags")
    if any(a.startswith("--dev") for a in extra):
        parser.error("--device: write it in full")
    if extra and args.out is None:
        parser.error(f"{' '.join(extra)}: runs with other settings go under --out DIR, not into results/")
    if len(set(args.seeds)) != len(args.seeds):
        parser.error("--seeds: each seed once")
    refuse_unusable_device(parser, args.device)
    script = resolve(args.script)
    device = pick_device(args.device).type
    base = runs_folder(script, device, args.out)
    record = recorded(script) if args.out is None else None  # seed 1's recorded run counts for results/ only
    # A finished run of exactly this script and these settings is reused, not trained again.
    runs = {} if args.rerun or extra else earlier_runs(script, args.seeds, base, device, record)
    todo = [seed for seed in args.seeds if seed not in runs]
    trained, status = train_seeds(script, todo, ["--device", args.device, *extra], base, args.jobs)
    if status != EXIT_OK:
        return status
    runs.update(trained)
    summary = summarise(script, [runs[seed] for seed in args.seeds])
    write_json(base / "seeds.json", summary)
    with atomic_path(base / "seeds.md") as tmp:
        tmp.write_text(markdown(summary))
    print(markdown(summary))
    return EXIT_OK  # recorded; whether the end goal holds is in the summary (most lessons are not meant to meet it)


if __name__ == "__main__":
    sys.exit(main())
