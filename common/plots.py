"""The run's figures: loss and accuracy curves, and the misclassified digits."""
import matplotlib

matplotlib.use("Agg")  # files only: no window, works on a headless machine
import matplotlib.pyplot as plt  # noqa: E402

from .files import atomic_path  # noqa: E402


def save_figure(fig, path):
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def plot_curves(path, epochs, title, goal_acc=None, evaluated_on="test"):
    """Loss and accuracy per epoch, train beside test (or validation)."""
    xs = [e["epoch"] for e in epochs]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    for split, label, style in (("train", "train", "-o"), ("test", evaluated_on, "-s")):
        ax_loss.plot(xs, [e[f"{split}_loss"] for e in epochs], style, ms=3, label=label)
        ax_acc.plot(xs, [e[f"{split}_acc"] for e in epochs], style, ms=3, label=label)
    ax_loss.set(xlabel="epoch", ylabel="loss (NLL)", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    if goal_acc is not None:
        ax_acc.axhline(goal_acc, color="grey", lw=0.8, ls="--", label=f"{goal_acc:g}% goal")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    save_figure(fig, path)


def plot_misclassified(path, images, truths, preds, title, total_errors, evaluated_on="test"):
    """A grid of (the first) wrong test predictions, each titled with its true and predicted label:
    white digits on black, as MNIST stores them."""
    n = len(images)
    cols = 10
    rows = max(1, (n + cols - 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.1, rows * 1.35))
    for i, ax in enumerate(getattr(axes, "flat", [axes])):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].squeeze(0).numpy(), cmap="gray")
            ax.set_title(f"{int(truths[i])} → {int(preds[i])}", fontsize=9)
    fig.suptitle(f"{title}: true → predicted, the first {n} of {total_errors:,} {evaluated_on} errors", fontsize=10)
    save_figure(fig, path)
