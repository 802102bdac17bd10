"""Where the course's folders are, each named once and absolute, so that a
command run from any directory reads and writes the same ones.

Modules read them as ``paths.RUNS`` when they need them (not copied at import),
so that a test can point them elsewhere in one place.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: the lesson scripts, docs/, README.md
DATA = ROOT / "data"  # MNIST's raw files, under MNIST/raw (git ignores it)
RUNS = ROOT / "runs"  # every run that is not a recording (git ignores it)
RESULTS = ROOT / "results"  # the recorded runs, which the docs are generated from
