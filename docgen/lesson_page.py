"""The generated blocks of one lesson's page: its target, diff, results,
figures, receptive field, analysis, how to run it, and the way on."""
import numpy
import torch
import torch.nn as nn
from PIL import Image

from common import paths
from common.batch_transforms import BatchPipeline, UnsupportedTransform
from common.goal import goal_text
from common.model_info import receptive_field
from common.record import FIGURES
from course.lessons import lesson_number, seeds_of, summary_of
from course.summary import goal_verdict, markdown_table
from tools.diff import code_diff

from . import idea_figures
from .tables import LOWEST, pct, recorded_spread, step_over_seeds, why_one_seed
from .timing import machine_of


def not_recorded(info):
    return (f"*Not recorded yet.* Run `python {info.script.name} --record`, then `python -m docgen.docs` "
            f"to fill this in from `results/{info.script.stem}/metrics.json`.")


def results_block(info):
    s = summary_of(info.script)
    if s is None:
        return not_recorded(info)
    rows = [
        ("Parameters", f"{s['parameters']:,}"),
        ("Receptive field of the output", f"{s['receptive_field']} pixels"),
        ("Multiply-accumulates per image", f"{s['macs_per_image']:,}"),
        ("Best train accuracy", f"{pct(s['best_train_acc'])} (epoch {s['best_train_epoch']})"),
        ("Best test accuracy", f"{pct(s['best_test_acc'])} (epoch {s['best_test_epoch']})"),
        (f"Last epoch ({s['epochs']})", f"train {pct(s['last_train_acc'])}, test {pct(s['last_test_acc'])}, "
                                        f"gap {s['last_gap']:+.2f} points¹"),
        ("Test accuracy, last five epochs", ", ".join(f"{a:.2f}" for a in s["last5_test_acc"])),
        (f"End goal ({goal_text()})", f"{'met' if s['goal_met'] else 'not met'} by this run (seed 1); "
                                      f"{goal_verdict(seeds_of(info.script), s['goal_met'])} (below)"
                                      if seeds_of(info.script) else goal_verdict(None, s["goal_met"])),
        ("Seconds per epoch", f"{s['seconds_per_epoch']:.1f} (the median of {s['epochs']} epochs) on "
                              f"{machine_of(info.script)}"),
        ("Whole run", f"{s['total_seconds'] / 60:.1f} minutes on {machine_of(info.script)}, seed {s['seed']}"),
    ]
    table = markdown_table(["measure", "value"], "ll", rows)
    table += "\n\n¹ " + gap_note(info.module)
    script = info.script
    return table + f"\n\nRecorded in `results/{script.stem}/metrics.json` by `python {script.name} --record`."


def seeds_block(info, previous):
    """The lesson over its recorded seeds, and its change from the previous lesson measured over seeds."""
    seeds, number = seeds_of(info.script), info.number
    if seeds is None:
        if why_one_seed(info):
            return (f"One seed: {why_one_seed(info)}, so its other seeds are not recorded. "
                    f"`python -m tools.seeds 1 --seeds 2 3 --out runs/seeds` runs them on your machine.")
        return f"*Not recorded yet:* `python -m tools.seeds {number} --seeds 1 2 3 --device cpu`."
    listed = " ".join(str(r["seed"]) for r in seeds["seeds"])
    text = (f"From `python -m tools.seeds {number} --seeds {listed} --device cpu`:\n\n"
            + (paths.RESULTS / info.script.stem / "seeds.md").read_text().strip())
    spread, dead = recorded_spread(info.script)
    if dead and spread:
        text += (f"\n\nSeed{'s' if len(dead) > 1 else ''} {', '.join(map(str, dead))} never learned: "
                 f"{'they stay' if len(dead) > 1 else 'it stays'} at chance, and the mean ± std above counts "
                 f"{'them' if len(dead) > 1 else 'it'}. Over the {spread[2]} seeds that learned, the final test "
                 f"accuracy is {spread[0]:.2f}% ± {spread[1]:.2f}. Every comparison with another lesson counts a seed "
                 f"that never learned apart.")
    if previous and recorded_spread(previous.script)[0]:
        text += (f"\n\nAgainst lesson {previous.number}, over seeds: the mean final test accuracy changes by "
                 f"{step_over_seeds(previous, info)}; the mean of the lowest of the last five epochs by "
                 f"{step_over_seeds(previous, info, LOWEST)}; ± one standard error of the difference, and the noise "
                 f"as [How the settings were chosen](choosing.md#beyond-the-noise) defines it.")
    return text


def quiz_seeds(info, previous):
    """A quiz's line on what the seeds show for its lesson's change (block `seeds` of docs/quiz/<page>)."""
    where = f"([Lesson {info.number}, over seeds](../{info.page}#over-seeds))"
    if previous is None:
        return f"Lesson 1 is where the course starts, with one seed: {why_one_seed(info) or 'no change'}. {where}"
    if not (recorded_spread(previous.script)[0] and recorded_spread(info.script)[0]):
        return f"This lesson's change is not measured over seeds: lesson {previous.number} has one seed. {where}"
    return (f"What the seeds show: against lesson {previous.number}, this lesson's change moves the mean final "
            f"test accuracy by {step_over_seeds(previous, info)}, and the lowest of the last five by "
            f"{step_over_seeds(previous, info, LOWEST)}. {where}")


def is_random(pipeline):
    """Does the pipeline give a different image each time? Asked of the batched
    pipeline where there is one, else tried on an image with two seeds."""
    try:
        return BatchPipeline(pipeline).is_random
    except UnsupportedTransform:
        image = Image.fromarray(numpy.tri(28, dtype=numpy.uint8) * 255)
        torch.manual_seed(0)
        first = pipeline(image)
        torch.manual_seed(1)
        return not torch.equal(first, pipeline(image))


def gap_note(module):
    """What the train-test gap of this lesson means, from what its training really switches on."""
    noisy = [name for name, on in (
        ("Dropout", any(isinstance(m, nn.Dropout) for m in module.Net().modules())),
        ("random augmentation", is_random(module.TRAIN_TRANSFORMS)),
    ) if on]
    note = "Train accuracy is counted during each epoch, while the weights still change"
    if not noisy:
        return note + "; test accuracy after it, with the final weights of the epoch."
    return (note + f" and with {' and '.join(noisy)} on; test accuracy after it, with "
            f"{'both' if len(noisy) == 2 else 'it'} off. That is why a regularised network can score "
            "higher on the test set than on its own training images: a negative gap.")


def diff_block(info, previous):
    if previous is None:
        source = info.script.read_text()
        net = source[source.index("class Net"):source.index("\n\n\nEPOCHS")]
        return "The starting point has no predecessor; this is its network:\n\n```python\n" + net + "\n```"
    diff = code_diff(previous.script, info.script, context=2)
    return (f"`python -m tools.diff {previous.number} {info.number}`, the code below the header docstrings:\n\n"
            "```diff\n" + "\n".join(diff) + "\n```")


def rf_block(info):
    rows = receptive_field(info.module.Net())
    # Seven narrow columns, so that the receptive field stays on screen beside the navigation.
    cells = [[f"`{r['layer']}`", r["type"], f"{r['kernel']}, {r['stride']}, {r['padding']}",
              f"{r['size_in']} → {r['size_out']}", r["channels_out"],
              "—" if r["size_out"] == 1 else r["jump"],  # one output pixel has no neighbours to be apart from
              r["rf"]] for r in rows]
    lines = [markdown_table(["layer", "type", "k, s, p", "size", "channels", "jump", "RF"], "llclrrr", cells),
             "", "*k, s, p*: kernel size, stride and padding. *Size*: the map's side, in and out. *Jump*: how "
                  "many input pixels apart two neighbouring outputs are. *RF*: how many input pixels across one "
                  "output sees."]
    return "\n".join(lines)


def figures_block(info):
    stem = info.script.stem
    if summary_of(info.script) is None or not all((paths.RESULTS / stem / f).exists() for f in FIGURES):
        return not_recorded(info)
    previous = f"beside lesson {info.number - 1}'s" if info.number > 1 else "per epoch"
    return (f"![Test accuracy of lesson {info.number} {previous}](img/{stem}/compare.png)\n\n"
            f"![Loss and accuracy per epoch, {stem}](img/{stem}/curves.png)\n\n"
            f"![Test images this network gets wrong, {stem}](img/{stem}/misclassified.png)")


def nav_block(info, lessons):
    i = info.number - 1
    parts = []
    if i > 0:
        parts.append(f"[← Lesson {i}: {lessons[i - 1].title}]({lessons[i - 1].page})")
    parts.append(f"[Quiz for this lesson]({info.quiz})")
    if i + 1 < len(lessons):
        parts.append(f"[Lesson {i + 2}: {lessons[i + 1].title} →]({lessons[i + 1].page})")
    else:
        parts.append("[Summary of the course →](summary.md)")
    return " · ".join(parts)


def blocks(info, lessons):
    previous = lessons[info.number - 2] if info.number > 1 else None
    return {
        "title": f"# Lesson {info.number}: {info.title}",
        "target": info.target,
        "diff": diff_block(info, previous),
        "results": results_block(info),
        "seeds": seeds_block(info, previous),
        "figures": figures_block(info),
        "idea_figure": f"![{idea_figures.CAPTION[idea_figures.KIND[info.number]]}]"
                       f"(img/{info.script.stem}/idea.png)",
        "rf": rf_block(info),
        "analysis": info.analysis,
        "run": run_block(info.script),
        "nav": nav_block(info, lessons),
    }


def run_block(script):
    """The commands of a lesson, each under its own comment line, so that a phone's narrow screen
    wraps nothing (comments aligned beside the commands would wrap into the next line)."""
    name, number = script.name, lesson_number(script)
    commands = [(f"your run: a new folder under runs/{script.stem}/", f"python {name}"),
                ("one short epoch, to check that it runs", f"python {name} --dry-run"),
                ("held-out training images, for choosing settings", f"python {name} --validation"),
                (f"the run this page shows, in results/{script.stem}/", f"python {name} --record")]
    if number > 1:
        commands.append(("what this lesson changed", f"python -m tools.diff {number - 1} {number}"))
    lines = [line for comment, command in commands for line in (f"# {comment}", command)]
    return "```bash\n" + "\n".join(lines) + "\n```"
