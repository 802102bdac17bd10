"""Redraw every figure the course shows from its record, after a change to how figures are drawn.

    python -m docgen.redraw        # then python -m docgen.docs copies them into docs/img

`python -m docgen.docs` redraws a figure only when its data changes; this
redraws them all from the same data: the generator's own figures (compare,
idea, all lessons, summary), each lesson's curves.png from its recorded
metrics.json, and each recorded experiment's figure.png from its
results.json. A misclassified.png is not redrawn: a record does not keep the
wrong predictions it shows, so the next `--record` of the lesson draws it.
"""
import json
import shlex
import sys

from common.goal import GOAL
from common.plots import plot_run
from tools.experiment import figure  # the experiment command draws its figure with this
from common import paths
from course.lessons import recorded

from . import figures
from .pages import all_lessons


def experiment_title(r):
    """An experiment figure's title, as tools.experiment wrote it: the script and the settings it sets."""
    words = shlex.split(r["command"])
    names = [words[i + 1].split("=")[0] for i, word in enumerate(words[:-1]) if word == "--set"]
    return f"{r['script']}: {', '.join(names)}"


def main():
    lessons = all_lessons()
    for png, (draw, data) in figures.planned(lessons).items():
        figures.write(png, draw, data)
    for info in lessons:
        m = recorded(info.script)
        if m is not None:
            plot_run(paths.RESULTS / info.script.stem / "curves.png", m, GOAL["min_test_acc"])
            print(f"redrew results/{info.script.stem}/curves.png")
    for path in sorted((paths.RESULTS / "experiments").glob("*/results.json")):
        r = json.loads(path.read_text())
        figure(path.parent / "figure.png", r["rows"], experiment_title(r), r["evaluated_on"])
        print(f"redrew {path.parent.relative_to(paths.ROOT)}/figure.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
