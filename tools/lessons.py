"""Where the lessons and their recorded results are."""
import functools
import importlib
import json
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


@functools.lru_cache(maxsize=None)
def _read(path, mtime):
    return json.loads(Path(path).read_text())


def recorded(script, path=None):
    """The script's recorded run: its metrics.json (or ``path``) if the run
    completed on the full data set, else None (an interrupted or --limit run is no record)."""
    path = Path(path) if path else metrics_path(script)
    if not path.exists():
        return None
    m = _read(str(path), path.stat().st_mtime_ns)
    if m.get("status") != "complete" or m["settings"].get("limit") is not None:
        return None
    return m


def from_other_source(script, m):
    """True when a recorded run says it came from other code than the script holds now."""
    from common.record import source_digest

    return m.get("source_sha256") not in (None, source_digest(script))


def with_own_settings(script, m):
    """Was run ``m`` trained with the script's own settings, on the test split?
    (Everything else the run did, its schedule included, is the script's code: see from_other_source.)"""
    lesson = load_module(script)
    s = m["settings"]
    return (s["epochs"], s["batch_size"], s["lr"], s.get("validation", False)) == \
        (lesson.EPOCHS, lesson.BATCH_SIZE, lesson.LR, False)


def refresh(path, new, check):
    """True when ``path`` does not hold ``new``; unless ``check``, also write it (atomically) and say so."""
    path = Path(path)
    if path.exists() and path.read_text() == new:
        return False
    if not check:
        from common.results import atomic_path

        with atomic_path(path) as tmp:
            tmp.write_text(new)
        print(f"updated {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return True
