"""The summary page's table and plot across all ten lessons."""
import io

from .lessons import ROOT

PLOT = ROOT / "docs" / "img" / "summary.png"


def _recorded(lessons):
    from .docs import summary_of

    return [(info, summary_of(info["script"])) for info in lessons]


def table(lessons):
    lines = ["| # | lesson | parameters | RF | best test | last test | train − test gap | s / epoch |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for info, s in _recorded(lessons):
        link = f"[{info['title']}]({info['page']})"
        if s is None:
            lines.append(f"| {info['number']} | {link} | | | not recorded yet | | | |")
            continue
        lines.append(f"| {info['number']} | {link} | {s['parameters']:,} | {s['receptive_field']} | "
                     f"{s['best_test_acc']:.2f}% | {s['last_test_acc']:.2f}% | {s['last_gap']:+.2f} | "
                     f"{s['seconds_per_epoch']:.1f} |")
    return "\n".join(lines)


def steps(lessons):
    """What each lesson's one change bought, against the lesson before it."""
    lines = ["| step | parameters | last test accuracy | train − test gap (last epoch) |", "|---|---:|---:|---:|"]
    recorded = _recorded(lessons)
    for (prev, ps), (info, s) in zip(recorded, recorded[1:]):
        step = f"{prev['number']} → {info['number']}: {info['title']}"
        if ps is None or s is None:
            lines.append(f"| {step} | not recorded yet | | |")
            continue
        lines.append(f"| {step} | {ps['parameters']:,} → {s['parameters']:,} | "
                     f"{s['last_test_acc'] - ps['last_test_acc']:+.2f} points | "
                     f"{ps['last_gap']:+.2f} → {s['last_gap']:+.2f} |")
    return "\n".join(lines)


def plot_bytes(lessons):
    from common.results import plt

    rows = [(info, s) for info, s in _recorded(lessons) if s is not None]
    fig, (ax_acc, ax_par) = plt.subplots(1, 2, figsize=(11, 3.8))
    xs = [info["number"] for info, _ in rows]
    ax_acc.plot(xs, [s["best_test_acc"] for _, s in rows], "-o", label="best test")
    ax_acc.plot(xs, [s["last_test_acc"] for _, s in rows], "-s", label="last test")
    ax_acc.plot(xs, [s["last_train_acc"] for _, s in rows], "--^", label="last train")
    ax_acc.axhline(99.4, color="grey", lw=0.8, ls="--", label="99.4% goal")
    ax_acc.set(xlabel="lesson", ylabel="accuracy (%)", title="accuracy by lesson", xticks=range(1, 11))
    ax_par.semilogy(xs, [s["parameters"] for _, s in rows], "-o", color="C3")
    ax_par.axhline(8000, color="grey", lw=0.8, ls="--", label="8,000 budget")
    ax_par.set(xlabel="lesson", ylabel="parameters (log scale)", title="parameters by lesson", xticks=range(1, 11))
    for ax in (ax_acc, ax_par):
        ax.grid(alpha=0.3)
        ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def write_plot(lessons):
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    data = plot_bytes(lessons)
    if not PLOT.exists() or PLOT.read_bytes() != data:
        PLOT.write_bytes(data)
        print(f"updated {PLOT.relative_to(ROOT)}")


def plot_is_current(lessons):
    return PLOT.exists() and PLOT.read_bytes() == plot_bytes(lessons)


def blocks(lessons):
    return {"table": table(lessons), "steps": steps(lessons)}
