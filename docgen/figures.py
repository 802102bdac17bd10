"""Figures drawn from the records for the course text.

Each figure is stored with the data it shows (a .json beside the .png), so
that `python -m docgen.docs --check` compares data, not PNG bytes (which
change with the matplotlib version).

- docs/img/<script>/compare.png: a lesson's test accuracy per epoch beside
  the previous lesson's, with the spread over seeds where seeds are recorded,
  on an axis that shows the band where the course is decided.
- docs/img/all_lessons.png: the test accuracy per epoch of all ten lessons.
- docs/img/summary.png: the accuracy and the parameters of each lesson.
"""
import functools
import json
from pathlib import Path

from common.goal import GOAL
from common.files import atomic_path
from common.plots import plt, save_figure
from tools.lessons import RESULTS, ROOT, from_other_source, recorded, summary_of

from . import idea_figures
from .pages import IMG
BAND = (97.0, 99.8)  # accuracy axis (%): where the lessons after the first few epochs differ


def test_curves(script):
    """Test accuracy per epoch of the recorded run (seed 1), and per epoch the
    lowest and highest over every recorded seed, if there are several."""
    main = recorded(script)
    if main is None:
        return None
    runs = [main] + [m for m in (recorded(script, path) for path in
                                 sorted((RESULTS / Path(script).stem / "seeds").glob("seed*/metrics.json")))
                     if m is not None and m["settings"]["seed"] != 1 and not from_other_source(script, m)
                     and len(m["epochs"]) == len(main["epochs"])]
    curves = [[e["test_acc"] for e in m["epochs"]] for m in runs]
    spread = {"low": [min(c) for c in zip(*curves)], "high": [max(c) for c in zip(*curves)]} if len(runs) > 1 else None
    return {"seed 1": curves[0], "seeds": len(runs), "spread": spread}


def _goal_line(ax):
    ax.axhline(GOAL["min_test_acc"], color="grey", lw=0.8, ls="--", label=f"{GOAL['min_test_acc']:g}% goal")


def _epoch_axes(ax, title):
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", ylim=BAND, title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def draw_compare(path, data):
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for key, style, color in (("previous", "--", "grey"), ("this", "-o", "C0")):
        lesson = data[key]
        if lesson is None:
            continue
        curves = lesson["curves"]
        xs = range(1, len(curves["seed 1"]) + 1)
        ax.plot(xs, curves["seed 1"], style, color=color, ms=3, label=f"lesson {lesson['number']}, seed 1")
        if curves["spread"]:
            below = " (a seed below the axis)" if curves["spread"]["low"][-1] < BAND[0] else ""
            ax.fill_between(xs, curves["spread"]["low"], curves["spread"]["high"], color=color, alpha=0.2,
                            label=f"lesson {lesson['number']}, lowest to highest of {curves['seeds']} seeds{below}")
    _goal_line(ax)
    _epoch_axes(ax, f"Lesson {data['this']['number']}: {data['this']['title']}")
    save_figure(fig, path)


def draw_all(path, data):
    fig, ax = plt.subplots(figsize=(10, 4.2))
    for i, lesson in enumerate(data):
        curve = lesson["seed 1"]
        label = f"{lesson['number']}. {lesson['title']}"
        ax.plot(range(1, len(curve) + 1), curve, "-o", ms=2.5, color=plt.cm.tab10(i % 10), label=label)
    _goal_line(ax)
    _epoch_axes(ax, f"Test accuracy per epoch, every lesson (seed 1; the axis starts at {BAND[0]:g}%)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    save_figure(fig, path)


def draw_summary(path, rows):
    fig, (ax_acc, ax_par) = plt.subplots(1, 2, figsize=(11, 3.8))
    xs = [r["lesson"] for r in rows]
    ax_acc.plot(xs, [r["best_test_acc"] for r in rows], "-o", label="best test")
    ax_acc.plot(xs, [r["last_test_acc"] for r in rows], "-s", label="last test")
    ax_acc.plot(xs, [r["last_train_acc"] for r in rows], "--^", label="last train")
    _goal_line(ax_acc)
    ax_acc.set(xlabel="lesson", ylabel="accuracy (%)", title="accuracy by lesson", xticks=range(1, 11))
    ax_par.semilogy(xs, [r["parameters"] for r in rows], "-o", color="C3")
    ax_par.axhline(GOAL["max_parameters"], color="grey", lw=0.8, ls="--", label=f"{GOAL['max_parameters']:,} budget")
    ax_par.set(xlabel="lesson", ylabel="parameters (log scale)", title="parameters by lesson", xticks=range(1, 11))
    for ax in (ax_acc, ax_par):
        ax.grid(alpha=0.3)
        ax.legend()
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
    print(f"updated {png.relative_to(ROOT)}")
