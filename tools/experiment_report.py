"""An experiment's report: per setting, the mean and spread over seeds, as a table and a figure."""
import statistics

from common.plots import SMALL, WIDTH, integer_epochs, plt, save_figure
from course.lessons import epoch_summary
from course.summary import RAW, markdown_table, never_learned, over_seeds

from .runner import diverged_at


def summarise(points):
    """Per setting: mean and sd over seeds of the final and lowest-last-five accuracy, and of the seconds.
    A script that tests an average of the weights and keeps each epoch's "raw_test_acc" as well gets a
    second row per setting, '<setting> (raw weights)', from the same runs: a paired comparison.
    A run that diverged (tools.runner.run_one) is no seed of its row's means: the row names it under "diverged"."""
    rows = []
    for key, runs in points.items():
        finished = [m for m in runs if "diverged" not in m]
        diverged = [{"seed": m["settings"]["seed"], **m["diverged"]} for m in runs if "diverged" in m]
        rows.append(_row(key, finished, diverged))
        if finished and all("raw_test_acc" in e for m in finished for e in m["epochs"]):
            rows.append(_row(key + RAW, [{**m, "epochs": [{**e, "test_acc": e["raw_test_acc"]} for e in m["epochs"]]}
                                         for m in finished], diverged))
    return rows


def _row(key, runs, diverged):
    summaries = [epoch_summary(m) for m in runs]
    row = {"setting": key, "seeds": [s["seed"] for s in summaries]}
    if summaries:
        row.update(over_seeds(summaries), seconds_mean=statistics.mean(s["total_seconds"] for s in summaries))
    row["curves"] = [[e["test_acc"] for e in m["epochs"]] for m in runs]
    return {**row, "diverged": diverged} if diverged else row


def _value(row, key):
    """Mean ± sd over the seeds; a single seed's value alone, since one seed measures no spread."""
    if not row["seeds"]:
        return "–"  # every seed diverged
    mean, sd = row[f"{key}_mean"], row[f"{key}_std"]
    return f"{mean:.2f}" if len(row["seeds"]) == 1 else f"{mean:.2f} ± {sd:.2f}"


def table(rows, evaluated_on):
    """The experiment's table. In runs shorter than ten epochs the 'last five' would take in the first
    epochs, and a row of one seed has no spread: the table says so instead of printing a number that
    means nothing."""
    epochs = min((len(curve) for r in rows for curve in r["curves"]), default=0)
    lowest = "lowest of the last five (%)" if epochs >= 10 else None
    cells = [[r["setting"], ", ".join(map(str, r["seeds"])), _value(r, "final_test_acc"),
              *([_value(r, "min_last5_test_acc")] if lowest else []),
              f"{r['seconds_mean']:.0f}" if r["seeds"] else "–"] for r in rows]
    headings = ["setting", "seeds", f"final {evaluated_on} acc (%)", *([lowest] if lowest else []), "seconds"]
    notes = ["mean ± standard deviation over the seeds" if any(len(r["seeds"]) > 1 for r in rows) else
             "one seed: the spread between seeds is not measured"]
    if epochs and not lowest:
        notes.append(f"runs of {epochs} epochs: their last five would take in the first, so no lowest of them")
    notes.append("seconds: a run's wall time, on the device and threads its metrics.json names")
    diverged = [f"- `{r['setting']}`: seed {d['seed']} {diverged_at(d)}, so it is left out of the row"
                for r in rows if not r["setting"].endswith(RAW) for d in r.get("diverged", [])]
    return "\n\n".join([markdown_table(headings, "llr" + "r" * (len(headings) - 3), cells), "; ".join(notes),
                        *(["\n".join(diverged)] if diverged else [])]) + "\n"


def first_epoch_shown(rows):
    """The first epochs sit far below the rest and would flatten the differences the figure is for:
    a run of more than five epochs is shown from its third, or later if a mean curve is still more than
    a point below its end there (an average of the weights starts from the untrained ones)."""
    epochs = min(len(c) for r in rows for c in r["curves"])
    if epochs <= 5:
        return 1
    means = [[statistics.mean(acc) for acc in zip(*r["curves"])] for r in rows if learned(r)]
    settled = [next(i for i, acc in enumerate(m, start=1) if acc >= m[-1] - 1) for m in means]
    return min(max([3, *settled]), epochs - 4)


def learned(r):
    """Whether a setting learned at all: a mean final accuracy at chance (9.8%) is drawn below the axes,
    named there, rather than stretching them over a 90-point range; so is a setting whose every seed diverged."""
    return bool(r["curves"]) and not never_learned(statistics.mean(c[-1] for c in r["curves"]))


def curve_range(rows, first):
    """The accuracy range the mean curves span from epoch ``first`` on, with a small margin (the settings
    that never learned left out, unless no setting learned)."""
    means = [[statistics.mean(acc) for acc in zip(*r["curves"])] for r in rows if learned(r) or
             not any(map(learned, rows))]
    shown = [acc for curve in means for acc in curve[first - 1:]]
    pad = max(0.05, 0.1 * (max(shown) - min(shown)))
    return min(shown) - pad, min(100.0, max(shown) + pad)


def value_range(shown, one_seed):
    """The range of the upper panel: every final accuracy of the rows ``shown`` and their mean ± sd."""
    finals = [c[-1] for r in shown for c in r["curves"]]
    if not one_seed:
        finals += [r["final_test_acc_mean"] + k * r["final_test_acc_std"] for r in shown for k in (-1, 1)]
    low, high = min(finals), max(finals)
    pad = max(0.1, 0.15 * (high - low))
    return low - pad, min(100.0, high + pad)


def figure(path, rows, title, evaluated_on):
    """Above: each setting's final accuracy, every seed and the mean ± sd; below: the mean curve per epoch.
    With one seed per setting, the panels say so instead of claiming a mean."""
    one_seed = max(len(r["curves"]) for r in rows) == 1
    fig, (ax_value, ax_curve) = plt.subplots(2, 1, figsize=(WIDTH, 7.6))  # one above the other: readable on a phone
    first = first_epoch_shown(rows)
    shown = [r for r in rows if learned(r)] or [r for r in rows if r["curves"]]
    low, high = value_range(shown, one_seed)
    for i, r in enumerate(rows):
        if not r["curves"]:
            _below(ax_value, i, low, "every seed\ndiverged")
            continue
        finals = [c[-1] for c in r["curves"]]
        if one_seed:
            ax_value.plot([i], finals, "s", color="C0", ms=6)
        else:
            ax_value.plot([i] * len(finals), finals, "o", color="grey", alpha=0.5, ms=4)
            ax_value.errorbar(i, r["final_test_acc_mean"], yerr=r["final_test_acc_std"], fmt="s", color="C0",
                              capsize=4)
        below = "" if r in shown else f" (never learned: {statistics.mean(finals):.1f}%, below the axes)"
        below += "".join(f" (seed {d['seed']} diverged)" for d in r.get("diverged", []))
        if r not in shown:
            _below(ax_value, i, low, f"{statistics.mean(finals):.1f}%,\nbelow the axis")
        mean_curve = [statistics.mean(acc) for acc in zip(*r["curves"])]
        ax_curve.plot(range(first, len(mean_curve) + 1), mean_curve[first - 1:], "-o", ms=3,
                      label=r["setting"] + below)
    ax_value.set_ylim(low, high)
    ax_value.set_xlim(-0.5, len(rows) - 0.5)
    ax_value.set_xticks(range(len(rows)), [r["setting"] for r in rows], rotation=30, ha="right")
    ax_value.set(ylabel=f"final {evaluated_on} accuracy (%)",
                 title="final accuracy, one seed" if one_seed else "each seed (grey), mean ± sd (blue)")
    ax_curve.set(xlabel="epoch", ylabel=f"{evaluated_on} accuracy (%)",
                 title=("one seed" if one_seed else "mean over the seeds")
                 + (f", from epoch {first}" if first > 1 else ""))
    ax_curve.set_ylim(*curve_range(rows, first))
    ax_curve.set_xlim(first - 0.5, max(len(c) for r in rows for c in r["curves"]) + 0.5)
    integer_epochs(ax_curve)
    # under the panel: inside, the legend would hide points
    short = all(len(label) <= 20 for label in ax_curve.get_legend_handles_labels()[1])  # two columns fit then
    ax_curve.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2 if short else 1, frameon=False)
    for ax in (ax_value, ax_curve):
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)


def _below(ax, i, low, text):
    """A note at the foot of setting ``i``'s column, for a value not drawn."""
    ax.annotate(text, (i, low), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom", fontsize=SMALL,
                color="dimgrey")
