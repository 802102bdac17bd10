"""The code two lessons differ in: a unified diff below their header docstrings.

    python -m tools.diff 9 10
    python -m tools.diff code04_batchnorm.py code05_dropout.py

The headers (Target / Results / Analysis) always differ; the lesson is in
the code below them. This is the diff the lesson pages show.

It compares text, so it needs no torch (common/__init__.py loads the lessons'
modules only when a lesson asks for them).
"""
import argparse
import difflib
import sys

from common.source import split_header
from course.lessons import resolve


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
