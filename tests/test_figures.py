"""The figures show the range their text talks about: every point on the axis, or said to be below it."""
import matplotlib

matplotlib.use("Agg")

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
