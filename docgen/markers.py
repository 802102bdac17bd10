"""Generated blocks inside hand-written pages.

A page marks each block that code writes with a pair of HTML comments, which
Markdown renders as nothing:

    <!-- generated:NAME -->
    ...written by code, never by hand...
    <!-- /generated:NAME -->

`replace_block` swaps what lies between the two markers for new content and
leaves the rest of the page, markers included, exactly as it was; `block`
reads it back. The content always sits on its own lines between the markers,
so an empty block is the two markers on consecutive lines.
"""

__all__ = ["start_marker", "end_marker", "block", "replace_block"]


def start_marker(name):
    return f"<!-- generated:{name} -->"


def end_marker(name):
    return f"<!-- /generated:{name} -->"


def _span(text, name):
    """(start, end) of what lies between the markers of ``name``: text[start:end]."""
    start, end = start_marker(name), end_marker(name)
    if text.count(start) != 1 or text.count(end) != 1:
        found = f"{text.count(start)} {start!r} and {text.count(end)} {end!r}"
        raise ValueError(f"block {name!r}: expected one of each marker, found {found}")
    i = text.index(start) + len(start)
    j = text.index(end)
    if j < i:
        raise ValueError(f"block {name!r}: the end marker comes before the start marker")
    return i, j


def block(text, name):
    """What the block ``name`` holds, without the line breaks around it.

    Raises ValueError if the page does not have exactly one pair of its markers.
    """
    i, j = _span(text, name)
    return text[i:j].strip("\n")


def replace_block(text, name, content):
    """``text`` with the block ``name`` holding ``content`` (everything else unchanged).

    Raises ValueError if the page does not have exactly one pair of its
    markers, or if ``content`` itself contains a marker of this block.
    """
    if start_marker(name) in content or end_marker(name) in content:
        raise ValueError(f"block {name!r}: the content contains the block's own markers")
    i, j = _span(text, name)
    content = content.strip("\n")
    inner = f"\n{content}\n" if content else "\n"
    return text[:i] + inner + text[j:]
