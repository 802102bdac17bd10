"""The run's figures: loss and accuracy curves, and the misclassified digits."""
import math

import matplotlib

matplotlib.use("Agg")  # files only: no window, works on a headless machine
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter  # noqa: E402

from .files import atomic_path  # noqa: E402

# Figures are read on phones too, where a page shows a figure about PHONE_PX pixels wide. A figure
# drawn WIDTH inches wide at DPI shows there at about a pixel per point of text, so no text is
# smaller than SMALL points, and a phone shows none under READABLE_PX pixels (phone_px).
DPI, WIDTH, PHONE_PX, SMALL, READABLE_PX = 110, 5.0, 358, 10, 9.5
plt.rcParams.update({"font.size": 11, "axes.titlesize": 11, "axes.labelsize": 11, "figure.titlesize": 12,
                     "xtick.labelsize": SMALL, "ytick.labelsize": SMALL, "legend.fontsize": SMALL})


def phone_px(points, png_width):
    """How many pixels tall text of ``points`` shows on a phone, in a figure saved ``png_width`` pixels wide."""
    return points * DPI / 72 * min(1.0, PHONE_PX / png_width)


def save_figure(fig, path):
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)


ZOOM_FROM = 98.0  # (%): the accuracy panel starts here, or lower if the 2nd epoch's test accuracy is lower


def integer_epochs(ax):
    """Whole-number epoch ticks on the x axis."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def log_ticks(ax, axis="y"):
    """A log axis labelled in plain numbers, with enough labelled ticks for its range: 1, 2, 3 and 5 times
    each power of ten over a decade or so,
    every digit over less, fewer over a wider range. Call it once the data is drawn."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    decades = math.log10(high / low)
    subs = (tuple(range(1, 10)) if decades < 0.7 else (1.0, 2.0, 3.0, 5.0) if decades < 1.3 else
            (1.0, 2.0, 5.0) if decades < 2.2 else (1.0, 3.0) if decades < 3.5 else (1.0,))
    target.set_major_locator(LogLocator(base=10, subs=subs))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1000 else f"{v:g}"))
    target.set_minor_locator(LogLocator(base=10, subs=[s for s in range(1, 10) if s not in subs]))
    target.set_minor_formatter(NullFormatter())


def _epochs_text(epochs):
    """[1, 2, 3] -> "epochs 1-3"; [1] -> "epoch 1"; [1, 4] -> "epochs 1, 4"."""
    if len(epochs) == 1:
        return f"epoch {epochs[0]}"
    if epochs == list(range(epochs[0], epochs[-1] + 1)):
        return f"epochs {epochs[0]}-{epochs[-1]}"
    return "epochs " + ", ".join(map(str, epochs))


def below_axis(xs, series, low):
    """A note naming the points under ``low``, per series: "train epoch 1 (88.0%)", or for several
    "train epochs 1-3 (from 37.9%)"; "" when every point is on the axis."""
    notes = []
    for label, ys in series:
        under = [(x, y) for x, y in zip(xs, ys) if y < low]
        if under:
            lowest = min(y for _, y in under)
            value = f"{lowest:.1f}%" if len(under) == 1 else f"from {lowest:.1f}%"
            notes.append(f"{label} {_epochs_text([x for x, _ in under])} ({value})")
    return "; ".join(notes)


def accuracy_range(test_acc, goal_acc=None):
    """The zoomed accuracy axis: from the lower of the 2nd epoch's test accuracy and ZOOM_FROM (down to a
    half percent) up to 100."""
    second = test_acc[1] if len(test_acc) > 1 else test_acc[0]
    low = min(ZOOM_FROM, math.floor(second * 2) / 2)
    if goal_acc is not None:
        low = min(low, goal_acc - 1)
    return low, 100.0


def plot_curves(path, epochs, title, goal_acc=None, evaluated_on="test"):
    """Loss (log scale) and accuracy per epoch, train beside test (or validation), one panel above the
    other so that the figure stays readable at phone width. The accuracy panel is zoomed on the upper
    region where the runs differ; the points below it are named on the panel."""
    xs = [e["epoch"] for e in epochs]
    fig, (ax_loss, ax_acc) = plt.subplots(2, 1, figsize=(WIDTH, 6.2), sharex=True)
    splits = (("train", "train", "-o"), ("test", evaluated_on, "-s"))
    for split, label, style in splits:
        ax_loss.plot(xs, [e[f"{split}_loss"] for e in epochs], style, ms=3, label=label)
        ax_acc.plot(xs, [e[f"{split}_acc"] for e in epochs], style, ms=3, label=label)
    ax_loss.set(ylabel="loss (NLL, log scale)", yscale="log", title="loss")
    log_ticks(ax_loss)
    low, high = accuracy_range([e["test_acc"] for e in epochs], goal_acc)
    ax_acc.set_ylim(low, high)
    note = below_axis(xs, [(label, [e[f"{split}_acc"] for e in epochs]) for split, label, _ in splits], low)
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)",
               title=f"accuracy, the axis from {low:g}%" + (f"\nbelow it: {note}".replace("; ", ";\n") if note else ""))
    if goal_acc is not None:
        ax_acc.axhline(goal_acc, color="grey", lw=0.8, ls="--", label=f"{goal_acc:g}% goal")
    integer_epochs(ax_acc)
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right" if ax is ax_loss else "lower right")
    fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)


def plot_run(path, metrics, goal_acc=None, evaluated_on="test"):
    """A run's curves.png from its metrics.json: the same figure at the run's end as when redrawn later."""
    title = f"{metrics['script']} ({metrics['model']['parameters']:,} parameters)"
    plot_curves(path, metrics["epochs"], title, goal_acc=goal_acc, evaluated_on=evaluated_on)


def plot_misclassified(path, images, truths, preds, title, total_errors, evaluated_on="test"):
    """A grid of (the first) wrong test predictions, each titled with its true and predicted label:
    white digits on black, as MNIST stores them; six a row, so that a phone shows the labels readably."""
    n = len(images)
    cols = 6
    rows = max(1, (n + cols - 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, rows * 1.05 + 0.5))
    for i, ax in enumerate(getattr(axes, "flat", [axes])):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].squeeze(0).numpy(), cmap="gray")
            ax.set_title(f"{int(truths[i])} → {int(preds[i])}")
    fig.suptitle(f"{title}: true → predicted,\nthe first {n} of {total_errors:,} {evaluated_on} errors")
    save_figure(fig, path)
