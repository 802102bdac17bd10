"""The summary page's table and plot across all ten lessons."""
import json

from common.goal import GOAL
from common.results import atomic_path, plt, save_figure

from . import tables
from .lessons import ROOT, summary_of

PLOT = ROOT / "docs" / "img" / "summary.png"
# What the plot shows, kept beside it: the check compares data, not PNG bytes,
# which change with the matplotlib version.
PLOT_DATA = PLOT.with_suffix(".json")


def _recorded(lessons):
    return [(info, summary_of(info["script"])) for info in lessons]


def table(lessons):
    columns = [tables.NUMBER, ("lesson", "---", lambda info, s: f"[{info['title']}]({info['page']})"),
               tables.PARAMETERS, tables.RF, tables.BEST_TEST, tables.LAST_TEST, tables.FINAL_OVER_SEEDS, tables.GAP,
               tables.SECONDS]
    return tables.lesson_table(lessons, columns, "*RF*: receptive field of the output, in pixels. *Last test, seeds*: "
                                                 "the last epoch's test accuracy over the recorded seeds, mean ± "
                                                 "standard deviation (number of seeds), where a lesson has them. "
                                                 "*Gap*: train minus test accuracy in the last epoch, in points. "
                                                 "*s / epoch*: median seconds per epoch of the recorded run.")


def steps(lessons):
    """What each lesson's one change bought, against the lesson before it."""
    lines = ["| step | parameters | last test accuracy, seed 1 | over seeds | train − test gap (last epoch) |",
             "|---|---:|---:|---|---:|"]
    recorded = _recorded(lessons)
    for (prev, ps), (info, s) in zip(recorded, recorded[1:]):
        step = f"{prev['number']} → {info['number']}: {info['title']}"
        if ps is None or s is None:
            lines.append(f"| {step} | not recorded yet | | | |")
            continue
        lines.append(f"| {step} | {ps['parameters']:,} → {s['parameters']:,} | "
                     f"{s['last_test_acc'] - ps['last_test_acc']:+.2f} points | {tables.step_over_seeds(prev, info)} | "
                     f"{ps['last_gap']:+.2f} → {s['last_gap']:+.2f} |")
    lines += ["", "*Over seeds*: the change in the mean last-epoch test accuracy of the recorded seeds, ± its "
                  "standard error; a change within two standard errors is inside the seed-to-seed noise. With seed "
                  "1 alone, a difference of a tenth of a point can be noise: one seed of the final lesson differs "
                  "from another by about that much (its spread over seeds is in the table above)."]
    return "\n".join(lines)


def plot_data(lessons):
    keys = ("parameters", "best_test_acc", "last_test_acc", "last_train_acc")
    return [{"lesson": info["number"], **{k: s[k] for k in keys}} for info, s in _recorded(lessons) if s is not None]


def _draw(path, rows):
    fig, (ax_acc, ax_par) = plt.subplots(1, 2, figsize=(11, 3.8))
    xs = [r["lesson"] for r in rows]
    ax_acc.plot(xs, [r["best_test_acc"] for r in rows], "-o", label="best test")
    ax_acc.plot(xs, [r["last_test_acc"] for r in rows], "-s", label="last test")
    ax_acc.plot(xs, [r["last_train_acc"] for r in rows], "--^", label="last train")
    ax_acc.axhline(GOAL["min_test_acc"], color="grey", lw=0.8, ls="--", label=f"{GOAL['min_test_acc']:g}% goal")
    ax_acc.set(xlabel="lesson", ylabel="accuracy (%)", title="accuracy by lesson", xticks=range(1, 11))
    ax_par.semilogy(xs, [r["parameters"] for r in rows], "-o", color="C3")
    ax_par.axhline(GOAL["max_parameters"], color="grey", lw=0.8, ls="--", label=f"{GOAL['max_parameters']:,} budget")
    ax_par.set(xlabel="lesson", ylabel="parameters (log scale)", title="parameters by lesson", xticks=range(1, 11))
    for ax in (ax_acc, ax_par):
        ax.grid(alpha=0.3)
        ax.legend()
    save_figure(fig, path)


def write_plot(lessons):
    rows = plot_data(lessons)
    if plot_is_current(lessons):
        return
    _draw(PLOT, rows)
    with atomic_path(PLOT_DATA) as tmp:
        tmp.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"updated {PLOT.relative_to(ROOT)}")


def plot_is_current(lessons):
    return PLOT.exists() and PLOT_DATA.exists() and json.loads(PLOT_DATA.read_text()) == plot_data(lessons)


def blocks(lessons):
    return {"table": table(lessons), "steps": steps(lessons)}
