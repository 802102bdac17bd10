"""Fill each lesson script's `Results:` section from its recorded metrics.json.

    python -m docgen.headers           # rewrite the headers
    python -m docgen.headers --check   # exit 1 if any header disagrees with its results
"""
import argparse
import re
import sys

from common.cli import EXIT_FAILED, EXIT_OK
from common.goal import goal_text
from course.lessons import epoch_summary, recorded, scripts, seeds_of
from course.summary import goal_verdict

from .pages import refresh

SECTION = re.compile(r"(\nResults:\n)(.*?)(\n\nAnalysis:)", re.S)


def render(script):
    """The Results section's lines for one script, from its metrics.json."""
    m = recorded(script)
    if m is None:
        return [f"    Not recorded yet: run `python {script.name} --record`, then `python -m docgen.headers`."]
    s = epoch_summary(m)
    # Kept short: every neighbour's diff shows these lines too.
    return [
        f"    {s['parameters']:,} parameters, receptive field {s['receptive_field']}; train: best "
        f"{s['best_train_acc']:.2f}%, last {s['last_train_acc']:.2f}%",
        f"    Test: best {s['best_test_acc']:.2f}% (epoch {s['best_test_epoch']}), last five "
        f"{', '.join(f'{a:.2f}' for a in s['last5_test_acc'])}",
        f"    End goal ({goal_text()}): {goal_verdict(seeds_of(script), s['goal_met'])}",
        f"    {s['seconds_per_epoch']:.1f} s per epoch on {s['device_name']}, seed {s['seed']}"
        f" (results/{script.stem}/metrics.json)",
    ]


def rewrite(text, lines):
    if not SECTION.search(text):
        raise ValueError("no 'Results:' section followed by 'Analysis:' in the header")
    return SECTION.sub(lambda m: m.group(1) + "\n".join(lines) + m.group(3), text, count=1)


def stale():
    """Scripts whose header is not what their results say."""
    return [p for p in scripts() if refresh(p, rewrite(p.read_text(), render(p)), check=True)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if a header is out of date")
    args = parser.parse_args(argv)
    bad = [p for p in scripts() if refresh(p, rewrite(p.read_text(), render(p)), args.check)]
    if args.check:
        for p in bad:
            print(f"{p.name}: Results header is out of date; run `python -m docgen.headers`")
    return EXIT_FAILED if args.check and bad else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
