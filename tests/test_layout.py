"""The support code points where it should: each package imports only from those below it, tools/ keeps
what only the learner's commands use, and every `package.module.name` its text names exists."""
import ast
import importlib
import re

import pytest

from common.paths import ROOT

# Each package and the packages of ours it may import from: the data flows one way.
BELOW = {"common": set(), "course": {"common"}, "tools": {"common", "course"},
         "docgen": {"common", "course", "tools"}, "benchmarks": {"common", "course"}}
COMMANDS = {"diff", "experiment", "seeds", "evaluate"}  # the learner's commands, README.md's four
FILES = sorted(path for package in BELOW for path in (ROOT / package).glob("*.py"))


def imported(path):
    """The modules of ours that ``path`` imports, as dotted names ("tools.runner"); relative ones resolved."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = path.parent.name if node.level else node.module.split(".")[0]
            module = f"{base}.{node.module}" if node.level and node.module else node.module or base
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.split(".")[0] in BELOW}


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_package_imports_only_from_the_ones_below_it(path):
    package = path.parent.name
    wrong = {name for name in imported(path) if name.split(".")[0] not in BELOW[package] | {package}}
    assert wrong == set(), f"{package}/ may import from {sorted(BELOW[package])} only"


def test_tools_holds_the_commands_and_what_only_they_use():
    helpers = {f"tools.{path.stem}" for path in (ROOT / "tools").glob("*.py")} - {f"tools.{c}" for c in COMMANDS}
    outside = {f"{path.parent.name}/{path.name}": imported(path) & helpers for path in FILES
               if path.parent.name != "tools"}
    assert {where: names for where, names in outside.items() if names} == {}


def resolves(dotted):
    """Does ``dotted`` name a module, or an attribute of the longest module its start names?"""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attribute in parts[i:]:
            found = getattr(found, attribute, None)
        return found is not None
    return False


def test_every_dotted_name_in_the_text_exists():
    """A docstring or comment that names a function renamed or moved since misleads its next reader."""
    dotted = re.compile(rf"\b(?:{'|'.join(BELOW)})(?:\.\w+)+")
    missing = {f"{path.relative_to(ROOT)}: {name}" for path in [*FILES, *(ROOT / "tests").glob("*.py")]
               for name in dotted.findall(path.read_text()) if not resolves(name)}
    assert missing == set()
