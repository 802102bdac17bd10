"""The recorded experiments the docs quote. Each is made again by its command
(with --record, it writes results/experiments/<name>/) and shown on its page
in the block `<!-- generated:experiment:<name> -->`: the command, the table
and the figure of its record."""
import json
import shlex

from common import paths
from common.source import source_digest
from course.lessons import resolve
from course.summary import FINAL, LOWEST, RAW, never_learned, paired_said, said

from .pages import IMG as DOCS_IMG

EXPERIMENTS = paths.RESULTS / "experiments"
IMG = DOCS_IMG / "experiments"


def copy_of_lesson_10(name, setting="LR=0.05", seeds="1 2 3"):
    """The arguments for an edited copy of lesson 10 (its layers changed), kept beside its record."""
    return f"results/experiments/{name}/{name.replace('-', '_')}.py --set {setting} --seeds {seeds} --validation"


def variant_of_lesson_10(script, setting, seeds="1 2 3 4 5"):
    """The arguments for a copy of lesson 10 with its training changed (an average of the weights tested
    beside the raw ones, another schedule or optimizer), kept beside its record: two runs at a time."""
    return f"results/experiments/{script} --set {setting} --seeds {seeds} --validation --jobs 2"


RATE_PROBE = "--set LR=0.01,0.05 --seeds 1 2 3 4 5 6 7 8 9 10 --validation --epochs 3 --jobs 2"  # lessons 2-4

QUOTED = {  # name: (the pages under docs/ that show it, the experiment's arguments; see command())
    "code01-batch-size": (("01_setup.md",),
                          "1 --set BATCH_SIZE=64,128,256 --seeds 1 --validation --epochs 2 --limit 10000"),
    "code02-lr": (("02_skeleton.md",), "2 --set LR=0.01,0.05 --seeds 1 --validation --epochs 5"),
    "code03-lr": (("03_lighter.md", "04_batchnorm.md"), "3 --set LR=0.05,0.1,0.2 --seeds 1 --validation --epochs 5"),
    "code04-lr": (("04_batchnorm.md",), "4 --set LR=0.05,0.1,0.2 --seeds 1 --validation --epochs 5"),
    "code05-dropout": (("05_dropout.md",), "5 --set DROPOUT=0,0.05,0.1,0.2 --seeds 1 --validation --epochs 5"),
    "code06-dropout": (("06_gap.md",), "6 --set DROPOUT=0,0.05 --seeds 1 --validation --epochs 5"),
    "code07-deeper": (("07_capacity.md", "08_maxpool.md"), "7 --set LR=0.05 --seeds 1 --validation --epochs 5"),
    "code08-order": (("08_maxpool.md",), "8 --set LR=0.05 --seeds 1 --validation --epochs 5"),
    "code09-rotation": (("09_augment.md",), "9 --set ROTATION=0,7,15,30 --seeds 1 --validation --epochs 5"),
    "code10-schedule": (("choosing.md", "10_lr_schedule.md"),
                        "10 --set LR=0.05,0.1 --set STEP_SIZE=7,5 --seeds 1 2 3 --validation"),
    "code10-step": (("choosing.md",), "10 --set STEP_SIZE=8,10 --seeds 1 2 3 --validation"),
    "code10-batch-size": (("choosing.md",), "10 --set BATCH_SIZE=64 --seeds 1 2 3 --validation"),
    "code10-shift": (("choosing.md",), "10 --set SHIFT=0,0.1 --seeds 1 2 3 --validation"),
    "code10-dropout": (("choosing.md",), "10 --set DROPOUT=0,0.05,0.1 --seeds 1 2 3 --validation"),
    "code10-rotation": (("choosing.md",), "10 --set ROTATION=0,15 --seeds 1 2 3 --validation"),
    "code10-dropout-block2": (("choosing.md",), copy_of_lesson_10("code10-dropout-block2")),
    "code10-wider-transition": (("choosing.md",), copy_of_lesson_10("code10-wider-transition")),
    "code10-wider-first": (("choosing.md",), copy_of_lesson_10("code10-wider-first")),
    "code02-lr-seeds": (("choosing.md",), "2 --set LR=0.01,0.05 --seeds 1 2 3 4 5 --validation --epochs 5 --jobs 2"),
    "code02-lr-probe": (("choosing.md",), f"2 {RATE_PROBE}"),
    "code03-lr-probe": (("choosing.md", "04_batchnorm.md"), f"3 {RATE_PROBE}"),
    "code04-lr-probe": (("04_batchnorm.md",), f"4 {RATE_PROBE}"),
    "code04-rate": (("04_batchnorm.md",), "4 --set LR=0.01,0.05 --seeds 1 2 3 --validation --jobs 2"),
    "code10-wider-block1": (("choosing.md",), copy_of_lesson_10("code10-wider-block1", "DROPOUT=0")),
    "code10-wide-block1": (("choosing.md",), copy_of_lesson_10("code10-wide-block1", "DROPOUT=0", "1")),
    "code10-average": (("choosing.md",), variant_of_lesson_10("code10-average/code10_average.py", "DROPOUT=0.05,0")),
    "code10-adamw-onecycle": (("choosing.md",),
                              variant_of_lesson_10("code10-adamw-onecycle/code10_adamw_onecycle.py", "LR=0.01")),
    "code10-onecycle": (("choosing.md",),
                        variant_of_lesson_10("code10-onecycle/code10_onecycle.py", "LR=0.05", "1 2 3 4 5 6")),
}
VARIANTS = ("code10-average", "code10-adamw-onecycle", "code10-onecycle")  # the copies of variant_of_lesson_10

# The row that each experiment's rows are compared with, (experiment, row): lesson 10 as it stands
# (the DROPOUT=0.05 row of code10-dropout), the same network without Dropout for a shape without it, or a row
# of the experiment itself (its own setting, or lessons 1-3's rate for lesson 4).
LESSON_10 = ("code10-dropout", "DROPOUT=0.05")
LESSON_10_RAW = ("code10-average", "DROPOUT=0.05" + RAW)  # the same, over five seeds (code10-average's raw weights)
AGAINST = {"code10-schedule": ("code10-schedule", "LR=0.05,STEP_SIZE=7"), "code10-step": LESSON_10,
           "code10-batch-size": LESSON_10, "code10-shift": ("code10-shift", "SHIFT=0"), "code10-dropout": LESSON_10,
           "code10-rotation": LESSON_10, "code10-dropout-block2": LESSON_10, "code10-wider-transition": LESSON_10,
           "code10-wider-first": LESSON_10, "code10-wider-block1": ("code10-dropout", "DROPOUT=0"),
           "code10-wide-block1": ("code10-dropout", "DROPOUT=0"), "code10-average": LESSON_10_RAW,
           "code10-adamw-onecycle": LESSON_10_RAW, "code10-onecycle": LESSON_10_RAW,
           "code03-lr-probe": ("code03-lr-probe", "LR=0.01"), "code04-lr-probe": ("code04-lr-probe", "LR=0.01"),
           "code04-rate": ("code04-rate", "LR=0.01")}


# Records of a script as it was before a later change, kept because a page tells how a choice was made.
# The page shows each with this label; any other quoted record must be of its script as it stands.
EARLIER = {"code10-schedule": "lesson 10 when it rotated its images with transforms.RandomRotation, before "
                              "it used RandomAffine (commit fc55179): the same recipe, other code",
           **dict.fromkeys(("code02-lr-seeds", "code02-lr-probe"), "lesson 2 as of commit 3a524e2, while its own rate "
                           "was still 0.05; every run here sets its rate with --set, so each trains as it would now")}


def command(name):
    """The command that records experiment ``name``: on the CPU, into results/experiments/<name>/."""
    return f"python -m tools.experiment {QUOTED[name][1]} --device cpu --name {name} --record"


def block(name):
    folder = EXPERIMENTS / name
    if not (folder / "results.json").exists():
        return f"*Not recorded yet:* `{command(name)}`"
    r = json.loads((folder / "results.json").read_text())
    label = [f"*A record of an earlier version: {EARLIER[name]}.*", ""] if name in EARLIER else []
    return "\n".join([*label, f"```bash\n{r['command']}\n```", "", (folder / "table.md").read_text().strip(),
                      *verdicts(name), *paired(r["rows"]), *stuck_notes(r["rows"]), "",
                      f"![{r['script']} on the {r['evaluated_on']} images: {name}](img/experiments/{name}.png)"])


def stuck_notes(rows):
    """A line per row with seeds that never learned (course.summary.never_learned), which a mean ± sd hides."""
    lines = []
    for row in rows:
        stuck = [seed for seed, curve in zip(row["seeds"], row["curves"]) if never_learned(curve[-1])]
        if stuck:
            of = f"{len(stuck)} of {len(row['seeds'])} seed{'s' if len(row['seeds']) > 1 else ''}"
            lines.append(f"- `{row['setting']}`: {of} never learned "
                         f"(seed{'s' if len(stuck) > 1 else ''} {', '.join(map(str, stuck))}: at chance to the end)")
        lines += _flat_starts(row, rows)
    return ["", *lines] if lines else []


def _flat_starts(row, rows):
    """A line naming the seeds of ``row`` that ended their first epoch at chance and learned later (an average
    of the weights starts from the untrained ones, so its rows are left out)."""
    if any(r["setting"] == row["setting"] + RAW for r in rows):
        return []
    late = [(seed, curve) for seed, curve in zip(row["seeds"], row["curves"])
            if never_learned(curve[0]) and not never_learned(curve[-1])]
    if not late:
        return []
    at_chance = [(seed, next(i for i, acc in enumerate(curve) if not never_learned(acc))) for seed, curve in late]
    named = [f"seed {seed} stayed at chance through epoch {epochs}" for seed, epochs in at_chance]
    return [f"- `{row['setting']}`: {', '.join(named)}, then learned"]


def paired(rows):
    """For a script that tests an average of the weights: each setting against its raw-weights row, the
    same runs, seed by seed (tools.experiment_report.summarise)."""
    by_setting = {r["setting"]: r for r in rows}
    lines = []
    for row in rows:
        raw = by_setting.get(row["setting"] + RAW)
        if raw is None:
            continue
        assert raw["seeds"] == row["seeds"]
        finals = [[c[-1] for c in r["curves"]] for r in (raw, row)]
        lowest = [[min(c[-5:]) for c in r["curves"]] for r in (raw, row)]
        lines.append(f"- `{row['setting']}`: final {paired_said(*finals)}; lowest of the last five "
                     f"{paired_said(*lowest)}")
    if not lines:
        return []
    return ["", "The averaged weights against the raw ones, seed by seed in the same runs (the mean of the "
                "differences ± its standard error):", "", *lines]


def _spread(row, key):
    return row[f"{key}_mean"], row[f"{key}_std"], len(row["seeds"])


def verdicts(name):
    """Lines comparing each row of experiment ``name`` with its AGAINST row, by the one noise rule."""
    if name not in AGAINST:
        return []
    other, setting = AGAINST[name]
    rows = {r["setting"]: r for r in json.loads((EXPERIMENTS / other / "results.json").read_text())["rows"]}
    base, lines = rows[setting], ["", f"Against `{setting}` ({other}), by the rule in *Beyond the noise*:", ""]
    for row in json.loads((EXPERIMENTS / name / "results.json").read_text())["rows"]:
        if row is base or (other == name and row["setting"] in (setting, setting.removesuffix(RAW))):
            continue  # the base, and the averaged weights of its own runs (compared seed by seed: paired)
        if len(row["seeds"]) < 2:
            lines.append(f"- `{row['setting']}`: one seed, its spread unmeasured: not compared")
            continue
        final = f"- `{row['setting']}`: final {said(_spread(base, FINAL), _spread(row, FINAL))}"
        lines.append(final if len(row["curves"][0]) < 5 else  # no last five in a shorter run
                     f"{final}; lowest of the last five {said(_spread(base, LOWEST), _spread(row, LOWEST))}")
    return lines


def blocks(page):
    """{block name: content} for the experiments that ``page`` (a path under docs/) shows."""
    return {f"experiment:{name}": block(name) for name, (pages, _) in QUOTED.items() if page in pages}


def figures():
    """{copy in docs/img/experiments: original in results/experiments} for every recorded experiment."""
    return {IMG / f"{name}.png": EXPERIMENTS / name / "figure.png" for name in QUOTED
            if (EXPERIMENTS / name / "figure.png").exists()}


def script_of(name):
    """The script that experiment ``name`` runs: a lesson, or an edited copy given by its path."""
    first = shlex.split(QUOTED[name][1])[0]
    return paths.ROOT / first if first.endswith(".py") else resolve(first)


def ran_other_code(name):
    """True when some run of the record came from other code than its script holds now."""
    digest = source_digest(script_of(name))
    runs = (EXPERIMENTS / name).glob("*/seed*/metrics.json")
    return any(json.loads(path.read_text()).get("experiment", {}).get("source_sha256") != digest for path in runs)


def stale_records():
    """One line per quoted record made from an earlier version of its script that its page does not label so."""
    return [f"results/experiments/{name}/ ran an earlier {script_of(name).name}: run `{command(name)}` again, "
            f"or label it in EARLIER (docgen/quoted_experiments.py)"
            for name in QUOTED if name not in EARLIER and ran_other_code(name)]
