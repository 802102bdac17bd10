"""`diff` of two neighbouring lessons shows the lesson and nothing else.

Each script has four regions: the header docstring, the network (from
`DROPOUT`/`class Net` to the end of the class), the settings block (from
`EPOCHS =` to `def main`), and the rest (imports, main), which never changes.
For every neighbour pair we list the regions its lesson may touch and a bound
on the changed lines outside the header. The bounds are the size of each
lesson's idea, with no slack for drive-by edits: one line per convolution
that changes (3: seven convolutions thinned), one line per BatchNorm or
Dropout added (4: seven, 5: six plus the DROPOUT constant and its two blank
lines), three lines for the output block (6), four for one more layer plus
the comment of the map it shrinks (7), a convolution's four lines moved past
the transition block, plus the new size and RF comment of the nine layers
that move (8), two lines of settings (9: ROTATION and the rotation that
uses it), and for 10 the scheduler: its import, its two settings, its line
after the optimizer and scheduler.step() in the loop.
Lesson 2 replaces lesson 1's network wholesale: that is its lesson.
Lesson 4 raises the rate from 0.01 to 0.05 with BatchNorm (one settings line).
"""
import difflib
import re

import pytest

from common.source import split_header
from common.paths import ROOT
from conftest import LESSONS

ALLOWED = {
    "code02_skeleton.py": ({"net"}, 40),
    "code03_lighter.py": ({"net"}, 7),
    "code04_batchnorm.py": ({"net", "settings"}, 8),
    "code05_dropout.py": ({"net"}, 9),
    "code06_gap.py": ({"net"}, 3),
    "code07_capacity.py": ({"net"}, 5),
    "code08_maxpool.py": ({"net"}, 17),
    "code09_augment.py": ({"settings"}, 2),
    "code10_lr_schedule.py": ({"settings", "rest"}, 5),
}


def regions(lines):
    """The region name of every line."""
    first = lambda pattern: next(i for i, line in enumerate(lines) if re.match(pattern, line))  # noqa: E731
    header_end = split_header("\n".join(lines))[0].count("\n")
    net_start = first(r"(DROPOUT = |class Net\()")
    settings_start = first(r"EPOCHS = ")
    main_start = first(r"def main\(")
    names = []
    for i in range(len(lines)):
        if i <= header_end:
            names.append("header")
        elif net_start <= i < settings_start:
            names.append("net")
        elif settings_start <= i < main_start:
            names.append("settings")
        else:
            names.append("rest")
    return names


def changes(old, new):
    """(regions touched, changed lines outside the header) between two scripts."""
    a, b = old.splitlines(), new.splitlines()
    ra, rb = regions(a), regions(b)
    touched, size = set(), 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        here = {ra[i] for i in range(i1, i2)} | {rb[j] for j in range(j1, j2)}
        if not here:  # a pure insertion at a boundary: take the region of the line before it
            here = {ra[max(i1 - 1, 0)]}
        touched |= here
        if here != {"header"}:
            size += max(i2 - i1, j2 - j1)
    return touched - {"header"}, size


def test_every_lesson_has_a_rule():
    assert set(ALLOWED) == set(LESSONS[1:])


@pytest.mark.parametrize("before, after", list(zip(LESSONS, LESSONS[1:])))
def test_neighbours_differ_only_by_their_lesson(before, after):
    touched, size = changes((ROOT / before).read_text(), (ROOT / after).read_text())
    allowed, bound = ALLOWED[after]
    assert touched <= allowed, f"{before} -> {after} changes {sorted(touched - allowed)} as well"
    assert 0 < size <= bound, f"{before} -> {after} changes {size} lines (bound {bound})"


def test_the_guard_catches_a_drive_by_edit():
    old = (ROOT / "code08_maxpool.py").read_text()
    new = (ROOT / "code09_augment.py").read_text().replace(
        "def main(argv=None):", "def main(argv=None):  # tidied")
    touched, _ = changes(old, new)
    assert "rest" in touched
