"""The shared command line: its refusals are clear and exit with status 2, and
no run but an explicit recording writes results/, from whichever directory it starts."""
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from common import cli, paths
from common.cli import EXIT_OK
from conftest import LESSONS
from course.lessons import load_module

pytestmark = pytest.mark.usefixtures("no_gpu")  # what is parsed must not depend on this machine


def parse(*argv):
    return cli.parse_args("code99_test.py", list(argv), epochs=15, batch_size=128, lr=0.01)


def folder(*argv, device="cpu"):
    return cli.output_folder(parse(*argv), torch.device(device))


def test_defaults_are_the_lessons_own():
    args = parse()
    assert (args.epochs, args.batch_size, args.lr, args.seed, args.device) == (15, 128, 0.01, 1, "auto")
    assert args.limit is None and not args.validation and not args.record and args.changed == []


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "-1"], "--epochs: must be at least 1"),
    (["--epochs", "0"], "--epochs: must be at least 1"),
    (["--epochs", "two"], "--epochs: expected a whole number"),
    (["--batch-size", "0"], "--batch-size: must be at least 1"),
    (["--lr", "-0.1"], "--lr: must be a positive number"),
    (["--lr", "nan"], "--lr: must be a finite number"),
    (["--limit", "0"], "--limit: must be at least 1"),
    (["--seed", "-3"], "--seed: must not be negative"),
    (["--device", "tpu"], "--device: invalid choice: 'tpu'"),
    (["--device", "cuda"], "no CUDA GPU is available"),
    (["--record", "--lr", "0.1"], "--record records the script's own run, figures included: drop --lr"),
    (["--record", "--dry-run"], "figures included: drop --dry-run"),
    (["--record", "--no-plots"], "drop --no-plots"),
    (["--record", "--validation"], "drop --validation"),
    (["--record", "--out", "x"], "not allowed with argument"),
])
def test_invalid_values_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse(*argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_recording_is_a_cpu_run(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # parsing only: no GPU is touched
    with pytest.raises(SystemExit):
        parse("--record")
    assert "the recorded runs are CPU runs; add --device cpu" in capsys.readouterr().err
    assert parse("--record", "--device", "cpu").record


def test_dry_run_is_one_short_epoch():
    args = parse("--dry-run")
    assert (args.epochs, args.limit) == (1, 512)


def test_every_run_trains_in_a_folder_of_its_own(tmp_path, monkeypatch, own_folders):
    monkeypatch.chdir(tmp_path)
    recording = folder("--record")  # copied to results/ once complete (tests/test_engine.py)
    assert recording.parent == paths.RUNS / "code99_test" and recording.name.endswith("-record")
    assert str(folder("--out", "here")) == "here"
    plain = [folder(), folder()]
    assert all(p.parent == paths.RUNS / "code99_test" for p in plain)
    assert plain[0] != plain[1] and all(p.is_dir() for p in plain)  # two runs never share a folder
    assert folder("--lr", "0.5", "--seed", "2").name.endswith("-lr0.5-seed2")
    assert folder("--validation", "--limit", "100").name.endswith("-validation-limit100")
    assert folder(device="cuda").name.endswith("-cuda")


def test_a_run_started_in_the_same_instant_as_another_takes_the_next_name(monkeypatch, own_folders):
    """Another run creates the folder between this one choosing its name and creating it."""
    make, theirs = Path.mkdir, []

    def another_run_first(path, *args, **kwargs):
        if not theirs and path.parent == paths.RUNS / "code99_test":
            theirs.append(path)
            make(path, parents=True)
        return make(path, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", another_run_first)
    mine = folder()
    assert theirs and mine.parent == theirs[0].parent and mine != theirs[0] and mine.is_dir()


def test_an_unwritable_folder_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        folder("--out", str(blocker / "out"))
    assert str(exit_info.value.code).startswith(f"error: cannot write the run to {blocker / 'out'}")


def test_help_works_for_every_lesson(capsys):
    for script in LESSONS:
        with pytest.raises(SystemExit) as exit_info:
            load_module(script).main(["--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: python {script[:-3]}.py") and "--validation" in out and "--record" in out


def test_a_lesson_run_from_another_directory_writes_into_its_repository(tmp_path, mnist_dir):
    """A learner runs lesson 5 from another folder: the run goes to the runs/ of the repository the
    script is in, its data comes from that repository's data/, and the recorded results stay byte for byte
    as they were. The repository here is a copy: the script, common/ and the recorded run."""
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    shutil.copytree(paths.ROOT / "common", repo / "common", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(paths.ROOT / "code05_dropout.py", repo)
    (repo / paths.DATA.name).symlink_to(mnist_dir)
    recorded = repo / paths.RESULTS.name / "code05_dropout"
    shutil.copytree(paths.RESULTS / "code05_dropout", recorded, ignore=shutil.ignore_patterns("seeds*", "*.pt"))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in recorded.iterdir()}
    elsewhere.mkdir()

    result = subprocess.run([sys.executable, str(repo / "code05_dropout.py"), "--epochs", "1", "--limit", "256"],
                            cwd=elsewhere, capture_output=True, text=True, timeout=300,
                            env={"CUDA_VISIBLE_DEVICES": "", "PATH": ""})
    assert result.returncode == EXIT_OK, result.stderr
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in recorded.iterdir()} == before
    runs = list((repo / paths.RUNS.name / "code05_dropout").iterdir())
    assert len(runs) == 1 and (runs[0] / "metrics.json").exists() and list(elsewhere.iterdir()) == []
    assert f"this run goes to {runs[0]}/" in result.stdout
