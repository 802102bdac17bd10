"""What the generator's pages share: where docs/ is, the facts of a lesson
(from its script's header docstring), and writing a page only when it changed."""
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from common import paths
from common.files import atomic_path
from course.lessons import lesson_number, load_module, scripts

from .markers import replace_block

DOCS = paths.ROOT / "docs"
IMG = DOCS / "img"


@dataclass(frozen=True)
class Lesson:
    """A lesson as its page shows it."""
    script: Path       # code04_batchnorm.py
    number: int        # 4
    title: str         # from the header's first line, "Lesson 4: <title>."
    module: ModuleType  # the script loaded as a module (its main() does not run)
    page: str          # 04_batchnorm.md, under docs/
    quiz: str          # quiz/04_batchnorm.md
    target: str        # the header's Target: section
    analysis: str      # the header's Analysis: section


def _section(doc, name):
    """A section of a lesson's header docstring (`Name:` to the next section), its indentation removed."""
    text = re.search(rf"\n{name}:\n(.*?)(?:\n\n[A-Z][a-z]+:|\Z)", doc, re.S).group(1)
    return "\n".join(line[4:] if line.startswith("    ") else line for line in text.splitlines()).strip()


def lesson(script):
    """The Lesson of a lesson script."""
    module = load_module(script)
    doc = module.__doc__
    page = f"{script.stem[4:]}.md"  # code04_batchnorm.py -> 04_batchnorm.md
    return Lesson(script=script, number=lesson_number(script),
                  title=re.match(r"Lesson \d+: (.*)\.", doc.splitlines()[0]).group(1), module=module, page=page,
                  quiz=f"quiz/{page}", target=_section(doc, "Target"), analysis=_section(doc, "Analysis"))


def all_lessons():
    return [lesson(script) for script in scripts()]


def with_blocks(path, blocks):
    """The text of page ``path`` with its generated blocks replaced by ``blocks`` ({name: content})."""
    text = Path(path).read_text()
    for name, content in blocks.items():
        text = replace_block(text, name, content)
    return text


def refresh(path, new, check):
    """True when ``path`` does not hold ``new``; unless ``check``, also write it (atomically) and say so."""
    path = Path(path)
    if path.exists() and path.read_text() == new:
        return False
    if not check:
        with atomic_path(path) as tmp:
            tmp.write_text(new)
        print(f"updated {path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path}")
    return True
