"""A seed that never learned does not decide a comparison over seeds.

Such a seed stays at chance, about 90 points below the seeds that learned.
Alone it makes the spread so wide that any change reads "inside the noise"
(lesson 4 against lesson 3 once read +30.18 ± 29.59). The generator counts
it apart, judges the seeds that learned, and says so (docgen.tables.compared).
"""
import json
import re

import pytest

from common.paths import ROOT
from docgen import tables
from docgen.experiments import AGAINST, QUOTED
from docgen.quoted_experiments import EXPERIMENTS
from docgen.markers import block
from docgen.pages import all_lessons
from course.lessons import seeds_of
from course.summary import mean_and_sd, never_learned, said

LESSON_3 = [(1, 98.78, 98.31), (2, 98.33, 98.25), (3, 9.80, 9.80)]  # seed 3 stayed at chance
LESSON_4 = [(1, 99.15, 99.03), (2, 99.15, 99.15), (3, 99.14, 99.14)]
# Seeds that all learned differ by tenths of a point: a standard error of this many points
# can only come from a seed at chance among them.
ONLY_A_SEED_AT_CHANCE = 5.0
VERDICT = re.compile(r"± (\d+\.\d+) \((?:inside|beyond) the noise")
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]


def rows(seeds):
    return [{"seed": seed, "final_test_acc": final, "min_last5_test_acc": lowest} for seed, final, lowest in seeds]


def test_a_seed_that_never_learned_is_counted_apart_and_named():
    line = tables.compared(rows(LESSON_3), rows(LESSON_4), names=("lesson 3", "lesson 4"))
    assert line == "+0.59 ± 0.23 (beyond the noise; lesson 3's seed 3 never learned, counted apart)"
    lowest = tables.compared(rows(LESSON_3), rows(LESSON_4), tables.LOWEST, ("lesson 3", "lesson 4"))
    assert lowest == "+0.83 ± 0.05 (beyond the noise; lesson 3's seed 3 never learned, counted apart)"
    # Judged with the seed at chance, the same seeds would read "inside the noise":
    everything = [(*mean_and_sd(s[1] for s in seeds), len(seeds)) for seeds in (LESSON_3, LESSON_4)]
    assert said(*everything) == "+30.18 ± 29.59 (inside the noise)"


def test_seeds_that_never_learned_on_both_sides_are_all_named():
    after = LESSON_4[:2] + [(3, 9.80, 9.80), (4, 99.20, 99.10)]
    line = tables.compared(rows(LESSON_3), rows(after), names=("lesson 3", "lesson 4"))
    assert line == ("+0.61 ± 0.23 (beyond the noise; lesson 3's seed 3 and lesson 4's seed 3 never learned, "
                    "counted apart)")


def test_without_a_seed_at_chance_the_line_is_the_plain_rule():
    assert tables.compared(rows(LESSON_4), rows(LESSON_4)) == "+0.00 ± 0.00 (inside the noise)"


def test_with_fewer_than_two_seeds_that_learned_nothing_is_judged():
    alone = [(1, 98.78, 98.31), (3, 9.80, 9.80)]
    assert tables.compared(rows(alone), rows(LESSON_4)) == "not measured over seeds yet"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_judges_a_spread_that_only_a_seed_at_chance_could_make(page):
    wide = [m.group(0) for m in VERDICT.finditer(page.read_text()) if float(m[1]) >= ONLY_A_SEED_AT_CHANCE]
    assert wide == [], f"{page.name} judges a comparison whose spread is a seed that never learned"


def test_each_step_with_a_seed_that_never_learned_says_so_on_its_page():
    lessons = all_lessons()
    for previous, info in zip(lessons, lessons[1:]):
        dead = {f"lesson {i.number}'s seed" for i in (previous, info) if seeds_of(i.script)
                for r in seeds_of(i.script)["seeds"] if never_learned(r["final_test_acc"])}
        line = block((ROOT / "docs" / info.page).read_text(), "seeds").split(f"Against lesson {previous.number}")
        if dead and len(line) > 1:
            assert all(seed in line[1] for seed in dead) and "counted apart" in line[1], (info.page, dead)


def test_a_seed_that_diverged_is_named_on_its_page_and_in_every_verdict_on_its_row():
    """A run whose loss stopped being a number has no accuracy: its row's mean leaves it out, so the page
    must name it under the table and in the verdict, or the row reads as if every seed had learned."""
    named = 0
    for name, (pages, _) in QUOTED.items():
        record = EXPERIMENTS / name / "results.json"
        rows = json.loads(record.read_text())["rows"] if record.exists() else []
        for row, where in ((r, d) for r in rows for d in r.get("diverged", [])):
            for page in pages:
                text = block((ROOT / "docs" / page).read_text(), f"experiment:{name}")
                assert f"`{row['setting']}`: seed {where['seed']} diverged" in text, (page, name)
                verdicts = [line for line in text.splitlines() if line.startswith(f"- `{row['setting']}`: final")]
                assert all(f"seed {where['seed']} of {row['setting']} diverged, counted apart" in line
                           for line in verdicts) and (verdicts or name not in AGAINST), (page, name)
                named += 1
    assert named, "no quoted record has a seed that diverged: this test checks nothing (code01-lr-probe had one)"
