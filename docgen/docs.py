"""Regenerate every number, table, diff and figure in docs/ and README.md.

    python -m docgen.docs           # rewrite the generated blocks (and the figures they show)
    python -m docgen.docs --check   # exit 1 if anything is out of date or a link is broken

Pages are written by hand around blocks marked
`<!-- generated:NAME -->` ... `<!-- /generated:NAME -->`; only the blocks are
rewritten, from results/ and the scripts themselves. Nothing in a block is
typed by hand.
"""
import argparse
import sys

from common import paths
from common.cli import EXIT_FAILED, EXIT_OK
from common.record import FIGURES
from common.files import copy_file
from course.lessons import from_other_source, recorded, seeds_of, summary_of
from course.summary import NOISE_RULE, goal_verdict

from . import (backprop, figures, headers, lesson_page, links, performance_page, quoted_experiments, summary_page,
               tables, timing)
from .markers import start_marker
from .pages import DOCS, IMG, all_lessons, refresh, with_blocks
from .tables import pct

def seeds_legend(lessons, prefix):
    """What the over-seeds columns of a lessons table mean; ``prefix`` is the path to docs/."""
    why = tables.why_one_seed(lessons[0])
    stuck = [f"lesson {i.number} (seed {', '.join(map(str, tables.stuck_seeds(i)))})" for i in lessons
             if tables.stuck_seeds(i)]
    stuck = (f" A seed that never learned stays at chance; it is counted apart (\"2 of 3\": the seeds that "
             f"learned): {', '.join(stuck)}." if stuck else "")
    one = f"; lesson 1 has one seed, as {why}, so lesson 2 has no change measured" if why else ""
    return (f"*Last test, seeds*: the last epoch's test accuracy, mean ± standard deviation over the recorded seeds "
            f"(how many){one}.{stuck} *Its change, over seeds*: that accuracy against the lesson before, by the "
            f"rule in "
            f"[Beyond the noise]({prefix}choosing.md#beyond-the-noise).")


def lessons_table(lessons):
    """The README's table: every column, each script linked."""
    columns = [tables.NUMBER, tables.linked_title("docs/"), tables.SCRIPT, tables.PARAMETERS, tables.RF,
               tables.BEST_TEST, tables.LAST_TEST, tables.FINAL_OVER_SEEDS, tables.step_column(lessons),
               tables.SECONDS, tables.MACHINE, tables.GOAL_MET]
    return tables.lesson_table(lessons, columns, f"*Best test* and *last test*: the recorded run (seed 1). "
                                                 f"{seeds_legend(lessons, 'docs/')} {timing.seconds_note(lessons)}")


def glance_table(lessons):
    """The home page's table, five columns that fit a phone: the site's summary page has the rest."""
    columns = [tables.NUMBER, ("lesson", "l", lambda info, run: f"[{info.title}]({info.page})"), tables.PARAMETERS,
               tables.FINAL_OVER_SEEDS, tables.step_column(lessons)]
    return tables.lesson_table(lessons, columns, f"{seeds_legend(lessons, '')} The [summary](summary.md) has every "
                                                 f"column; each lesson's page links its quiz.")


def verdict_block(lessons, prefix=""):
    """One sentence: how far the final lesson meets the end goal, over all of its recorded seeds."""
    final = lessons[-1]
    run = summary_of(final.script)
    if run is None:
        return lesson_page.not_recorded(final)
    return (f"So far the final network, `{final.script.name}` with {run['parameters']:,} parameters, has its end "
            f"goal **{goal_verdict(seeds_of(final.script), run['goal_met'])}**; "
            f"[How the settings were chosen]({prefix}choosing.md#the-verdict-on-the-test-set) says what was tried.")


def headline_block(lessons):
    final = lessons[-1]
    s = summary_of(final.script)
    if s is None:
        return lesson_page.not_recorded(final)
    seeds = seeds_of(final.script)
    text = (f"**Headline:** `{final.script.name}` has **{s['parameters']:,} parameters**; the end goal is "
            f"**{goal_verdict(seeds, s['goal_met'])}**.")
    if seeds:
        text += (f" Over seeds {', '.join(str(r['seed']) for r in seeds['seeds'])}, the final test accuracy is "
                 f"{seeds['final_test_acc_mean']:.2f}% ± {seeds['final_test_acc_std']:.2f} and the lowest of the last "
                 f"five {seeds['min_last5_test_acc_mean']:.2f}% ± {seeds['min_last5_test_acc_std']:.2f} "
                 f"(mean ± std).")
    here, first = timing.machine_of(final.script), summary_of(lessons[0].script)
    text += (f" The recorded run, seed 1, reaches {pct(s['last_test_acc'])} after {s['epochs']} epochs, with at least "
             f"{pct(s['min_last5_test_acc'])} in every one of the last five; it took "
             f"{s['total_seconds'] / 60:.1f} minutes on {here}.")
    if first:
        there = timing.machine_of(lessons[0].script)
        text += (f" Lesson 1, where the course starts, has {first['parameters']:,} parameters "
                 f"({first['parameters'] / s['parameters']:,.0f} times as many), reaches {pct(first['last_test_acc'])} "
                 f"and takes {first['total_seconds'] / 60:.0f} minutes on {there}"
                 + ("; another processor, so the two times do not compare." if there != here else "."))
    return text


# ----------------------------------------------------------------- pages

def planned_pages(lessons):
    """{path: {block name: content}} for every page with generated blocks."""
    pages = {}
    for info in lessons:
        pages[DOCS / info.page] = (lesson_page.blocks(info, lessons) | quoted_experiments.blocks(info.page)
                                   | timing.blocks(info))
        if start_marker("seeds") in (DOCS / info.quiz).read_text():
            pages[DOCS / info.quiz] = {"seeds": lesson_page.quiz_seeds(info, lessons[info.number - 2]
                                                                       if info.number > 1 else None)}
    pages[DOCS / "index.md"] = {"verdict": verdict_block(lessons), "lessons": glance_table(lessons)}
    pages[paths.ROOT / "README.md"] = {"headline": headline_block(lessons), "lessons": lessons_table(lessons)}
    pages[DOCS / "summary.md"] = summary_page.blocks(lessons)
    pages[DOCS / "choosing.md"] = {**quoted_experiments.blocks("choosing.md"), "noise": NOISE_RULE,
                                   "margin": tables.margin_table(lessons[-1])}
    pages[DOCS / "performance.md"] = performance_page.blocks(lessons)
    pages[DOCS / "backprop.md"] = {"backprop": backprop.render()}
    return pages


def planned_figures(lessons):
    """{copy in docs/img: original in results/} for every figure a page shows."""
    copies = {}
    for info in lessons:
        stem = info.script.stem
        for name in FIGURES:
            if (paths.RESULTS / stem / name).exists():
                copies[IMG / stem / name] = paths.RESULTS / stem / name
    return copies | quoted_experiments.figures()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    lessons = all_lessons()
    problems = []
    for path, blocks in planned_pages(lessons).items():
        if refresh(path, with_blocks(path, blocks), args.check) and args.check:
            problems.append(f"{path.relative_to(paths.ROOT)} is out of date")
    for copy, original in planned_figures(lessons).items():
        if not copy.exists() or copy.read_bytes() != original.read_bytes():
            if args.check:
                problems.append(f"{copy.relative_to(paths.ROOT)} differs from {original.relative_to(paths.ROOT)}")
            else:
                copy_file(original, copy)
                print(f"copied {original.relative_to(paths.ROOT)}")
    for png, (draw, data) in figures.planned(lessons).items():
        if figures.is_current(png, data):
            continue
        if args.check:
            problems.append(f"{png.relative_to(paths.ROOT)} is out of date")
        else:
            figures.write(png, draw, data)
    for info in lessons:
        m = recorded(info.script)
        if m and from_other_source(info.script, m):
            problems.append(f"results/{info.script.stem}/metrics.json was recorded from other code than "
                            f"{info.script.name} holds now: run it again")
    problems += quoted_experiments.stale_records()
    problems += [f"{p.name}: Results header is out of date (python -m docgen.headers)" for p in headers.stale()]
    problems += links.broken_links()
    for p in problems:
        print(p)
    if args.check and problems:
        print("run `python -m docgen.docs` (and `python -m docgen.headers`) to regenerate")
    return EXIT_FAILED if problems else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
