"""The per-lesson tables of the README, the overview, the summary and the performance page.

Each table is a list of columns, each a (heading, alignment, cell) triple,
where cell(info, s) writes one lesson's cell from its details (info, from
docgen.docs.lesson_info) and the summary of its recorded run (s, from
tools.lessons.summary_of). A lesson with no recorded run gets its number,
its name and "not recorded yet".
"""
import math

from common.goal import GOAL
from tools.lessons import seeds_of, summary_of


def lesson_table(lessons, columns, legend=None):
    lines = ["| " + " | ".join(heading for heading, _, _ in columns) + " |",
             "|" + "|".join(align for _, align, _ in columns) + "|"]
    for info in lessons:
        s = summary_of(info.script)
        if s is None:
            cells = [cell(info, s) for _, _, cell in columns[:2]] + ["not recorded yet"]
            cells += [""] * (len(columns) - len(cells))
        else:
            cells = [cell(info, s) for _, _, cell in columns]
        lines.append("| " + " | ".join(cells) + " |")
    if legend:
        lines += ["", legend]
    return "\n".join(lines)


FINAL, LOWEST = "final_test_acc", "min_last5_test_acc"  # what tools.seeds summarises over seeds


def over_seeds(script, key=FINAL):
    """(mean, standard deviation, number of seeds) of the final test accuracy (or of ``key``: LOWEST,
    the lowest of the last five epochs), or None without seeds."""
    s = seeds_of(script)
    if s is None or len(s["seeds"]) < 2:
        return None
    return s[f"{key}_mean"], s[f"{key}_std"], len(s["seeds"])


def why_one_seed(info):
    """Why lesson 1 has one seed (its length on the CPU), or None for a lesson without that excuse."""
    s = summary_of(info.script)
    if info.number != 1 or s is None or seeds_of(info.script):
        return None
    return f"a run of lesson 1 takes {s['total_seconds'] / 60:.0f} minutes on a {s['device_name']}"


CHANCE = 20.0  # a final test accuracy below this (%): the run never learned (ten classes: 10% is chance)


def never_learned(info):
    """The recorded seeds of a lesson whose run stayed at chance."""
    s = seeds_of(info.script)
    return [r["seed"] for r in s["seeds"] if r["final_test_acc"] < CHANCE] if s else []


def seeds_cell(info, s):
    seeds = over_seeds(info.script)
    if seeds:
        return f"{seeds[0]:.2f} ± {seeds[1]:.2f} ({seeds[2]})"
    return "one seed" if why_one_seed(info) else "not yet"


def step_over_seeds(before, after, key=FINAL):
    """The change in final test accuracy (or ``key``) from one lesson to the next, with its
    standard error, and whether it stands out from the seed-to-seed noise."""
    a, b = over_seeds(before.script, key), over_seeds(after.script, key)
    if a is None or b is None:
        return "not measured over seeds yet"
    change, error = b[0] - a[0], math.sqrt(a[1] ** 2 / a[2] + b[1] ** 2 / b[2])
    verdict = "inside the noise" if abs(change) <= 2 * error else "beyond the noise"  # the seed-to-seed noise
    return f"{change:+.2f} ± {error:.2f}: {verdict}"


def pct(value):
    return f"{value:.2f}%"


NUMBER = ("#", "---:", lambda info, s: str(info.number))
TITLE = ("lesson", "---", lambda info, s: info.title)
PARAMETERS = ("parameters", "---:", lambda info, s: f"{s['parameters']:,}")
RF = ("RF", "---:", lambda info, s: str(s["receptive_field"]))
BEST_TEST = ("best test", "---:", lambda info, s: pct(s["best_test_acc"]))
LAST_TEST = ("last test", "---:", lambda info, s: pct(s["last_test_acc"]))
GAP = ("gap", "---:", lambda info, s: f"{s['last_gap']:+.2f}")
SECONDS = ("s / epoch", "---:", lambda info, s: f"{s['seconds_per_epoch']:.1f}")
MACS = ("MACs / image", "---:", lambda info, s: f"{s['macs_per_image']:,}")
DEVICE = ("device", "---", lambda info, s: s["device_name"])
FINAL_OVER_SEEDS = ("last test, seeds", "---:", seeds_cell)
GOAL_MET = ("end goal", "---", lambda info, s: "**met**" if s["goal_met"] else "not met")


def linked_title(prefix):
    """The lesson's name linked to its page, and its quiz; ``prefix`` is the path to docs/."""
    return ("lesson", "---", lambda info, s: f"[{info.title}]({prefix}{info.page}) "
                                             f"([quiz]({prefix}{info.quiz}))")


SCRIPT = ("script", "---", lambda info, s: f"[`{info.script.name}`]({info.script.name})")


MARGIN = 99.47  # the final lesson's target: its lowest test accuracy in epochs 11-15, mean over the seeds (%)


def margin_table(info):
    """The final lesson over its recorded seeds against its targets: the end goal on every seed, with a margin."""
    s, run = seeds_of(info.script), summary_of(info.script)
    if s is None or run is None:
        return "*Not recorded yet:* `make seeds`"
    seeds, met = [r["seed"] for r in s["seeds"]], sum(r["goal_met"] for r in s["seeds"])
    first, last = GOAL["last_epochs"]
    contiguous = seeds == list(range(seeds[0], seeds[-1] + 1))
    named = f"{seeds[0]}-{seeds[-1]}" if contiguous else ", ".join(map(str, seeds))
    return "\n".join([
        f"| over seeds {named}, `{info.script.name}` as committed, on {s['device_name']} "
        "| target | measured |",
        "|---|---|---|",
        f"| seeds meeting the end goal | all {len(seeds)} | {met} of {len(seeds)} |",
        f"| lowest test accuracy in epochs {first}-{last}, mean ± sd over the seeds | at least {MARGIN:.2f}% "
        f"| {s['min_last5_test_acc_mean']:.2f}% ± {s['min_last5_test_acc_std']:.2f} |",
        f"| parameters / epochs | at most {GOAL['max_parameters']:,} / {GOAL['max_epochs']} "
        f"| {run['parameters']:,} / {run['epochs']} |",
    ])
