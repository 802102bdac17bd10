"""Train runs of a lesson, some of its settings perhaps changed: one at a time in this process, or
several at once, each in a process of its own (--jobs), for tools.experiment and tools.seeds."""
import argparse
import ast
import contextlib
import json
import multiprocessing
import os
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from common.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, number
from common.files import write_json
from common.source import source_digest
from course.lessons import load_module

# Settings that a lesson also takes as flags: the same limits as its command line.
FLAGGED = {"EPOCHS": number(minimum=1), "BATCH_SIZE": number(minimum=1), "LR": number(float, above=0)}
__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_INTERRUPTED", "Run", "parse_set", "check", "label", "run_one", "diverged_at",
           "run_all"]


def parse_set(text):
    """'DROPOUT=0,0.05' -> ('DROPOUT', [0, 0.05]); raises ValueError with a one-line reason."""
    name, sep, values = text.partition("=")
    if not sep or not name or not values:
        raise ValueError(f"--set {text!r}: write NAME=VALUE[,VALUE...], e.g. DROPOUT=0,0.1")
    parsed = []
    for value in values.split(","):
        try:
            parsed.append(ast.literal_eval(value.strip()))
        except (ValueError, SyntaxError):
            raise ValueError(f"--set {name}: {value!r} is not a number, a quoted string or True/False") from None
    return name, parsed


def check(module, name, values):
    """None if every value can replace the script's setting ``name``, else a one-line reason."""
    settings = [n for n, v in vars(module).items() if n.isupper() and isinstance(v, (int, float, str, bool))]
    if name not in settings:
        return f"--set {name}: the script has no such setting (it has {', '.join(settings)})"
    current = getattr(module, name)
    for value in values:
        if isinstance(current, float) and not isinstance(current, bool):
            same_kind = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            same_kind = type(value) is type(current)
        if not same_kind:
            return f"--set {name}={value!r}: the script's {name} is {current!r}, a {type(current).__name__}"
        if name in FLAGGED:
            try:
                FLAGGED[name](str(value))
            except argparse.ArgumentTypeError as err:
                return f"--set {name}={value!r}: {err}"
    return None


def label(overrides):
    return ",".join(f"{name}={value}" for name, value in overrides)


@dataclass(frozen=True, eq=False)  # each run is itself: a key in dicts by identity
class Run:
    script: Path
    overrides: tuple  # (NAME, value) pairs
    seed: int
    folder: Path
    flags: list  # the lesson's command-line flags besides --seed and --out

    @property
    def wanted(self):
        """What a finished run in ``folder`` must have been, to be kept rather than trained again."""
        return {"overrides": [list(pair) for pair in self.overrides], "flags": self.flags,
                "source_sha256": source_digest(self.script)}

    def finished(self):
        """The run's metrics if it completed, or diverged, with exactly these settings and code, else None."""
        path = self.folder / "metrics.json"
        if not path.exists():
            return None
        m = json.loads(path.read_text())
        return m if ended(m) and m.get("experiment") == self.wanted else None


def ended(m):
    """Whether a run's metrics are an outcome: it completed, or it diverged (its "diverged" says where)."""
    return m.get("status") == "complete" or "diverged" in m


def run_one(run):
    """Train ``run`` in this process, its printed output in run.log; its metrics, those of a run that diverged
    too (a result: its "diverged" says where), or None if it failed."""
    module = load_module(run.script, run.overrides)
    run.folder.mkdir(parents=True, exist_ok=True)
    (run.folder / "metrics.json").unlink(missing_ok=True)  # of a run of other settings or code (Run.finished)
    argv = ["--seed", str(run.seed), "--out", str(run.folder), "--no-plots", *run.flags]
    with open(run.folder / "run.log", "w") as log, contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            status = module.main(argv)
        except SystemExit as exit:  # a refusal of the lesson itself (bad data folder, ...): its one line
            print(exit.code, file=log)
            status = EXIT_FAILED
        except Exception:  # noqa: BLE001 -- out of memory, a setting the network cannot take: this run failed
            traceback.print_exc(file=log)
            status = EXIT_FAILED
    if status == EXIT_INTERRUPTED:
        raise KeyboardInterrupt
    path = run.folder / "metrics.json"
    m = json.loads(path.read_text()) if path.exists() else {}
    if not ended(m):  # it failed: run.log says why
        return None
    m["experiment"] = run.wanted
    write_json(run.folder / "metrics.json", m)
    return m


def threads_each(jobs):
    """The CPU threads each of ``jobs`` runs side by side gets: its share of the cores, at least one."""
    return max(1, (os.cpu_count() or 1) // jobs)


def _share_the_cores(threads):
    import torch

    torch.set_num_threads(threads)


def _finishing(todo, jobs):
    """(run, metrics or None) as each run of ``todo`` finishes, ``jobs`` at a time."""
    if jobs == 1:
        for run in todo:
            yield run, run_one(run)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_share_the_cores, initargs=(threads_each(jobs),)) as pool:
        futures = {pool.submit(run_one, run): run for run in todo}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def diverged_at(where):
    """Where a run diverged (its metrics' "diverged"): 'diverged: its training loss became nan in epoch 1,
    at batch 69'."""
    return f"diverged: its training loss became {where['loss']} in epoch {where['epoch']}, at batch {where['batch']}"


def run_all(runs, jobs, evaluated_on):
    """Train each of ``runs`` ({Run: the label its lines name it by}), ``jobs`` at a time. Returns ({Run: metrics}
    of the runs that finished or diverged, [one line per failed run]), or (None, None) after a Ctrl-C (the
    finished runs stay on disk)."""
    done, failed = {}, []
    with tqdm(total=len(runs), unit="run") as bar:
        try:
            for run, m in _finishing(list(runs), jobs):
                bar.update()
                if m is None:
                    failed.append(f"{runs[run]} seed {run.seed} (see {run.folder / 'run.log'})")
                    continue
                done[run] = m
                ended = diverged_at(m["diverged"]) if "diverged" in m else \
                    f"final {evaluated_on} accuracy {m['epochs'][-1]['test_acc']:.2f}%"
                bar.write(f"{runs[run]} seed {run.seed}: {ended}")
        except KeyboardInterrupt:
            return None, None
    return done, failed
