"""The figures show the range their text talks about: every point on the axis, or said to be below it;
and their text is readable where a phone shows them, about 360 pixels wide."""
import functools

import matplotlib
import pytest

matplotlib.use("Agg")

from common import paths  # noqa: E402
from common.plots import accuracy_range, below_axis, log_ticks, plt  # noqa: E402
from docgen.figures import compare_range  # noqa: E402
from tools.experiment_report import figure  # noqa: E402


def _lesson(number, seed1, low=None, high=None, stuck=()):
    spread = {"low": low, "high": high} if low else None
    return {"number": number, "title": "t", "curves": {"seed 1": seed1, "seeds": 3 if spread else 1,
                                                      "spread": spread, **({"stuck": list(stuck)} if stuck else {})}}


def test_compare_axis_holds_every_point_drawn():
    this = _lesson(6, [95.79, 98.1, 99.0], [95.2, 96.9, 98.6], [97.0, 98.3, 99.2])
    low, high = compare_range({"this": this, "previous": _lesson(5, [98.2, 98.7, 99.1])})
    assert low <= 95.2 and high >= 99.4


def test_curves_zoom_names_the_points_below():
    low, high = accuracy_range([95.8, 98.1, 98.4], goal_acc=99.4)
    assert (low, high) == (98.0, 100.0)
    note = below_axis([1, 2, 3], [("train", [88.0, 97.5, 98.1]), ("test", [95.8, 98.1, 98.4])], low)
    assert note == "train epochs 1-2 (from 88.0%); test epoch 1 (95.8%)"
    assert accuracy_range([91.5, 96.2, 97.0])[0] == 96.0


def test_log_axis_has_several_labelled_ticks():
    fig, ax = plt.subplots()
    ax.semilogy([1, 2, 3], [0.022, 0.04, 0.06])
    log_ticks(ax)
    fig.canvas.draw()
    low, high = ax.get_ylim()
    assert len([t for t in ax.get_yticks() if low <= t <= high]) >= 4
    plt.close(fig)


def test_experiment_figure_with_one_seed_says_so(tmp_path, monkeypatch):
    titles = []
    real_save = figure.__globals__["save_figure"]

    def spy(fig, path):
        titles.extend(ax.get_title() for ax in fig.axes)
        real_save(fig, path)
    monkeypatch.setitem(figure.__globals__, "save_figure", spy)
    rows = [{"setting": "LR=0.05", "final_test_acc_mean": 98.2, "final_test_acc_std": 0.0,
             "curves": [[94.6, 97.3, 98.2]]},
            {"setting": "LR=0.1", "final_mean": 9.8, "final_std": 0.0, "curves": [[9.8, 9.8, 9.8]]}]
    figure(tmp_path / "figure.png", rows, "code02_skeleton: LR", "validation")
    assert (tmp_path / "figure.png").exists()
    assert titles == ["final accuracy, one seed", "one seed"]


# ---------------------------------------------------------------- text readable at phone width

def _smallest_text_on_a_phone(monkeypatch, draw):
    """Draw with ``draw()``; the smallest text of each figure saved, in pixels as a phone shows it."""
    import matplotlib.figure
    from matplotlib.text import Text
    from PIL import Image

    from common.plots import phone_px

    shown, real = [], matplotlib.figure.Figure.savefig

    def spy(fig, fname, *args, **kwargs):
        real(fig, fname, *args, **kwargs)
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        shown.append(phone_px(min(sizes), Image.open(fname).width))
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", spy)
    draw()
    return min(shown)


@functools.lru_cache(maxsize=1)
def _planned():
    from docgen import figures
    from docgen.pages import all_lessons

    return figures.planned(all_lessons())


def _docgen_figure(name):
    planned = {f"{png.parent.name}/{png.name}" if png.parent.name != "img" else png.name: drawing
               for png, drawing in _planned().items()}
    return planned[name]


FIGURES = ["code04_batchnorm/compare.png", "code02_skeleton/idea.png", "code03_lighter/idea.png",
           "code05_dropout/idea.png", "code08_maxpool/idea.png", "code09_augment/idea.png",
           "code10_lr_schedule/idea.png", "all_lessons.png", "summary.png"]


@pytest.mark.parametrize("name", FIGURES)
def test_the_generators_figures_are_readable_at_phone_width(name, tmp_path, monkeypatch):
    from common.plots import READABLE_PX
    from common.paths import ROOT

    if name.startswith("code09") and not (paths.DATA / "MNIST" / "raw").exists():
        pytest.skip("lesson 9's figure turns a training digit: MNIST is not in data/")
    draw, data = _docgen_figure(name)
    assert _smallest_text_on_a_phone(monkeypatch, lambda: draw(tmp_path / "f.png", data)) >= READABLE_PX


def test_a_runs_figures_are_readable_at_phone_width(tmp_path, monkeypatch):
    import json

    import torch

    from common.plots import READABLE_PX, plot_misclassified, plot_run
    from common.paths import ROOT

    m = json.loads((ROOT / "results" / "code04_batchnorm" / "metrics.json").read_text())
    assert _smallest_text_on_a_phone(monkeypatch, lambda: plot_run(tmp_path / "c.png", m, 99.4)) >= READABLE_PX
    images, labels = torch.rand(30, 1, 28, 28), torch.arange(30) % 10
    assert _smallest_text_on_a_phone(monkeypatch, lambda: plot_misclassified(
        tmp_path / "m.png", images, labels, (labels + 1) % 10, "code04_batchnorm", 85)) >= READABLE_PX
    r = json.loads((ROOT / "results" / "experiments" / "code03-lr" / "results.json").read_text())
    assert _smallest_text_on_a_phone(monkeypatch, lambda: figure(tmp_path / "e.png", r["rows"], "code03_lighter: LR",
                                                                 "validation")) >= READABLE_PX
