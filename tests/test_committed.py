"""Checks of the committed data, not of code: the recorded runs in results/
agree with the scripts' headers, the docs and the README, and meet the end
goal. They fail when a script changes and its run is not recorded again
(`make lessons`, then `python -m docgen.docs`)."""
import difflib
import json
import re

import pytest

from common.cli import EXIT_OK
from common.paths import RESULTS, ROOT
from conftest import LESSONS
from course.lessons import from_other_source, load_module
from course.summary import never_learned
from docgen import docs, experiments, headers, quoted_experiments, tables

FINAL = RESULTS / LESSONS[-1][:-3]


def test_headers_agree_with_recorded_results():
    assert [p.name for p in headers.stale()] == []


def test_docs_and_readme_are_generated_from_current_results(capsys):
    status = docs.main(["--check"])
    assert status == EXIT_OK, capsys.readouterr().out


def recorded_final():
    path = FINAL / "metrics.json"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `python {LESSONS[-1]} --record`")
    return json.loads(path.read_text())


def final_seeds():
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
    folder = RESULTS / script[:-3]
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
        assert not from_other_source(ROOT / script, run), f"seed {row['seed']} ran other code: make seeds"
        assert run["settings"]["limit"] is None and not run["settings"].get("validation")
        assert row["final_test_acc"] == run["epochs"][-1]["test_acc"]
        assert row["min_last5_test_acc"] == min(e["test_acc"] for e in run["epochs"][-5:])
        assert row["goal_met"] == run["goal"]["met"]
    assert s["goal_met_all"] == all(r["goal_met"] for r in s["seeds"])


def test_the_final_lesson_is_recorded_over_seeds_1_to_10():
    assert [r["seed"] for r in final_seeds()["seeds"]] == list(range(1, 11))


@pytest.mark.xfail(strict=True, reason="not every one of seeds 1-10 meets the end goal; docs/choosing.md says what "
                   "was tried. Strict: remove this mark once it holds.")
def test_end_goal_holds_for_every_recorded_seed():
    assert final_seeds()["goal_met_all"]


@pytest.mark.xfail(strict=True, reason="over seeds 1-10 the lowest of epochs 11-15 averages below the target; "
                   "docs/choosing.md says what was tried. Strict: remove this mark once it holds.")
def test_end_goal_holds_with_a_margin_on_average():
    assert final_seeds()["min_last5_test_acc_mean"] >= tables.MARGIN


def test_every_recorded_seed_of_every_lesson_learned():
    """Lessons 1 to 3 train at 0.01 so that no seed stays at chance (docs/choosing.md)."""
    stuck = {path.parent.name: [r["seed"] for r in json.loads(path.read_text())["seeds"]
                                if never_learned(r["final_test_acc"])]
             for path in sorted((ROOT / "results").glob("code*/seeds.json"))}
    assert stuck and not any(stuck.values()), {script: seeds for script, seeds in stuck.items() if seeds}


@pytest.mark.parametrize("name", sorted(quoted_experiments.QUOTED))
def test_each_quoted_experiment_is_recorded_by_its_command(name):
    """The docs show results/experiments/<name>/ as the outcome of its command: all of its runs (a run that
    diverged is named under its row instead of among its seeds)."""
    path = quoted_experiments.EXPERIMENTS / name / "results.json"
    assert path.exists(), f"not recorded: {quoted_experiments.command(name)}"
    r = json.loads(path.read_text())
    assert r["command"] == quoted_experiments.command(name) and r["evaluated_on"] == "validation"
    seeds = [int(s) for s in re.search(r"--seeds ([\d ]+)", r["command"]).group(1).split()]
    ran = [sorted(row["seeds"] + [d["seed"] for d in row.get("diverged", [])]) for row in r["rows"]]
    assert r["rows"] and all(each == seeds for each in ran)


COPIES = [args.split()[0] for name, (_, args) in quoted_experiments.QUOTED.items()
          if args.startswith("results/") and name not in experiments.VARIANTS]


@pytest.mark.parametrize("copy", COPIES)
def test_each_edited_copy_is_lesson_10_with_only_its_layers_changed_inside_the_budget(copy):
    """A copy's record stands for lesson 10 with one change: a copy left behind when lesson 10 changes fails."""
    lesson, copy = ROOT / "code10_lr_schedule.py", ROOT / copy
    body = [path.read_text().split('"""', 2)[2].splitlines() for path in (lesson, copy)]  # without the docstring
    changed = [line for line in difflib.unified_diff(*body, n=0, lineterm="")
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed and all(re.match(r"[+-]\s+nn\.\w+\(", line) for line in changed), changed
    assert sum(p.numel() for p in load_module(copy).Net().parameters()) <= 8000


@pytest.mark.parametrize("script", LESSONS)
def test_every_lesson_has_an_exercise_whose_answer_quotes_a_recorded_outcome(script):
    page = (ROOT / "docs" / f"{script[4:-3]}.md").read_text()  # code04_batchnorm.py -> 04_batchnorm.md
    exercises = page[page.index("## Exercises"):]
    quoted = re.findall(r"<!-- generated:experiment:([\w-]+) -->", exercises)
    assert quoted and all(name in quoted_experiments.QUOTED for name in quoted)


@pytest.mark.parametrize("name", experiments.VARIANTS)
def test_each_variant_trains_lesson_10s_network_on_its_data(name):
    """A variant changes how lesson 10 trains (what it tests, its schedule, its optimizer), not what."""
    lesson, variant = load_module(ROOT / "code10_lr_schedule.py"), load_module(quoted_experiments.script_of(name))
    assert str(variant.Net()) == str(lesson.Net())
    assert repr(variant.TRAIN_TRANSFORMS) == repr(lesson.TRAIN_TRANSFORMS)
    assert (variant.EPOCHS, variant.BATCH_SIZE) == (lesson.EPOCHS, lesson.BATCH_SIZE)
