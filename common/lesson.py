"""Everything a lesson script does once it has said what its network and settings are."""
import platform
import sys
import time
from pathlib import Path

import torch
import torchvision
from torch import optim

from . import cli
from .batch_transforms import BatchPipeline
from .data import DataError, ensure_mnist, load_split
from .engine import NonFiniteLoss, evaluate, train_epoch
from .loader import TensorBatches
from .model_info import count_parameters, format_receptive_field, macs_per_image, receptive_field, summary_table
from .results import plot_curves, plot_misclassified, save_weights, write_json
from .runtime import describe, pick_device, seed_everything

# The course's end goal (../shared/LESSONS.md).
GOAL = {"max_parameters": 8000, "max_epochs": 15, "min_test_acc": 99.40, "last_epochs": (11, 15)}
TEST_BATCH_SIZE = 1000
MISCLASSIFIED_SHOWN = 30


def goal_status(parameters, epochs):
    """Does a run meet the end goal? Accuracies are compared as counts of
    correct images (99.40% of 10,000 is 9,940) so rounding cannot decide it."""
    first, last = GOAL["last_epochs"]
    window = [e for e in epochs if first <= e["epoch"] <= last]
    full_window = len(window) == last - first + 1 and len(epochs) <= GOAL["max_epochs"]
    needed = [GOAL["min_test_acc"] / 100 * e["test_images"] for e in window]
    acc_ok = full_window and all(e["test_correct"] >= round(n) for e, n in zip(window, needed))
    return {
        **{k: list(v) if isinstance(v, tuple) else v for k, v in GOAL.items()},
        "parameters_ok": parameters <= GOAL["max_parameters"],
        "epochs_ok": full_window,
        "accuracy_ok": acc_ok,
        "min_test_acc_in_window": min((e["test_acc"] for e in window), default=None),
        "met": parameters <= GOAL["max_parameters"] and acc_ok,
    }


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


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()


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
        return _train(Net, script, args, momentum, lr_schedule, train_transforms, test_transforms)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _train(Net, script, args, momentum, lr_schedule, train_transforms, test_transforms):
    device = pick_device(args.device)
    ensure_mnist(args.data_dir)
    generator = seed_everything(args.seed, device)

    train_images, train_labels = (t.to(device) for t in load_split(args.data_dir, True, args.limit))
    test_images, test_labels = (t.to(device) for t in load_split(args.data_dir, False, args.limit))
    train_batches = TensorBatches(train_images, train_labels, args.batch_size, BatchPipeline(train_transforms),
                                  shuffle=True, generator=generator)
    test_batches = TensorBatches(test_images, test_labels, TEST_BATCH_SIZE, BatchPipeline(test_transforms),
                                 shuffle=False)

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
        "status": "running",
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
            _sync(device)
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
            write_json(out / "metrics.json", metrics)
            save_weights(out / "model.pt", model)
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
    metrics["goal"] = goal_status(parameters, metrics["epochs"])
    write_json(out / "metrics.json", metrics)
    if metrics["epochs"] and not args.no_plots:
        plot_curves(out / "curves.png", metrics["epochs"], f"{script} ({parameters:,} parameters)")
        if status == 0 and errors is not None:
            last = metrics["epochs"][-1]
            plot_misclassified(out / "misclassified.png", errors["images"], errors["truths"], errors["preds"], script,
                               total_errors=last["test_images"] - last["test_correct"])
    if status == 0:
        goal = metrics["goal"]
        print(f"done in {metrics['total_seconds']:.1f} s; end goal (<= 8,000 parameters, >= 99.40% in epochs 11-15): "
              f"{'met' if goal['met'] else 'not met'}; results in {out}/")
    return status
