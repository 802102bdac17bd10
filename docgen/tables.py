"""The per-lesson tables of the README, the overview, the summary and the performance page.

Each table is a list of columns, each a (heading, alignment, cell) triple,
where cell(info, s) writes one lesson's cell from its details (info, from
docgen.pages.lesson) and the summary of its recorded run (s, from
course.lessons.summary_of). A lesson with no recorded run gets its number,
its name and "not recorded yet".
"""
import statistics

from common.goal import GOAL
from course.lessons import seeds_of, summary_of
from course.summary import FINAL, LOWEST, difference, goal_verdict, markdown_table, mean_and_sd, said
from course.summary import never_learned

from .timing import machine_of


def lesson_table(lessons, columns, legend=None):
    rows = []
    for info in lessons:
        run = summary_of(info.script)
        if run is None:
            cells = [cell(info, run) for _, _, cell in columns[:2]] + ["not recorded yet"]
            rows.append(cells + [""] * (len(columns) - len(cells)))
        else:
            rows.append([cell(info, run) for _, _, cell in columns])
    table = markdown_table([heading for heading, _, _ in columns], "".join(align for _, align, _ in columns), rows)
    return table + (f"\n\n{legend}" if legend else "")


def learned_spread(rows, key=FINAL):
    """(mean, standard deviation, number of seeds) of ``key`` over the seed rows (as in seeds.json) that
    learned, or None with fewer than two; and the seeds that never learned (course.summary.never_learned
    on their final accuracy), which are counted apart: at chance, one of them would be all the spread."""
    dead = [r["seed"] for r in rows if never_learned(r[FINAL])]
    values = [r[key] for r in rows if r["seed"] not in dead]
    return ((*mean_and_sd(values), len(values)) if len(values) > 1 else None), dead


def recorded_spread(script, key=FINAL):
    """learned_spread of a lesson's recorded seeds: (mean, sd, n) or None, and the seeds that never learned."""
    summary = seeds_of(script)
    return learned_spread(summary["seeds"], key) if summary else (None, [])


def compared(before, after, key=FINAL, names=("before", "after")):
    """The change of ``key`` between two lists of seed rows, judged by the noise rule (course.summary) over
    the seeds that learned; the seeds that never learned are named and counted apart:
    "+0.59 ± 0.23 (beyond the noise; lesson 3's seed 3 never learned, counted apart)"."""
    (a, dead_a), (b, dead_b) = learned_spread(before, key), learned_spread(after, key)
    if a is None or b is None:
        return "not measured over seeds yet"
    apart = [f"{name}'s seed{'s' if len(dead) > 1 else ''} {', '.join(map(str, dead))}"
             for name, dead in zip(names, (dead_a, dead_b)) if dead]
    return said(a, b, f"; {' and '.join(apart)} never learned, counted apart" if apart else "")


def why_one_seed(info):
    """Why lesson 1 has one seed (its length on its processor), or None for a lesson without that excuse."""
    run = summary_of(info.script)
    if info.number != 1 or run is None or seeds_of(info.script):
        return None
    return f"a run of lesson 1 takes {run['total_seconds'] / 60:.0f} minutes on {machine_of(info.script)}"


def stuck_seeds(info):
    """The recorded seeds of a lesson whose run stayed at chance (course.summary.never_learned)."""
    return recorded_spread(info.script)[1]


def seeds_cell(info, run):
    """'99.15 ± 0.01 (3)'; '98.48 ± 0.18 (2 of 3)' where a seed never learned (counted apart)."""
    spread, dead = recorded_spread(info.script)
    if spread:
        return f"{spread[0]:.2f} ± {spread[1]:.2f} ({spread[2]}{f' of {spread[2] + len(dead)}' if dead else ''})"
    return "one seed" if why_one_seed(info) else "not yet"


def step_over_seeds(before, after, key=FINAL):
    """The change in final test accuracy (or ``key``) from one lesson to the next, with its
    standard error, and whether it is beyond the noise (course.summary.NOISE_RULE): see compared."""
    a, b = seeds_of(before.script), seeds_of(after.script)
    if a is None or b is None:
        return "not measured over seeds yet"
    return compared(a["seeds"], b["seeds"], key, (f"lesson {before.number}", f"lesson {after.number}"))


def step_word(before, after):
    """The step's final test accuracy in a word or three: 'better, beyond the noise', 'inside the noise',
    'worse, beyond the noise' (over the seeds that learned)."""
    a, b = seeds_of(before.script), seeds_of(after.script)
    x, y = (learned_spread(a["seeds"])[0], learned_spread(b["seeds"])[0]) if a and b else (None, None)
    if x is None or y is None:
        return "not measured"
    change, _, verdict = difference(x, y)
    return verdict if verdict == "inside the noise" else f"{'better' if change > 0 else 'worse'}, {verdict}"


def pct(value):
    return f"{value:.2f}%"


NUMBER = ("#", "r", lambda info, run: str(info.number))
TITLE = ("lesson", "l", lambda info, run: info.title)
PARAMETERS = ("parameters", "r", lambda info, run: f"{run['parameters']:,}")
RF = ("RF", "r", lambda info, run: str(run["receptive_field"]))
BEST_TEST = ("best test", "r", lambda info, run: pct(run["best_test_acc"]))
LAST_TEST = ("last test", "r", lambda info, run: pct(run["last_test_acc"]))
GAP = ("gap", "r", lambda info, run: f"{run['last_gap']:+.2f}")
SECONDS = ("s / epoch", "r", lambda info, run: f"{run['seconds_per_epoch']:.1f}")
MACS = ("MACs / image", "r", lambda info, run: f"{run['macs_per_image']:,}")
MACHINE = ("recorded on", "l", lambda info, run: machine_of(info.script))
FINAL_OVER_SEEDS = ("last test, seeds", "r", seeds_cell)
GOAL_MET = ("end goal", "l", lambda info, run: goal_verdict(seeds_of(info.script), run["goal_met"]))


def step_column(lessons):
    """The column of each lesson's change against the lesson before it (step_word); lesson 1 has none."""
    return ("its change, over seeds", "l",
            lambda info, run: step_word(lessons[info.number - 2], info) if info.number > 1 else "the start")


def linked_title(prefix):
    """The lesson's name linked to its page, and its quiz; ``prefix`` is the path to docs/."""
    return ("lesson", "l", lambda info, run: f"[{info.title}]({prefix}{info.page}) "
                                             f"([quiz]({prefix}{info.quiz}))")


SCRIPT = ("script", "l", lambda info, run: f"[`{info.script.name}`]({info.script.name})")


MARGIN = 99.47  # the final lesson's target: its lowest test accuracy in epochs 11-15, mean over the seeds (%)


def why_the_margin(sd):
    """Why the target mean sits MARGIN, not 99.40: in standard deviations of the recorded seeds."""
    room = (MARGIN - GOAL["min_test_acc"]) / sd
    share = statistics.NormalDist().cdf(room)
    return (f"Why {MARGIN:.2f}%: these seeds' lowest of the last five spreads with a standard deviation of "
            f"{sd:.2f}. A mean of {MARGIN:.2f}% sits {room:.1f} of those above {GOAL['min_test_acc']:.2f}%; if "
            f"the lowest of the last five spreads normally about its mean, about {share:.0%} of seeds would then "
            f"hold the goal.")


def margin_table(info):
    """The final lesson over its recorded seeds against its targets: the end goal on every seed, with a margin."""
    summary, run = seeds_of(info.script), summary_of(info.script)
    if summary is None or run is None:
        return "*Not recorded yet:* `make seeds`"
    seeds, met = [r["seed"] for r in summary["seeds"]], sum(r["goal_met"] for r in summary["seeds"])
    first, last = GOAL["last_epochs"]
    contiguous = seeds == list(range(seeds[0], seeds[-1] + 1))
    named = f"{seeds[0]}-{seeds[-1]}" if contiguous else ", ".join(map(str, seeds))
    return markdown_table(
        [f"over seeds {named}, `{info.script.name}` as committed, on {summary['device_name']}", "target", "measured"],
        "lll",
        [["seeds meeting the end goal", f"all {len(seeds)}", f"{met} of {len(seeds)}"],
         [f"lowest test accuracy in epochs {first}-{last}, mean ± sd over the seeds", f"at least {MARGIN:.2f}%",
          f"{summary['min_last5_test_acc_mean']:.2f}% ± {summary['min_last5_test_acc_std']:.2f}"],
         ["parameters / epochs", f"at most {GOAL['max_parameters']:,} / {GOAL['max_epochs']}",
          f"{run['parameters']:,} / {run['epochs']}"]]) + "\n\n" + why_the_margin(summary["min_last5_test_acc_std"])
