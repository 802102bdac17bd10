"""Only complete, full-data runs of the current code count as a lesson's recorded results."""
import json
import os
import signal

import pytest
import torch

from common import paths
from common.cli import EXIT_FAILED, EXIT_INTERRUPTED
from common.files import deferred_interrupt, write_json
from common.source import source_digest
from course import lessons
from tools import runner, seeds

SCRIPT = paths.ROOT / "code10_lr_schedule.py"
RECORDED = paths.RESULTS / SCRIPT.stem  # read before any test points paths.RESULTS elsewhere


@pytest.fixture
def fake_results(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "RESULTS", tmp_path)

    def write(**changes):
        m = {"status": "complete", "settings": {"limit": None, "seed": 1}, "source_sha256": source_digest(SCRIPT)}
        m.update(changes)
        write_json(tmp_path / SCRIPT.stem / "metrics.json", m)
        return lessons.recorded(SCRIPT)

    return write


def test_a_complete_full_run_is_a_record(fake_results):
    assert fake_results() is not None


@pytest.mark.parametrize("changes", [{"status": "interrupted"}, {"status": "running"},
                                     {"status": "stopped: the training loss became nan"},
                                     {"settings": {"limit": 600, "seed": 1}}])
def test_partial_runs_are_no_record(fake_results, changes):
    assert fake_results(**changes) is None


def test_a_run_of_other_code_is_flagged(fake_results):
    m = fake_results(source_sha256="0" * 64)
    assert lessons.from_other_source(SCRIPT, m)
    assert not lessons.from_other_source(SCRIPT, fake_results())


def test_the_header_does_not_count_towards_the_source_digest(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text('"""Lesson.\n\nResults:\n    99.40%\n"""\nx = 1\n')
    b.write_text('"""Lesson.\n\nResults:\n    99.47%\n"""\nx = 1\n')
    assert source_digest(a) == source_digest(b)
    b.write_text('"""Lesson.\n\nResults:\n    99.47%\n"""\nx = 2\n')
    assert source_digest(a) != source_digest(b)


def test_seeds_refuses_flags_it_sets_itself(capsys):
    with pytest.raises(SystemExit) as info:
        seeds.main([SCRIPT.name, "--seed", "7"])
    assert info.value.code == 2 and "chosen by this tool" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        seeds.main([SCRIPT.name, "--seeds", "1", "1"])


def test_ctrl_c_waits_until_files_written_together_are_written(tmp_path):
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN under nohup or a background job, not Python's default
    with pytest.raises(KeyboardInterrupt):
        with deferred_interrupt():
            write_json(tmp_path / "a.json", {"epoch": 3})
            os.kill(os.getpid(), signal.SIGINT)  # arrives between the two writes
            write_json(tmp_path / "b.json", {"epoch": 3})
    assert json.loads((tmp_path / "b.json").read_text()) == {"epoch": 3}
    assert signal.getsignal(signal.SIGINT) is before


def test_seeds_reuses_only_a_finished_run_of_the_same_settings():
    import code10_lr_schedule as lesson

    def run(**settings):
        base = {"seed": 2, "limit": None, "epochs": lesson.EPOCHS, "batch_size": lesson.BATCH_SIZE,
                "lr": lesson.LR, "validation": False}
        return {"status": "complete", "source_sha256": source_digest(SCRIPT), "settings": {**base, **settings},
                "environment": {"device": "cpu"}}

    assert seeds.reusable(SCRIPT, run(), seed=2, device="cpu")
    assert not seeds.reusable(SCRIPT, run(), seed=3, device="cpu")
    assert not seeds.reusable(SCRIPT, run(), seed=2, device="cuda")
    assert not seeds.reusable(SCRIPT, run(lr=lesson.LR / 2), seed=2, device="cpu")
    assert not seeds.reusable(SCRIPT, run(limit=600), seed=2, device="cpu")
    assert not seeds.reusable(SCRIPT, run(validation=True), seed=2, device="cpu")
    assert not seeds.reusable(SCRIPT, dict(run(), status="interrupted"), seed=2, device="cpu")
    assert not seeds.reusable(SCRIPT, dict(run(), source_sha256="0" * 64), seed=2, device="cpu")


@pytest.fixture
def fake_training(monkeypatch, no_gpu):
    """seeds.main without training: tools.runner.run_one gives each seed a copy of the recorded run;
    returns (seed, the folder of its seeds/) pairs."""
    recorded_run = json.loads((RECORDED / "metrics.json").read_text())
    trained = []

    def fake_run_one(run):
        trained.append((run.seed, run.folder.parent.parent))
        return {**recorded_run, "settings": {**recorded_run["settings"], "seed": run.seed}}

    monkeypatch.setattr(runner, "run_one", fake_run_one)
    return trained


def test_seeds_out_keeps_the_committed_summary_and_runs_every_seed(tmp_path, fake_training):
    committed = (RECORDED / "seeds.json").read_bytes()
    seeds.main([SCRIPT.name, "--seeds", "1", "6", "--out", str(tmp_path)])
    assert fake_training == [(1, tmp_path), (6, tmp_path)]  # seed 1 is trained too: results/ is not borrowed
    assert [r["seed"] for r in json.loads((tmp_path / "seeds.json").read_text())["seeds"]] == [1, 6]
    assert (tmp_path / "seeds.md").exists()
    assert (RECORDED / "seeds.json").read_bytes() == committed


def test_seeds_on_a_gpu_go_to_runs_not_over_the_recorded_cpu_seeds(fake_training, monkeypatch, own_folders):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # no GPU is touched: training is faked
    seeds.main([SCRIPT.name, "--seeds", "1", "2"])
    where = paths.RUNS / SCRIPT.stem / "seeds-cuda"
    assert fake_training == [(1, where), (2, where)]  # the CPU record of seed 1 is not reused either
    assert (where / "seeds.json").exists() and not paths.RESULTS.exists()


def test_seeds_on_the_cpu_reuse_the_recorded_run_also_when_asked_for_the_cpu(fake_training, own_folders):
    (paths.RESULTS / SCRIPT.stem).mkdir(parents=True)
    (paths.RESULTS / SCRIPT.stem / "metrics.json").write_bytes((RECORDED / "metrics.json").read_bytes())
    seeds.main([SCRIPT.name, "--seeds", "1", "2", "--device", "cpu"])
    assert fake_training == [(2, paths.RESULTS / SCRIPT.stem)]  # seed 1 is the recorded run, not trained again
    assert [r["seed"] for r in json.loads((paths.RESULTS / SCRIPT.stem / "seeds.json").read_text())["seeds"]] == [1, 2]


def test_a_failed_or_interrupted_seed_writes_no_summary(tmp_path, monkeypatch, no_gpu, capsys):
    monkeypatch.setattr(runner, "run_one", lambda run: None)  # a run that failed: its log says why
    assert seeds.main([SCRIPT.name, "--seeds", "2", "--out", str(tmp_path)]) == EXIT_FAILED
    assert "error: a seed failed: code10_lr_schedule seed 2" in capsys.readouterr().err
    diverged = {"status": "stopped: ...", "epochs": [], "diverged": {"epoch": 1, "batch": 9, "loss": "nan"}}
    monkeypatch.setattr(runner, "run_one", lambda run: diverged)  # a result of an experiment; a seed has no row
    assert seeds.main([SCRIPT.name, "--seeds", "2", "--out", str(tmp_path)]) == EXIT_FAILED
    assert ("error: a seed failed: code10_lr_schedule seed 2: diverged: its training loss became nan in epoch 1, "
            "at batch 9") in capsys.readouterr().err

    def interrupted(run):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_one", interrupted)
    assert seeds.main([SCRIPT.name, "--seeds", "2", "--out", str(tmp_path)]) == EXIT_INTERRUPTED
    assert not (tmp_path / "seeds.json").exists()


def test_seeds_refuse_a_missing_gpu_in_one_line(fake_training, capsys):
    with pytest.raises(SystemExit) as exit_info:
        seeds.main([SCRIPT.name, "--seeds", "1", "--device", "cuda"])
    assert exit_info.value.code == 2 and fake_training == []
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("no CUDA GPU is available on this machine "
                                                                      "(use --device auto or cpu)")
