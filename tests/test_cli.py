"""The shared command line: its refusals are clear and exit with status 2."""
import pytest
import torch

from common import cli, runtime
from conftest import LESSONS, run_script

DEFAULTS = dict(epochs=15, batch_size=128, lr=0.01)
pytestmark = pytest.mark.usefixtures("no_gpu")  # what is parsed must not depend on this machine


def parse(*argv):
    return cli.parse_args(cli.build_parser("code99_test", "test", DEFAULTS), list(argv))


def test_defaults_are_the_lessons_own():
    args = parse()
    assert (args.epochs, args.batch_size, args.lr, args.seed, args.device) == (15, 128, 0.01, 1, "auto")
    assert str(args.out) == "results/code99_test" and args.limit is None


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
])
def test_invalid_values_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse(*argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_asking_for_a_missing_gpu_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse("--device", "cuda")
    assert exit_info.value.code == 2
    assert "no CUDA GPU is available" in capsys.readouterr().err


def test_dry_run_is_one_short_epoch():
    args = parse("--dry-run")
    assert (args.epochs, args.limit) == (1, 512)


def test_a_quick_look_never_replaces_the_recorded_run():
    assert str(parse("--limit", "100").out) == "scratch/code99_test"
    assert str(parse("--dry-run").out) == "scratch/code99_test"
    assert str(parse("--limit", "100", "--out", "here").out) == "here"


def test_an_experiment_never_replaces_the_recorded_run():
    assert str(parse("--lr", "0.5").out) == "runs/code99_test-lr0.5"
    assert str(parse("--seed", "2", "--epochs", "3").out) == "runs/code99_test-epochs3-seed2"
    assert str(parse("--batch-size", "64", "--out", "here").out) == "here"
    assert str(parse("--seed", "1", "--lr", "0.01", "--device", "cpu").out) == "results/code99_test"  # the defaults


def test_a_gpu_run_never_replaces_the_recorded_cpu_run(monkeypatch):
    monkeypatch.setattr(runtime, "_mps_available", lambda: True)  # parsing only: no GPU is touched
    assert str(parse().out) == "runs/code99_test-mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert str(parse().out) == "runs/code99_test-cuda"
    assert str(parse("--lr", "0.5", "--device", "cuda").out) == "runs/code99_test-lr0.5-cuda"
    assert str(parse("--device", "cpu").out) == "results/code99_test"


@pytest.mark.parametrize("script", LESSONS)
def test_help_works(script):
    result = run_script(script, "--help", timeout=120)
    assert result.returncode == 0
    assert "--epochs" in result.stdout and "--device" in result.stdout


def test_a_refusal_from_a_real_script_is_one_line_and_status_2():
    result = run_script(LESSONS[-1], "--batch-size", "0", timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("--batch-size: must be at least 1, got 0")
