"""Regenerate every number, table, diff and figure in docs/ and README.md.

    python -m tools.docs           # rewrite the generated blocks (and the figures they show)
    python -m tools.docs --check   # exit 1 if anything is out of date or a link is broken

Pages are written by hand around blocks marked
`<!-- generated:NAME -->` ... `<!-- /generated:NAME -->`; only the blocks are
rewritten, from results/ and the scripts themselves. Nothing in a block is
typed by hand.
"""
import argparse
import json
import re
import shutil
import sys

import numpy
import torch
import torch.nn as nn
from PIL import Image

from common.batch_transforms import BatchPipeline, UnsupportedTransform
from common.goal import goal_text
from common.model_info import receptive_field
from common.record import FIGURES
from common.results import atomic_path

from . import backprop, figures, headers, performance_page, summary_page, tables
from .diff import code_diff
from .lessons import RESULTS, ROOT, from_other_source, load_module, recorded, refresh, scripts, summary_of
from .markers import replace_block
from .tables import pct

DOCS = ROOT / "docs"
IMG = DOCS / "img"


# ----------------------------------------------------------------- lessons

def lesson_info(script):
    """Number, title, page names and header sections of a lesson script."""
    module = load_module(script)
    doc = module.__doc__
    number = int(script.stem[4:6])
    title = re.match(r"Lesson \d+: (.*)\.", doc.splitlines()[0]).group(1)
    section = lambda name: re.search(rf"\n{name}:\n(.*?)(?:\n\n[A-Z][a-z]+:|\Z)", doc, re.S).group(1)  # noqa: E731
    dedent = lambda text: "\n".join(line[4:] if line.startswith("    ") else line for line in text.splitlines())  # noqa: E731
    page = f"{script.stem[4:]}.md"  # code04_batchnorm.py -> 04_batchnorm.md
    return {
        "script": script, "number": number, "title": title, "module": module, "page": page,
        "quiz": f"quiz/{page}", "target": dedent(section("Target")).strip(),
        "analysis": dedent(section("Analysis")).strip(),
    }


def all_lessons():
    return [lesson_info(s) for s in scripts()]


def not_recorded(info):
    return (f"*Not recorded yet.* Run `python {info['script'].name} --record`, then `python -m tools.docs` "
            f"to fill this in from `results/{info['script'].stem}/metrics.json`.")


# ----------------------------------------------------------------- blocks

def results_block(info):
    s = summary_of(info["script"])
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
        (f"End goal ({goal_text()})", "met" if s["goal_met"] else "not met"),
        ("Seconds per epoch (median)", f"{s['seconds_per_epoch']:.1f} on {s['device_name']}"),
        ("Whole run", f"{s['total_seconds'] / 60:.1f} minutes, seed {s['seed']}"),
    ]
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    table += "\n\n¹ " + gap_note(info["module"])
    script = info["script"]
    return table + f"\n\nRecorded in `results/{script.stem}/metrics.json` by `python {script.name} --record`."


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
        source = info["script"].read_text()
        net = source[source.index("class Net"):source.index("\n\n\nEPOCHS")]
        return "The starting point has no predecessor; this is its network:\n\n```python\n" + net + "\n```"
    diff = code_diff(previous["script"], info["script"], context=2)
    return (f"`python -m tools.diff {previous['number']} {info['number']}`, the code below the header docstrings:\n\n"
            "```diff\n" + "\n".join(diff) + "\n```")


def rf_block(info):
    rows = receptive_field(info["module"].Net())
    # Seven narrow columns, so that the receptive field stays on screen beside the navigation.
    lines = ["| layer | type | k, s, p | size | channels | jump | RF |",
             "|---|---|:---:|---|---:|---:|---:|"]
    for r in rows:
        jump = "—" if r["size_out"] == 1 else r["jump"]  # one output pixel has no neighbours to be apart from
        lines.append(f"| `{r['layer']}` | {r['type']} | {r['kernel']}, {r['stride']}, {r['padding']} | "
                     f"{r['size_in']} → {r['size_out']} | {r['channels_out']} | {jump} | {r['rf']} |")
    lines += ["", "*k, s, p*: kernel size, stride and padding. *Size*: the map's side, in and out. *Jump*: how "
                  "many input pixels apart two neighbouring outputs are. *RF*: how many input pixels across one "
                  "output sees."]
    return "\n".join(lines)


def figures_block(info):
    stem = info["script"].stem
    if summary_of(info["script"]) is None or not all((RESULTS / stem / f).exists() for f in FIGURES):
        return not_recorded(info)
    previous = f"beside lesson {info['number'] - 1}'s" if info["number"] > 1 else "per epoch"
    return (f"![Test accuracy of lesson {info['number']} {previous}](img/{stem}/compare.png)\n\n"
            f"![Loss and accuracy per epoch, {stem}](img/{stem}/curves.png)\n\n"
            f"![Test images this network gets wrong, {stem}](img/{stem}/misclassified.png)")


def nav_block(info, lessons):
    i = info["number"] - 1
    parts = []
    if i > 0:
        parts.append(f"[← Lesson {i}: {lessons[i - 1]['title']}]({lessons[i - 1]['page']})")
    parts.append(f"[Quiz for this lesson]({info['quiz']})")
    if i + 1 < len(lessons):
        parts.append(f"[Lesson {i + 2}: {lessons[i + 1]['title']} →]({lessons[i + 1]['page']})")
    else:
        parts.append("[Summary of the course →](summary.md)")
    return " · ".join(parts)


def lesson_blocks(info, lessons):
    previous = lessons[info["number"] - 2] if info["number"] > 1 else None
    return {
        "title": f"# Lesson {info['number']}: {info['title']}",
        "target": info["target"],
        "diff": diff_block(info, previous),
        "results": results_block(info),
        "figures": figures_block(info),
        "rf": rf_block(info),
        "analysis": info["analysis"],
        "run": run_block(info["script"]),
        "nav": nav_block(info, lessons),
    }


def run_block(script):
    name, number = script.name, int(script.stem[4:6])
    lines = [f"python {name}               # your run: a new folder under runs/{script.stem}/",
             f"python {name} --dry-run     # one short epoch, to check that it runs",
             f"python {name} --validation  # held-out training images, for choosing settings",
             f"python {name} --record      # the run this page shows, in results/{script.stem}/"]
    if number > 1:
        lines.append(f"python -m tools.diff {number - 1} {number}     # what this lesson changed")
    return "```bash\n" + "\n".join(lines) + "\n```"


def lessons_table(lessons, link_prefix):
    """The at-a-glance table of the README and the overview. The README links
    each script; the site holds docs/ only and is narrower, so there the
    script column is left out (every lesson page names its script)."""
    columns = [tables.NUMBER, tables.linked_title(link_prefix), *([tables.SCRIPT] if link_prefix else []),
               tables.PARAMETERS, tables.RF, tables.BEST_TEST, tables.LAST_TEST, tables.SECONDS, tables.GOAL_MET]
    devices = sorted({s["device_name"] for s in map(summary_of, (i["script"] for i in lessons)) if s})
    return tables.lesson_table(lessons, columns, f"Seconds per epoch are medians over each recorded run, on "
                                                 f"{', '.join(devices) or 'no device yet'}.")


def seeds_block(stem):
    path = RESULTS / stem / "seeds.md"
    if not path.exists():
        return f"*Not recorded yet:* `python -m tools.seeds {stem}.py --seeds 1 2 3 4 5`."
    return path.read_text().strip()


def headline_block(lessons):
    final = lessons[-1]
    s = summary_of(final["script"])
    if s is None:
        return not_recorded(final)
    seeds = json.loads((RESULTS / final["script"].stem / "seeds.json").read_text()) \
        if (RESULTS / final["script"].stem / "seeds.json").exists() else None
    text = (f"**Headline:** `{final['script'].name}` has **{s['parameters']:,} parameters** and reaches "
            f"**{pct(s['last_test_acc'])}** test accuracy after {s['epochs']} epochs, with at least "
            f"{pct(s['min_last5_test_acc'])} in every one of the last five. The run took "
            f"{s['total_seconds'] / 60:.1f} minutes on a {s['device_name']}.")
    first = summary_of(lessons[0]["script"])
    if first:
        text += (f" Lesson 1, where the course starts, has {first['parameters']:,} parameters "
                 f"({first['parameters'] / s['parameters']:,.0f} times as many), reaches {pct(first['last_test_acc'])} "
                 f"and takes {first['total_seconds'] / 60:.0f} minutes on a {first['device_name']}.")
    if seeds:
        text += (f" Over seeds {', '.join(str(r['seed']) for r in seeds['seeds'])}: final accuracy "
                 f"{seeds['final_test_acc_mean']:.2f}% ± {seeds['final_test_acc_std']:.2f}, lowest of the last five "
                 f"{seeds['min_last5_test_acc_mean']:.2f}% ± {seeds['min_last5_test_acc_std']:.2f} (mean ± std); "
                 f"the end goal holds for {sum(r['goal_met'] for r in seeds['seeds'])} of the "
                 f"{len(seeds['seeds'])} seeds.")
    return text


# ----------------------------------------------------------------- pages

def planned_pages(lessons):
    """{path: {block name: content}} for every page with generated blocks."""
    pages = {}
    for info in lessons:
        pages[DOCS / info["page"]] = lesson_blocks(info, lessons)
    final = lessons[-1]["script"].stem
    pages[DOCS / lessons[-1]["page"]]["seeds"] = seeds_block(final)
    pages[DOCS / "index.md"] = {"lessons": lessons_table(lessons, "")}
    pages[ROOT / "README.md"] = {"headline": headline_block(lessons), "lessons": lessons_table(lessons, "docs/")}
    pages[DOCS / "summary.md"] = summary_page.blocks(lessons)
    pages[DOCS / "performance.md"] = performance_page.blocks(lessons)
    pages[DOCS / "backprop.md"] = {"backprop": backprop.render()}
    return pages


def planned_figures(lessons):
    """{copy in docs/img: original in results/} for every figure a page shows."""
    copies = {}
    for info in lessons:
        stem = info["script"].stem
        for name in FIGURES:
            if (RESULTS / stem / name).exists():
                copies[IMG / stem / name] = RESULTS / stem / name
    return copies


def render(path, blocks):
    text = path.read_text()
    for name, content in blocks.items():
        text = replace_block(text, name, content)
    return text


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def slug(heading):
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"[\s]+", "-", text)


def anchors(path):
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(m) for m in re.findall(r"^#+\s+(.*?)\s*$", text, re.M)}


def broken_links():
    """Relative links and images in docs/ and README.md that point nowhere."""
    problems = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+://|mailto:", target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = (page.parent / file_part).resolve() if file_part else page
            if not dest.exists():
                problems.append(f"{page.relative_to(ROOT)}: link to missing {target}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{page.relative_to(ROOT)}: link to missing anchor {target}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    lessons = all_lessons()
    problems = []
    for path, blocks in planned_pages(lessons).items():
        if refresh(path, render(path, blocks), args.check) and args.check:
            problems.append(f"{path.relative_to(ROOT)} is out of date")
    for copy, original in planned_figures(lessons).items():
        if not copy.exists() or copy.read_bytes() != original.read_bytes():
            if args.check:
                problems.append(f"{copy.relative_to(ROOT)} differs from {original.relative_to(ROOT)}")
            else:
                with atomic_path(copy) as tmp:
                    shutil.copyfile(original, tmp)
                print(f"copied {original.relative_to(ROOT)}")
    for png, (draw, data) in figures.planned(lessons).items():
        if figures.is_current(png, data):
            continue
        if args.check:
            problems.append(f"{png.relative_to(ROOT)} is out of date")
        else:
            figures.write(png, draw, data)
    for info in lessons:
        m = recorded(info["script"])
        if m and from_other_source(info["script"], m):
            problems.append(f"results/{info['script'].stem}/metrics.json was recorded from other code than "
                            f"{info['script'].name} holds now: run it again")
    problems += [f"{p.name}: Results header is out of date (python -m tools.headers)" for p in headers.stale()]
    problems += broken_links()
    for p in problems:
        print(p)
    if args.check and problems:
        print("run `python -m tools.docs` (and `python -m tools.headers`) to regenerate")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
