"""tools.experiment: a grid of settings over seeds, resumed after a Ctrl-C, bad input refused before training."""
import json
import shlex

import pytest

from common import paths
from common.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
import torch

from conftest import PoisonedAt, TinyNet, with_tiny_net
from course.lessons import load_module
from tools import experiment, runner


@pytest.fixture
def lesson_10(mnist_dir, no_gpu, own_folders):
    """Lesson 10 and the flags that keep each of its runs short: two epochs on 128 images, one batch each."""
    return ["10", "--epochs", "2", "--limit", "128", "--data-dir", str(mnist_dir)]


@pytest.fixture
def tiny(lesson_10, monkeypatch):
    """The same, each run (in this process) with a one-layer network: a second or less."""
    monkeypatch.setattr(runner, "load_module", lambda script, overrides=(): with_tiny_net(script, **dict(overrides)))
    return lesson_10


def experiment_folder(name, under=None):
    """Where experiment ``name`` goes: runs/experiments/<name>, or under results/ with --record."""
    return (under or paths.RUNS) / "experiments" / name


def test_a_grid_over_seeds_gives_every_run_a_table_and_a_figure(tiny, capsys):
    status = experiment.main([*tiny, "--set", "LR=0.01,0.05", "--set", "STEP_SIZE=1,7", "--seeds", "1", "2",
                              "--validation", "--name", "grid"])
    assert status == EXIT_OK
    base = experiment_folder("grid")
    results = json.loads((base / "results.json").read_text())
    assert [r["setting"] for r in results["rows"]] == ["LR=0.01,STEP_SIZE=1", "LR=0.01,STEP_SIZE=7",
                                                        "LR=0.05,STEP_SIZE=1", "LR=0.05,STEP_SIZE=7"]
    assert all(r["seeds"] == [1, 2] for r in results["rows"]) and results["evaluated_on"] == "validation"
    run = json.loads((base / "LR=0.01,STEP_SIZE=1" / "seed2" / "metrics.json").read_text())
    assert [e["lr"] for e in run["epochs"]] == pytest.approx([0.01, 0.001])  # both overrides took effect
    assert run["settings"]["seed"] == 2 and run["settings"]["validation"] is True
    other = json.loads((base / "LR=0.01,STEP_SIZE=1" / "seed1" / "metrics.json").read_text())
    assert other["epochs"] != run["epochs"]  # the seeds differ
    table = (base / "table.md").read_text()
    assert table.count("\n| LR=") == 4 and "final validation acc" in table and " ± " in table
    assert (base / "figure.png").read_bytes()[:4] == b"\x89PNG"


def test_ctrl_c_keeps_finished_runs_and_the_same_command_resumes(tiny, monkeypatch, capsys):
    argv = [*tiny, "--set", "LR=0.01,0.05", "--seeds", "1", "--name", "resume"]
    real, trained = runner.run_one, []

    def interrupted_at_the_second(run):
        if len(trained) == 1:
            raise KeyboardInterrupt
        trained.append(run.overrides)
        return real(run)

    monkeypatch.setattr(runner, "run_one", interrupted_at_the_second)
    assert experiment.main(argv) == EXIT_INTERRUPTED
    assert "run the same command to resume" in capsys.readouterr().err
    monkeypatch.setattr(runner, "run_one", lambda run: trained.append(run.overrides) or real(run))
    assert experiment.main(argv) == 0
    assert trained == [(("LR", 0.01),), (("LR", 0.05),)]  # the first run was not trained again
    rows = json.loads((experiment_folder("resume") / "results.json").read_text())["rows"]
    assert len(rows) == 2


@pytest.mark.parametrize("setting, message", [
    ("NOPE=1", "--set NOPE: the script has no such setting"),
    ("LR=fast", "--set LR: 'fast' is not a number"),
    ("LR='0.1'", "the script's LR is 0.05, a float"),
    ("LR", "write NAME=VALUE"),
    ("TRAIN_TRANSFORMS=1", "no such setting"),
])
def test_bad_names_and_values_are_one_line_before_anything_trains(tiny, setting, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        experiment.main([*tiny, "--set", setting])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]
    assert not paths.RUNS.exists()


@pytest.mark.parametrize("setting, message", [
    ("EPOCHS=1.5", "the script's EPOCHS is 15, a int"),
    ("EPOCHS=0", "--set EPOCHS=0: must be at least 1"),
    ("BATCH_SIZE=64.0", "a int"),
    ("LR=-1", "--set LR=-1: must be a positive number"),
])
def test_values_a_lesson_would_refuse_are_refused_before_anything_trains(tiny, setting, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        experiment.main([*tiny, "--set", setting])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
    assert not paths.RUNS.exists()


def test_a_run_that_crashes_is_reported_and_the_others_go_on(tiny, capsys):
    status = experiment.main([*tiny, "--set", "STEP_SIZE=0,7", "--seeds", "1", "--name", "crash"])
    assert status == EXIT_FAILED
    assert "error: a run failed: STEP_SIZE=0 seed 1" in capsys.readouterr().err
    rows = json.loads((experiment_folder("crash") / "results.json").read_text())["rows"]
    assert [r["setting"] for r in rows] == ["STEP_SIZE=7"]
    log = experiment_folder("crash") / "STEP_SIZE=0" / "seed1" / "run.log"
    assert "Traceback" in log.read_text()


def test_a_run_that_diverges_is_a_result_named_under_its_row_and_kept(tiny, monkeypatch, capsys):
    def seed_2_diverges_at_lr_0_05(script, overrides=()):
        module = with_tiny_net(script, **dict(overrides))
        if dict(overrides)["LR"] == 0.05:  # the seed is set before the network is built
            module.Net = lambda: PoisonedAt(bad_call=1) if torch.initial_seed() == 2 else TinyNet()
        return module

    monkeypatch.setattr(runner, "load_module", seed_2_diverges_at_lr_0_05)
    argv = [*tiny, "--set", "LR=0.01,0.05", "--seeds", "1", "2", "--name", "diverged"]
    assert experiment.main(argv) == EXIT_OK  # a step too large is something an experiment finds out
    assert "LR=0.05 seed 2: diverged: its training loss became nan in epoch 1, at batch 1" in capsys.readouterr().out
    rows = {r["setting"]: r for r in json.loads((experiment_folder("diverged") / "results.json").read_text())["rows"]}
    assert rows["LR=0.01"]["seeds"] == [1, 2] and "diverged" not in rows["LR=0.01"]
    assert rows["LR=0.05"]["seeds"] == [1] and len(rows["LR=0.05"]["curves"]) == 1
    assert rows["LR=0.05"]["diverged"] == [{"seed": 2, "epoch": 1, "batch": 1, "loss": "nan"}]
    table = (experiment_folder("diverged") / "table.md").read_text()
    assert "- `LR=0.05`: seed 2 diverged: its training loss became nan in epoch 1, at batch 1" in table
    monkeypatch.setattr(runner, "run_one", lambda run: pytest.fail(f"trained again: {run}"))
    assert experiment.main(argv) == EXIT_OK  # the same command keeps every run, the diverged one too


def test_a_setting_reaches_what_the_script_builds_from_it(tmp_path):
    """--set changes the setting's own line, so a transform made from it follows (setattr would not)."""
    script = tmp_path / "lesson.py"
    script.write_text("ANGLE = 7.0\nPIPELINE = ('rotate', -ANGLE, ANGLE)\n")
    assert load_module(script, [("ANGLE", 3.0)]).PIPELINE == ("rotate", -3.0, 3.0)
    assert load_module(script).PIPELINE == ("rotate", -7.0, 7.0)


def test_a_recorded_experiment_goes_to_results_with_the_command_that_makes_it(tiny):
    argv = [*tiny, "--set", "LR=0.01,0.05", "--seeds", "1", "--name", "kept", "--validation", "--record"]
    assert experiment.main(argv) == 0
    results = json.loads((experiment_folder("kept", paths.RESULTS) / "results.json").read_text())
    assert results["command"] == shlex.join(["python", "-m", "tools.experiment", *argv])
    assert not experiment_folder("kept").exists()


def test_a_setting_the_script_does_not_assign_plainly_is_refused(tmp_path, capsys):
    script = tmp_path / "lesson.py"
    script.write_text("if True:\n    ANGLE = 7.0\nANGLE = ANGLE\nSTEP = 1\n")
    with pytest.raises(ValueError, match="no line `LR = ...`"):
        load_module(script, [("STEP", 2), ("LR", 0.1)])


def test_a_recorded_experiment_runs_on_the_validation_split(tiny, capsys):
    with pytest.raises(SystemExit) as exit_info:
        experiment.main([*tiny, "--set", "LR=0.01", "--record"])
    assert exit_info.value.code == 2 and "--record: a recorded experiment chooses settings" in capsys.readouterr().err


def test_jobs_train_runs_side_by_side_in_processes_of_their_own_with_a_reference_row(lesson_10):
    """--jobs 2 gives the same table as one run at a time, and --reference adds the lesson as it stands."""
    argv = [*lesson_10, "--set", "LR=0.01", "--seeds", "1", "--reference"]  # two runs: side by side with --jobs 2
    assert experiment.main([*argv, "--name", "one"]) == 0
    assert experiment.main([*argv, "--name", "two", "--jobs", "2"]) == 0
    rows = {name: json.loads((experiment_folder(name) / "results.json").read_text())["rows"]
            for name in ("one", "two")}
    assert [r["setting"] for r in rows["two"]] == ["reference: code10_lr_schedule", "LR=0.01"]
    assert rows["two"][0]["curves"] != rows["two"][1]["curves"]  # LR=0.01 is not the script's 0.05
    for one, two in zip(rows["one"], rows["two"]):
        assert one["seeds"] == two["seeds"] == [1]
        # Other threads add up in another order: the same accuracies to within a point, not to the last digit.
        assert one["final_test_acc_mean"] == pytest.approx(two["final_test_acc_mean"], abs=1.0)
