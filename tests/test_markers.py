"""docgen/markers.py: generated blocks inside hand-written pages."""
import pytest

from docgen.markers import block, replace_block

PAGE = "# Title\n\nBy hand.\n\n<!-- generated:table -->\nold\n<!-- /generated:table -->\n\nAlso by hand.\n"


def test_replace_block_changes_only_the_block():
    new = replace_block(PAGE, "table", "| a |\n|---|\n| 1 |\n")
    assert new == PAGE.replace("old", "| a |\n|---|\n| 1 |")
    assert block(new, "table") == "| a |\n|---|\n| 1 |"
    assert replace_block(new, "table", "old") == PAGE  # and back


def test_empty_content_leaves_the_two_markers_on_consecutive_lines():
    new = replace_block(PAGE, "table", "")
    assert "<!-- generated:table -->\n<!-- /generated:table -->" in new
    assert block(new, "table") == ""


def test_content_is_taken_literally():
    content = r"a \1 \n \\ $1 {x} backslashes stay"
    assert block(replace_block(PAGE, "table", content), "table") == content


def test_blocks_are_told_apart_by_name():
    page = PAGE + "<!-- generated:tables -->\n<!-- /generated:tables -->\n"
    new = replace_block(page, "tables", "other")
    assert block(new, "table") == "old" and block(new, "tables") == "other"


@pytest.mark.parametrize("text", [
    "no markers at all\n",
    "<!-- generated:table -->\nonly the start\n",
    "only the end\n<!-- /generated:table -->\n",
    "<!-- /generated:table -->\nreversed\n<!-- generated:table -->\n",
    PAGE + PAGE,  # twice: which one?
])
def test_missing_or_ambiguous_markers_raise(text):
    with pytest.raises(ValueError):
        replace_block(text, "table", "new")
    with pytest.raises(ValueError):
        block(text, "table")


def test_content_holding_its_own_markers_is_refused():
    with pytest.raises(ValueError):
        replace_block(PAGE, "table", "x\n<!-- /generated:table -->\ny")
