"""Where the lessons and their recorded results are."""
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"


def scripts():
    """The lesson scripts, in course order."""
    return sorted(ROOT.glob("code[0-9][0-9]_*.py"))


def metrics_path(script):
    return RESULTS / Path(script).stem / "metrics.json"


def load_module(script):
    """Import a lesson script as a module (its main() does not run)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(Path(script).stem)


def resolve(name):
    """A lesson script from a name a person types: `code10_lr_schedule.py`, `code10`, `10`."""
    for path in scripts():
        stem = path.stem
        if name in (path.name, stem, stem.split("_")[0], stem[4:6], stem[4:6].lstrip("0")):
            return path
    raise SystemExit(f"error: no lesson script matches {name!r} (try one of: {', '.join(p.name for p in scripts())})")
