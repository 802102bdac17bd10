"""Numbers over seeds and the Markdown tables they go into, spelled once for
tools.seeds, tools.experiment and the docs generator (docgen)."""
import math
import statistics

# The keys of a summary over seeds (results/<script>/seeds.json, an experiment's rows).
FINAL, LOWEST = "final_test_acc", "min_last5_test_acc"  # the last epoch's accuracy; the lowest of the last five


RAW = " (raw weights)"  # an experiment row of the same runs, tested with the weights before averaging

CHANCE = 20.0  # (%) a final accuracy below this: the run never learned (ten classes: a guess scores 10%)


def never_learned(final_acc):
    """Did a run that ended at ``final_acc`` (%) stay at chance?"""
    return final_acc < CHANCE


def mean_and_sd(values):
    """Mean and sample standard deviation (0 for a single value)."""
    values = list(values)
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def over_seeds(summaries):
    """Mean and standard deviation over seeds of the final accuracy and of the lowest of the
    last five epochs, from each seed's epoch summary (course.lessons.epoch_summary):
    {final_test_acc_mean, final_test_acc_std, min_last5_test_acc_mean, min_last5_test_acc_std}."""
    result = {}
    for key, source in ((FINAL, "last_test_acc"), (LOWEST, "min_last5_test_acc")):
        result[f"{key}_mean"], result[f"{key}_std"] = mean_and_sd(s[source] for s in summaries)
    return result


def goal_verdict(seeds, seed_1_met):
    """Whether the end goal holds, over every recorded seed: 'met by 8 of 10 seeds', or with no
    seed summary, the one recorded run's 'met (one seed)' / 'not met (one seed)'."""
    if not seeds:
        return f"{'met' if seed_1_met else 'not met'} (one seed)"
    met, runs = sum(r["goal_met"] for r in seeds["seeds"]), len(seeds["seeds"])
    return f"met by {met} of {runs} seeds" if met else f"met by none of {runs} seeds"


# The one rule by which the course calls a difference between two sets of seeds real.
NOISE_RULE = (
    "*Beyond the noise* means that the difference between two means over seeds is more than twice its "
    "standard error, √(sd₁²/n₁ + sd₂²/n₂), with sd each set's standard deviation over its n seeds; "
    "*inside the noise* means it is not. With three seeds a standard deviation is itself a rough guess, "
    "so the rule can miss a small real difference and, now and then, call chance a difference. It says "
    "which differences to trust, not how large the true one is.")


def difference(before, after):
    """The change from ``before`` to ``after``, each (mean, sd, number of seeds): (change, its standard
    error, "beyond the noise" or "inside the noise"), by NOISE_RULE."""
    change = round(after[0] - before[0], 2) + 0.0  # + 0.0: no "-0.00"
    error = math.sqrt(before[1] ** 2 / before[2] + after[1] ** 2 / after[2])
    return change, error, "beyond the noise" if abs(change) > 2 * error else "inside the noise"


def paired_said(before, after):
    """The change from ``before`` to ``after``, two lists of values from the same seeds, judged seed by
    seed: '+0.04 ± 0.01 (beyond the noise; higher in 5 of 5 seeds)'. Its standard error is that of the
    mean of the differences, sd / √n, so the rule is NOISE_RULE's with the seeds' shared noise taken out."""
    changes = [b - a for a, b in zip(before, after)]
    mean, sd = mean_and_sd(changes)
    error = sd / math.sqrt(len(changes))
    verdict = "beyond the noise" if abs(round(mean, 2)) > 2 * error else "inside the noise"
    higher = sum(c > 0.005 for c in changes)
    return f"{round(mean, 2) + 0.0:+.2f} ± {error:.2f} ({verdict}; higher in {higher} of {len(changes)} seeds)"


def said(before, after, note=""):
    """The change in words: '+0.04 ± 0.03 (inside the noise)', with ``note`` inside the brackets."""
    change, error, verdict = difference(before, after)
    return f"{change:+.2f} ± {error:.2f} ({verdict}{note})"


ALIGNMENT = {"l": "---", "r": "---:", "c": ":---:", "L": ":---"}  # left, right, centred, left (marked)


def markdown_table(headings, alignment, rows):
    """A Markdown table: ``alignment`` has one letter per column (see ALIGNMENT); each row is a list of cells."""
    def line(cells):
        return "|" + "|".join(f" {cell} " if cell != "" else " " for cell in cells) + "|"  # an empty cell: "| |"

    return "\n".join([line(headings), "|" + "|".join(ALIGNMENT[a] for a in alignment) + "|", *map(line, rows)])
