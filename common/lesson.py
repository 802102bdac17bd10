"""Everything a lesson script does once it has said what its network and settings are."""
import hashlib
import platform
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch
import torchvision
from torch import optim

from . import cli
from .batch_transforms import UnsupportedTransform
from .data import DataError, ensure_mnist
from .engine import NonFiniteLoss, evaluate, train_epoch
from .loader import mnist_batches
from .model_info import count_parameters, format_receptive_field, macs_per_image, receptive_field, summary_table
from .results import deferred_interrupt, plot_curves, plot_misclassified, save_weights, write_json
from .runtime import describe, pick_device, seed_everything, sync

# The course's end goal (../shared/LESSONS.md).
GOAL = {"max_parameters": 8000, "max_epochs": 15, "min_test_acc": 99.40, "last_epochs": (11, 15),
        "test_images": 10000}
TEST_BATCH_SIZE = 1000
MISCLASSIFIED_SHOWN = 30
FIGURES = ("curves.png", "misclassified.png")


def goal_text():
    first, last = GOAL["last_epochs"]
    return (f"<= {GOAL['max_parameters']:,} parameters, >= {GOAL['min_test_acc']:.2f}% test accuracy "
            f"in each of epochs {first}-{last}")


def goal_status(parameters, epochs):
    """Does a run meet the end goal? Judged on the full test set, in whole
    images (99.40% of 10,000 is 9,940), so that rounding cannot decide it."""
    first, last = GOAL["last_epochs"]
    window = [e for e in epochs if first <= e["epoch"] <= last]
    full_length = len(window) == last - first + 1 and len(epochs) <= GOAL["max_epochs"]
    full_test = all(e["test_images"] == GOAL["test_images"] for e in window)
    needed = round(GOAL["min_test_acc"] * 100)  # 9940 of 10,000, as an integer
    acc_ok = full_length and full_test and all(e["test_correct"] * 10000 >= needed * e["test_images"] for e in window)
    return {
        **{k: list(v) if isinstance(v, tuple) else v for k, v in GOAL.items()},
        "parameters_ok": parameters <= GOAL["max_parameters"],
        "epochs_ok": full_length,
        "full_test_set": full_test,
        "accuracy_ok": acc_ok,
        "min_test_acc_in_window": min((e["test_acc"] for e in window), default=None),
        "met": parameters <= GOAL["max_parameters"] and acc_ok,
    }


def source_digest(script_file):
    """SHA-256 of a script without its header docstring: the header's Results
    are generated from the run, so they must not change what the run is tied to."""
    path = Path(script_file)
    if not path.exists():  # a network defined elsewhere (the tests do this): nothing to tie the run to
        return None
    text = path.read_text()
    code = re.sub(r'\A\s*""".*?"""', "", text, count=1, flags=re.S)
    return hashlib.sha256(code.encode()).hexdigest()


def _environment(device):
    return {
        "device": device.type,
        "device_name": describe(device),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def run_lesson(Net, script_file, *, epochs, batch_size, lr, momentum, lr_schedule,
               train_transforms, test_transforms, description, argv=None):
    """Parse the command line, train, test, and write results/<script>/. Returns an exit status."""
    script = Path(script_file).stem
    parser = cli.build_parser(script, description, dict(epochs=epochs, batch_size=batch_size, lr=lr))
    args = cli.parse_args(parser, argv)
    try:
        args.out.mkdir(parents=True, exist_ok=True)  # fail now, not after the first epoch
    except OSError as err:
        print(f"error: cannot use --out {args.out}: {err.strerror or err}", file=sys.stderr)
        return 1
    try:
        return _train(Net, script_file, args, momentum, lr_schedule, train_transforms, test_transforms)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except UnsupportedTransform as err:
        print(f"error: {script}.py's transforms: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted before training started; nothing was written", file=sys.stderr)
        return 130


def _train(Net, script_file, args, momentum, lr_schedule, train_transforms, test_transforms):
    script = Path(script_file).stem
    device = pick_device(args.device)
    ensure_mnist(args.data_dir)
    generator = seed_everything(args.seed, device)

    train_batches = mnist_batches(args.data_dir, True, args.batch_size, train_transforms, device, args.limit,
                                  generator)
    test_batches = mnist_batches(args.data_dir, False, TEST_BATCH_SIZE, test_transforms, device, args.limit)

    model = Net().to(device)
    parameters = count_parameters(model)
    rf_rows = receptive_field(model)
    print(f"{script}: device {device.type} ({describe(device)}), seed {args.seed}")
    print(summary_table(model, device))
    print(f"Trainable parameters: {parameters:,}")
    print("Receptive field, layer by layer (k kernel, s stride, p padding, d dilation, j jump):")
    print(format_receptive_field(rf_rows))

    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=momentum)
    scheduler = optim.lr_scheduler.StepLR(optimizer, **lr_schedule) if lr_schedule else None

    metrics = {
        "script": script,
        "source_sha256": source_digest(script_file),
        "status": "running",
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings": {
            "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr, "momentum": momentum,
            "lr_schedule": lr_schedule, "seed": args.seed, "limit": args.limit,
            "train_images": train_batches.num_images, "test_images": test_batches.num_images,
            "train_transforms": repr(train_transforms), "test_transforms": repr(test_transforms),
        },
        "environment": _environment(device),
        "model": {
            "parameters": parameters,
            "macs_per_image": macs_per_image(model),
            "receptive_field": rf_rows[-1]["rf"] if rf_rows else 1,
            "layers": rf_rows,
        },
        "epochs": [],
        "total_seconds": 0.0,
    }
    out = args.out
    errors = None
    started = time.perf_counter()
    try:
        for epoch in range(1, args.epochs + 1):
            current_lr = optimizer.param_groups[0]["lr"]
            t0 = time.perf_counter()
            train_loss, train_acc = train_epoch(model, train_batches, optimizer, epoch, device)
            sync(device)
            t1 = time.perf_counter()
            keep = MISCLASSIFIED_SHOWN if epoch == args.epochs else 0
            test_loss, test_acc, test_correct, errors = evaluate(model, test_batches, keep_errors=keep)
            t2 = time.perf_counter()
            if scheduler:
                scheduler.step()
            metrics["epochs"].append({
                "epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                "test_loss": test_loss, "test_acc": test_acc, "test_correct": test_correct,
                "test_images": test_batches.num_images, "lr": current_lr,
                "train_seconds": t1 - t0, "test_seconds": t2 - t1, "seconds": t2 - t0,
            })
            metrics["total_seconds"] = time.perf_counter() - started
            metrics["goal"] = goal_status(parameters, metrics["epochs"])
            with deferred_interrupt():  # weights and metrics always describe the same epoch
                save_weights(out / "model.pt", model)
                write_json(out / "metrics.json", metrics)
            if epoch == 1:  # this run's results now replace the last one's: so must its figures
                for name in FIGURES:
                    (out / name).unlink(missing_ok=True)
            print(f"epoch {epoch:2d} | train loss {train_loss:.4f} acc {train_acc:6.2f}% | "
                  f"test loss {test_loss:.4f} acc {test_acc:6.2f}% | lr {current_lr:.4g} | {t2 - t0:5.1f} s")
        metrics["status"] = "complete"
        status = 0
    except KeyboardInterrupt:
        metrics["status"] = "interrupted"
        print(f"\ninterrupted: results of the {len(metrics['epochs'])} finished epochs are in {out}/", file=sys.stderr)
        status = 130
    except NonFiniteLoss as err:
        metrics["status"] = f"stopped: {err}"
        print(f"error: {err}", file=sys.stderr)
        status = 1
    except BaseException as err:  # a bug or out of memory: say so in the record, then show the traceback
        metrics["status"] = f"failed: {type(err).__name__}: {err}"
        write_json(out / "metrics.json", metrics)
        raise
    metrics["goal"] = goal_status(parameters, metrics["epochs"])
    with deferred_interrupt():
        write_json(out / "metrics.json", metrics)
        if metrics["epochs"] and not args.no_plots:
            plot_curves(out / "curves.png", metrics["epochs"], f"{script} ({parameters:,} parameters)",
                        goal_acc=GOAL["min_test_acc"])
            if status == 0 and errors is not None:
                last = metrics["epochs"][-1]
                plot_misclassified(out / "misclassified.png", errors["images"], errors["truths"], errors["preds"],
                                   script, total_errors=last["test_images"] - last["test_correct"])
    if status == 0:
        full = metrics["goal"]["epochs_ok"] and metrics["goal"]["full_test_set"]
        verdict = ("met" if metrics["goal"]["met"] else "not met") if full else \
            "not judged (a shortened run: the goal is judged on full runs)"
        print(f"done in {metrics['total_seconds']:.1f} s; end goal ({goal_text()}): {verdict}; results in {out}/")
    return status
