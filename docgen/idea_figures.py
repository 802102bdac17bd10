"""One figure per lesson that shows its idea, drawn from the lessons' own
networks and records (docs/img/<script>/idea.png, with its data beside it).

What each shows, by lesson: 1 and 3, 6, 7 where the parameters sit, layer by
layer (against the previous lesson from 3 on); 2 the skeleton, block by
block; 4 and 5 the loss per epoch against the previous lesson; 8 the
receptive field layer by layer against lesson 7; 9 one training digit under
the lesson's rotation, at its range's ends and in random draws, each with the upright digit's
outline; 10 the learning rate on the same axis as test accuracy.
"""
import torch

from common import paths
from common.batch_transforms import BatchPipeline, affine_batch
from common.data import mnist
from common.model_info import receptive_field
from common.plots import SMALL, WIDTH, integer_epochs, log_ticks, plt, save_figure
from course.lessons import recorded

PARAMETERS, SKELETON, LOSSES, RF, ROTATIONS, SCHEDULE = "parameters", "skeleton", "losses", "rf", "rotations", "lr"
KIND = {1: PARAMETERS, 2: SKELETON, 3: PARAMETERS, 4: LOSSES, 5: LOSSES, 6: PARAMETERS, 7: PARAMETERS, 8: RF,
        9: ROTATIONS, 10: SCHEDULE}
CAPTION = {PARAMETERS: "Where the parameters sit, layer by layer", SKELETON: "The skeleton, layer by layer",
           LOSSES: "Train and test loss per epoch, against the previous lesson",
           RF: "The receptive field after each layer, against lesson 7",
           ROTATIONS: "One training digit turned as this lesson turns it, with its upright outline",
           SCHEDULE: "The learning rate on the same axis as test accuracy"}
ROTATED_DIGIT, SAMPLES = 7, 4  # which training image lesson 9's figure transforms, and how many random draws


def layers(info):
    """Per spatial layer of the lesson's network: its name, output size and channels, and parameters."""
    net = info.module.Net()
    modules = dict(net.named_modules())
    return [{"layer": r["layer"], "size": r["size_out"], "channels": r["channels_out"], "rf": r["rf"],
             "parameters": sum(p.numel() for p in modules[r["module"]].parameters())}
            for r in receptive_field(net)]


def totals(info):
    """The network's parameters from net.parameters(), and how many of them are BatchNorm's (the bars count
    the convolutions only)."""
    net = info.module.Net()
    batchnorm = sum(p.numel() for m in net.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
                    for p in m.parameters(recurse=False))
    return {"total": sum(p.numel() for p in net.parameters()), "batchnorm": batchnorm}


def _lesson(info, **data):
    return {"number": info.number, "title": info.title, **data}


def figure_data(info, previous):
    """What the lesson's figure shows, from code and records only; None where a record is missing."""
    kind = KIND[info.number]
    if kind in (PARAMETERS, RF, SKELETON):
        lessons = [previous] if previous and kind != SKELETON and info.number > 1 else []
        extra = totals if kind == PARAMETERS else lambda i: {}
        return {"kind": kind, "lessons": [_lesson(i, layers=layers(i), **extra(i)) for i in [*lessons, info]]}
    runs = [recorded(i.script) for i in ([previous, info] if kind == LOSSES else [info])]
    if any(m is None for m in runs):
        return None
    if kind == LOSSES:
        return {"kind": kind, "lessons": [_lesson(i, train=[e["train_loss"] for e in m["epochs"]],
                                                  test=[e["test_loss"] for e in m["epochs"]])
                                          for i, m in zip((previous, info), runs)]}
    if kind == SCHEDULE:
        return {"kind": kind, "lr": [e["lr"] for e in runs[0]["epochs"]],
                "test": [e["test_acc"] for e in runs[0]["epochs"]]}
    turn = next(step for step in info.module.TRAIN_TRANSFORMS.transforms if hasattr(step, "degrees"))
    return {"kind": kind, "index": ROTATED_DIGIT, "samples": SAMPLES, "degrees": [float(d) for d in turn.degrees],
            "transforms": repr(info.module.TRAIN_TRANSFORMS)}


def _bars_title(lesson, rows):
    """"lesson 5: 12,732 parameters (12,588 in convolutions, 144 in BatchNorm)": the total is the network's,
    the bars are its convolutions; whatever else the network holds is named."""
    convolutions = sum(r["parameters"] for r in rows)
    parts = [f"{convolutions:,} in convolutions"]
    if lesson["batchnorm"]:
        parts.append(f"{lesson['batchnorm']:,} in BatchNorm")
    other = lesson["total"] - convolutions - lesson["batchnorm"]
    if other:
        parts.append(f"{other:,} elsewhere")
    inside = ", ".join(parts) if len(parts) > 1 else "all in its convolutions"
    return f"lesson {lesson['number']}: {lesson['total']:,} parameters\n({inside})"


def _bars(fig, data, info):
    lessons = data["lessons"]
    axes = fig.subplots(len(lessons), 1, sharey=True, squeeze=False)[:, 0]
    for ax, lesson in zip(axes, lessons):
        rows = [r for r in lesson["layers"] if r["parameters"]]  # pools have none
        ax.bar(range(len(rows)), [r["parameters"] for r in rows], 0.7)
        ax.set_xticks(range(len(rows)), [r["layer"] for r in rows], rotation=45, ha="right")
        ax.set(yscale="log", ylabel="parameters\n(log scale)")
        ax.set_title(_bars_title(lesson, rows))
        ax.grid(alpha=0.3)
    log_ticks(axes[0])
    fig.tight_layout()


def _skeleton(fig, data, info):
    ax = fig.subplots()
    rows = data["lessons"][0]["layers"]
    for i, r in enumerate(rows):
        color = "C1" if r["layer"].startswith(("pool", "gap")) else "C0" if r["size"] > 1 else "C2"
        ax.bar(i, r["size"], 0.8, color=color)
        ax.text(i, r["size"] + 0.5, f"{r['channels']}", ha="center", fontsize=SMALL)
    ax.set_xticks(range(len(rows)), [r["layer"] for r in rows], rotation=45, ha="right")
    ax.set(ylim=(0, 31), ylabel="map size (pixels a side)",
           title="map size after each layer, its channels above\n(blue: 3x3 or 1x1 convolution,\norange: pool, "
                 "green: output)")
    ax.grid(alpha=0.3)


def _losses(fig, data, info):
    axes = fig.subplots(2, 1, sharex=True)
    for ax, split in zip(axes, ("train", "test")):
        for lesson, style in zip(data["lessons"], ("--", "-o")):
            ax.plot(range(1, len(lesson[split]) + 1), lesson[split], style, ms=3, label=f"lesson {lesson['number']}")
        ax.set(ylabel="loss (log scale)", yscale="log")
        ax.set_title(f"{split} loss per epoch")
        log_ticks(ax)
        ax.grid(alpha=0.3)
        ax.legend()
    axes[-1].set_xlabel("epoch")
    integer_epochs(axes[-1])
    fig.tight_layout()


def _rf(fig, data, info):
    ax = fig.subplots()
    for lesson, style in zip(data["lessons"], ("--s", "-o")):
        rows = lesson["layers"]
        pool = next(i for i, r in enumerate(rows, start=1) if r["layer"].startswith("pool"))
        ax.plot(range(1, len(rows) + 1), [r["rf"] for r in rows], style,
                label=f"lesson {lesson['number']}: pool is layer {pool}")
    ax.set(xlabel="layer, in order", ylabel="receptive field (pixels)", title="receptive field after each layer")
    ax.grid(alpha=0.3)
    ax.legend()


def _rotations(fig, data, info):
    """Above, the digit turned to the range's ends and halfway (affine_batch, which the batched pipeline
    uses; positive is counter-clockwise); below, the lesson's own pipeline on copies of it (first draws of
    seed 0). The upright digit's outline is drawn over each, so the turn shows."""
    image = mnist(paths.DATA)[True].data[data["index"]].unsqueeze(0).float()  # 1 x 28 x 28
    low, high = data["degrees"]
    angles = [low, low / 2, high / 2, high]  # as many as the random draws: one row each
    turned = affine_batch(image.expand(len(angles), -1, -1, -1), torch.tensor(angles))
    pipeline = BatchPipeline(info.module.TRAIN_TRANSFORMS)
    drawn = pipeline(pipeline.prepare(image.expand(data["samples"], -1, -1, -1)), torch.Generator().manual_seed(0))
    panels = [(f"{a:+g}°".replace("-", "−"), img) for a, img in zip(angles, turned)]
    panels += [(f"draw {i}", img) for i, img in enumerate(drawn, start=1)]
    for ax, (title, img) in zip(fig.subplots(2, len(angles)).flat, panels):
        ax.imshow(img.squeeze(0).numpy(), cmap="gray", vmin=img.min().item())
        ax.contour(image.squeeze(0).numpy(), levels=[127.5], colors="#ff7f0e", linewidths=1.5)
        ax.set_title(title)
        ax.axis("off")
    fig.suptitle("above: turned to the range's ends and halfway;\nbelow: random draws; orange: the upright outline",
                 y=1.0, va="bottom")


def _schedule(fig, data, info):
    ax = fig.subplots()
    xs = range(1, len(data["lr"]) + 1)
    ax.plot(xs, data["test"], "-o", ms=3, color="C0", label="test accuracy (left axis)")
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", title="test accuracy and the learning rate")
    integer_epochs(ax)
    ax.grid(alpha=0.3)
    right = ax.twinx()
    right.step(xs, data["lr"], where="mid", color="C3", label="learning rate (right axis)")
    right.set(yscale="log", ylabel="learning rate (log scale)", ylim=(min(data["lr"]) / 2, max(data["lr"]) * 2))
    right.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    # one legend for both axes, under the plot: inside it would hide points
    handles = [*ax.get_legend_handles_labels()[0], *right.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, frameon=False)


DRAW = {PARAMETERS: _bars, SKELETON: _skeleton, LOSSES: _losses, RF: _rf, ROTATIONS: _rotations, SCHEDULE: _schedule}
SIZE = {ROTATIONS: (WIDTH, 3.0), SCHEDULE: (WIDTH - 0.6, 3.8)}  # the schedule's right axis widens it


def size(data):
    """Figure size (inches): the panels one above the other, narrow enough to read at phone width."""
    if data["kind"] == LOSSES:
        return WIDTH, 6.0
    if data["kind"] == PARAMETERS:
        return WIDTH, 3.4 * len(data["lessons"])
    return SIZE.get(data["kind"], (WIDTH, 3.8))


def draw(path, data, info):
    fig = plt.figure(figsize=size(data))
    DRAW[data["kind"]](fig, data, info)
    save_figure(fig, path)
