"""CONTRIBUTING.md's checklist for a new lesson, held for every lesson of the course index: its page with
every generated block, its quiz, its two entries in mkdocs.yml's nav and the kind of its idea figure."""
import re

import pytest

from common.paths import ROOT
from conftest import LESSONS
from docgen import idea_figures, lesson_page
from docgen.markers import end_marker, start_marker
from docgen.pages import DOCS, all_lessons

@pytest.fixture(scope="module")
def lessons():
    return all_lessons()


def lesson_of(script, lessons):
    return next(info for info in lessons if info.script.name == script)


def nav_targets():
    """The pages that mkdocs.yml's nav lists."""
    return re.findall(r":\s*(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M)


@pytest.mark.parametrize("script", LESSONS)
def test_every_lesson_has_a_page_with_every_generated_block(script, lessons):
    info = lesson_of(script, lessons)
    page = DOCS / info.page
    assert page.exists(), f"{script}: no {page.relative_to(ROOT)} (CONTRIBUTING.md, step 2)"
    text = page.read_text()
    missing = [name for name in lesson_page.blocks(info, lessons)
               if start_marker(name) not in text or end_marker(name) not in text]
    assert missing == [], f"{page.relative_to(ROOT)} lacks these blocks (CONTRIBUTING.md, step 2)"


@pytest.mark.parametrize("script", LESSONS)
def test_every_lesson_has_a_quiz_two_nav_entries_and_an_idea_figure(script, lessons):
    info = lesson_of(script, lessons)
    assert (DOCS / info.quiz).exists(), f"{script}: no docs/{info.quiz} (CONTRIBUTING.md, step 3)"
    assert {info.page, info.quiz} <= set(nav_targets()), f"{script}: not in mkdocs.yml's nav (step 4)"
    assert idea_figures.KIND.get(info.number) in idea_figures.CAPTION, f"{script}: no kind of idea figure (step 5)"


def test_the_checklist_names_what_these_tests_check(lessons):
    text = (ROOT / "CONTRIBUTING.md").read_text()
    blocks = [f"`{name}`" for name in lesson_page.blocks(lessons[-1], lessons)]
    for place in ("docs/11_<name>.md", "docs/quiz/11_<name>.md", "`mkdocs.yml`", "docgen/idea_figures.py", *blocks):
        assert place in text, f"CONTRIBUTING.md does not name {place}"
