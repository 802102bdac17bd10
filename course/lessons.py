"""The course index: the lesson scripts in course order, their recorded runs, and a script loaded as a module."""
import ast
import functools
import importlib.util
import json
import statistics
import sys
from pathlib import Path

from common import paths
from common.source import source_digest

# The version of results/benchmark/cpu.json and cuda.json: benchmarks/benchmark.py writes it,
# docgen/performance_page.py renders it (and nothing older).
BENCHMARK_SCHEMA = 2


def scripts():
    """The lesson scripts, in course order."""
    return sorted(paths.ROOT.glob("code[0-9][0-9]_*.py"))


def lesson_number(script):
    """The lesson's number from its file name: code04_batchnorm.py -> 4."""
    return int(Path(script).stem[4:6])


def metrics_path(script):
    return paths.RESULTS / Path(script).stem / "metrics.json"


def load_module(script, overrides=()):
    """A fresh copy of a lesson script as a module: its Net, its settings, its
    main() (which does not run). Each call gives a new copy, so a setting
    changed on one copy changes nothing else.

    ``overrides``, pairs (NAME, value), load the script as if its line
    ``NAME = ...`` held that value: what the script builds from the setting
    (a transform from its angle, say) follows."""
    if str(paths.ROOT) not in sys.path:
        sys.path.insert(0, str(paths.ROOT))
    path = Path(script) if Path(script).is_absolute() or Path(script).exists() else paths.ROOT / script
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    if not overrides:
        spec.loader.exec_module(module)
        return module
    tree = ast.parse(path.read_text(), str(path))
    values, found = dict(overrides), set()
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) and node.value is not None else None
        if isinstance(target, ast.Name) and target.id in values:
            node.value = ast.copy_location(ast.Constant(values[target.id]), node.value)
            found.add(target.id)
    if set(values) - found:
        raise ValueError(f"{path.name} has no line `{min(set(values) - found)} = ...` at its top level to change")
    exec(compile(tree, str(path), "exec"), module.__dict__)  # noqa: S102 -- the learner's own lesson script
    return module


def seeds_of(script):
    """The script's summary over seeds (results/<script>/seeds.json), or None if it has none."""
    path = paths.RESULTS / Path(script).stem / "seeds.json"
    return json.loads(path.read_text()) if path.exists() else None


def summary_of(script):
    """The numbers a reader wants from the script's recorded run, or None if it has none."""
    m = recorded(script)
    return epoch_summary(m) if m else None


def resolve(name):
    """A lesson script from a name a person types: `code10_lr_schedule.py`, `code10`, `10`."""
    for path in scripts():
        number = lesson_number(path)
        if name in (path.name, path.stem, path.stem.split("_")[0], f"{number:02d}", str(number)):
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
    if m.get("status") != "complete" or m["settings"].get("limit") is not None or m["settings"].get("validation"):
        return None
    return m


def from_other_source(script, m):
    """True when a recorded run says it came from other code than the script holds now."""
    return m.get("source_sha256") not in (None, source_digest(script))


def with_own_settings(script, m):
    """Was run ``m`` trained with the script's own settings, on the test split?
    (Everything else the run did, its schedule included, is the script's code: see from_other_source.)"""
    lesson = load_module(script)
    settings = m["settings"]
    return (settings["epochs"], settings["batch_size"], settings["lr"], settings.get("validation", False)) == \
        (lesson.EPOCHS, lesson.BATCH_SIZE, lesson.LR, False)


def epoch_summary(m):
    epochs = m["epochs"]
    best_train = max(epochs, key=lambda e: e["train_acc"])
    best_test = max(epochs, key=lambda e: e["test_acc"])
    last = epochs[-1]
    # The first epoch carries one-off start-up costs; the median ignores them.
    seconds = statistics.median(e["seconds"] for e in epochs)
    return {
        "script": m["script"],
        "parameters": m["model"]["parameters"],
        "macs_per_image": m["model"]["macs_per_image"],
        "receptive_field": m["model"]["receptive_field"],
        "epochs": len(epochs),
        "best_train_acc": best_train["train_acc"], "best_train_epoch": best_train["epoch"],
        "best_test_acc": best_test["test_acc"], "best_test_epoch": best_test["epoch"],
        "last_train_acc": last["train_acc"], "last_test_acc": last["test_acc"],
        "last_gap": last["train_acc"] - last["test_acc"],
        "last5_test_acc": [e["test_acc"] for e in epochs[-5:]],
        "min_last5_test_acc": min(e["test_acc"] for e in epochs[-5:]),
        "goal_met": m["goal"]["met"],
        "seconds_per_epoch": seconds,
        "total_seconds": m["total_seconds"],
        "device": m["environment"]["device"],
        "device_name": m["environment"]["device_name"],
        "seed": m["settings"]["seed"],
    }
