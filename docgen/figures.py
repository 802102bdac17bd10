"""Figures drawn from the records for the course text.

Each figure is stored with the data it shows (a .json beside the .png), so
that `python -m docgen.docs --check` compares data, not PNG bytes (which
change with the matplotlib version).

- docs/img/<script>/compare.png: a lesson's test accuracy per epoch beside
  the previous lesson's, with the spread over seeds where seeds are recorded,
  on an axis that holds every point drawn (see compare_range); a seed that
  never learned (course.summary.never_learned) is left out of the spread and named in the legend.
- docs/img/all_lessons.png: the test accuracy per epoch of every lesson.
- docs/img/summary.png: the accuracy and the parameters of each lesson.
"""
import functools
import json
import math
from pathlib import Path

from common import paths
from common.goal import GOAL
from common.files import atomic_path
from common.plots import SMALL, WIDTH, integer_epochs, log_ticks, plt, save_figure
from course.lessons import from_other_source, recorded, summary_of
from course.summary import never_learned

from . import idea_figures
from .pages import IMG
BAND = (97.0, 99.8)  # accuracy axis (%) of all_lessons.png: where the lessons after the first few epochs differ


def test_curves(script):
    """Test accuracy per epoch of the recorded run (seed 1), and per epoch the lowest and highest over every
    recorded seed, if there are several; a seed that never learned (course.summary.never_learned) is left out
    of the spread and named in "stuck" with its final accuracy."""
    main = recorded(script)
    if main is None:
        return None
    others = [m for m in (recorded(script, path) for path in
                          sorted((paths.RESULTS / Path(script).stem / "seeds").glob("seed*/metrics.json")))
              if m is not None and m["settings"]["seed"] != 1 and not from_other_source(script, m)
              and len(m["epochs"]) == len(main["epochs"])]
    stuck = [m for m in others if never_learned(m["epochs"][-1]["test_acc"])]
    runs = [main] + [m for m in others if m not in stuck]
    curves = [[e["test_acc"] for e in m["epochs"]] for m in runs]
    spread = {"low": [min(c) for c in zip(*curves)], "high": [max(c) for c in zip(*curves)]} if len(runs) > 1 else None
    return {"seed 1": curves[0], "seeds": len(runs), "spread": spread,
            **({"stuck": [{"seed": m["settings"]["seed"], "final": m["epochs"][-1]["test_acc"]} for m in stuck]}
               if stuck else {})}


def _goal_line(ax, on_line=False):
    """The goal as a dashed line, named in the legend or, with ``on_line``, on the line itself at the left
    (where the first epochs sit well below it)."""
    goal = GOAL["min_test_acc"]
    ax.axhline(goal, color="grey", lw=0.8, ls="--", label=None if on_line else f"{goal:g}% goal")
    if on_line:
        ax.text(0.01, goal, f"{goal:g}% goal", transform=ax.get_yaxis_transform(), va="bottom", ha="left",
                fontsize=SMALL, color="dimgrey")


def _epoch_axes(ax, title, ylim=BAND):
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", ylim=ylim, title=title)
    integer_epochs(ax)
    ax.grid(alpha=0.3)


def _compare_values(data):
    for key in ("previous", "this"):
        if data[key] is not None:
            curves = data[key]["curves"]
            yield from curves["seed 1"]
            if curves["spread"]:
                yield from curves["spread"]["low"] + curves["spread"]["high"]


def compare_range(data):
    """The accuracy axis of a compare figure: from the lowest point drawn (a seed-1 curve or the spread
    over seeds), down to a half percent, up to BAND's top or the highest point. Every point is on it."""
    values = list(_compare_values(data))
    low = math.floor((min(values) - 0.05) * 2) / 2
    return low, min(100.0, max(BAND[1], max(values) + 0.1))


def draw_compare(path, data):
    low, high = compare_range(data)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.6))
    for key, style, color in (("previous", "--", "grey"), ("this", "-o", "C0")):
        lesson = data[key]
        if lesson is None:
            continue
        curves = lesson["curves"]
        xs = range(1, len(curves["seed 1"]) + 1)
        ax.plot(xs, curves["seed 1"], style, color=color, ms=3, label=f"lesson {lesson['number']}, seed 1")
        stuck = "".join(f"\n(seed {r['seed']} never learned: {r['final']:.1f}%, not drawn)"
                        for r in curves.get("stuck", []))
        if curves["spread"]:
            ax.fill_between(xs, curves["spread"]["low"], curves["spread"]["high"], color=color, alpha=0.2,
                            label=f"lesson {lesson['number']}, lowest to highest\nof {curves['seeds']} seeds{stuck}")
        else:  # a blank or a note in the lesson's legend column, so that each lesson has a column of its own
            ax.plot([], [], " ", label=f"lesson {lesson['number']}{stuck}" if stuck else " ")
    _goal_line(ax, on_line=True)
    _epoch_axes(ax, f"Lesson {data['this']['number']}: {data['this']['title']}", (low, high))
    # under the axes (inside, the legend would hide points), a column per lesson where the labels are short
    handles, labels = ax.get_legend_handles_labels()
    short = all(len(line) <= 28 for label in labels for line in label.splitlines())
    kept = [(h, label) for h, label in zip(handles, labels) if short or label.strip()]  # one column: no blanks
    ax.legend(*zip(*kept), loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2 if short else 1, frameon=False)
    save_figure(fig, path)


def draw_all(path, data):
    fig, ax = plt.subplots(figsize=(WIDTH, 4.0))
    for i, lesson in enumerate(data):
        curve = lesson["seed 1"]
        label = f"{lesson['number']}. {lesson['title']}"
        ax.plot(range(1, len(curve) + 1), curve, "-o", ms=2.5, color=plt.cm.tab10(i % 10), label=label)
    _goal_line(ax, on_line=True)
    _epoch_axes(ax, f"Test accuracy per epoch, every lesson\n(seed 1; the axis starts at {BAND[0]:g}%)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, frameon=False)
    save_figure(fig, path)


def draw_summary(path, rows):
    fig, (ax_acc, ax_par) = plt.subplots(2, 1, figsize=(WIDTH, 7.4), sharex=True)
    xs = [r["lesson"] for r in rows]
    ax_acc.plot(xs, [r["best_test_acc"] for r in rows], "-o", label="best test")
    ax_acc.plot(xs, [r["last_test_acc"] for r in rows], "-s", label="last test")
    ax_acc.plot(xs, [r["last_train_acc"] for r in rows], "--^", label="last train")
    _goal_line(ax_acc)
    ax_acc.set(ylabel="accuracy by lesson (%)", xticks=xs)
    ax_par.semilogy(xs, [r["parameters"] for r in rows], "-o", color="C3", label="parameters")
    ax_par.axhline(GOAL["max_parameters"], color="grey", lw=0.8, ls="--", label=f"{GOAL['max_parameters']:,} budget")
    ax_par.set(xlabel="lesson", ylabel="parameters (log scale)", xticks=xs)
    log_ticks(ax_par)
    for ax in (ax_acc, ax_par):
        ax.grid(alpha=0.3)
        # above the axes: inside, the legend would hide a lesson's point; beside, it would widen the figure
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    fig.tight_layout()
    save_figure(fig, path)


def planned(lessons):
    """{png path: (draw function, data)} for every figure, from the records as they are now."""
    figures = {}
    curves = {info.number: test_curves(info.script) for info in lessons}
    for i, info in enumerate(lessons):
        if curves[info.number] is None:
            continue
        previous = lessons[i - 1] if i > 0 and curves[lessons[i - 1].number] else None
        figures[IMG / info.script.stem / "compare.png"] = (draw_compare, {
            "this": {"number": info.number, "title": info.title, "curves": curves[info.number]},
            "previous": previous and {"number": previous.number, "title": previous.title,
                                      "curves": curves[previous.number]},
        })
    for i, info in enumerate(lessons):
        data = idea_figures.figure_data(info, lessons[i - 1] if i > 0 else None)
        if data is not None:
            figures[IMG / info.script.stem / "idea.png"] = (functools.partial(idea_figures.draw, info=info), data)
    recorded_lessons = [info for info in lessons if curves[info.number]]
    figures[IMG / "all_lessons.png"] = (draw_all, [
        {"number": info.number, "title": info.title, "seed 1": curves[info.number]["seed 1"]}
        for info in recorded_lessons])
    keys = ("parameters", "best_test_acc", "last_test_acc", "last_train_acc")
    figures[IMG / "summary.png"] = (draw_summary, [
        {"lesson": info.number, **{k: summary_of(info.script)[k] for k in keys}} for info in recorded_lessons])
    return figures


def data_path(png):
    return png.with_suffix(".json")


def is_current(png, data):
    return png.exists() and data_path(png).exists() and json.loads(data_path(png).read_text()) == data


def write(png, draw, data):
    draw(png, data)
    with atomic_path(data_path(png)) as tmp:
        tmp.write_text(json.dumps(data, indent=1) + "\n")
    print(f"updated {png.relative_to(paths.ROOT)}")
