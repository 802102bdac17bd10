"""The code two lessons differ in: a unified diff below their header docstrings.

    python -m tools.diff 9 10
    python -m tools.diff code04_batchnorm.py code05_dropout.py

The headers (Target / Results / Analysis) always differ; the lesson is in
the code below them. This is the diff the lesson pages show.

It compares text, so it needs no torch: it imports only the standard library
and common/source.py, read as a file. (`import common.source` would first run
common/__init__.py, which imports torch for the lessons.)
"""
import argparse
import difflib
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _source_module():
    """common/source.py on its own, without the package around it."""
    spec = importlib.util.spec_from_file_location("_lesson_source", ROOT / "common" / "source.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


split_header = _source_module().split_header


def resolve(name):
    """A lesson script from a name a person types: `code10_lr_schedule.py`, `code10`, `10`.
    The same rule as tools.lessons.resolve (a test checks that they agree), without its imports."""
    paths = sorted(ROOT.glob("code[0-9][0-9]_*.py"))
    for path in paths:
        stem = path.stem
        if name in (path.name, stem, stem.split("_")[0], stem[4:6], stem[4:6].lstrip("0")):
            return path
    raise SystemExit(f"error: no lesson script matches {name!r} (try one of: {', '.join(p.name for p in paths)})")


def below_header(path):
    """The script's lines after its header docstring."""
    return split_header(path.read_text())[1].strip("\n").splitlines()


def code_diff(old, new, context=2):
    """Unified diff lines of two lesson scripts below their headers."""
    return list(difflib.unified_diff(below_header(old), below_header(new), old.name, new.name, n=context,
                                     lineterm=""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", help="a lesson: its number (9), code09 or code09_augment.py")
    parser.add_argument("new", help="the lesson to compare it with")
    parser.add_argument("-U", "--context", type=int, default=2, help="lines of context around each change")
    args = parser.parse_args(argv)
    print("\n".join(code_diff(resolve(args.old), resolve(args.new), args.context)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
