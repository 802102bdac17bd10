"""A run's record: metrics.json and the weights after every epoch, the figures at the end.

    with Record(__file__, args, model, optimizer, train_loader, test_loader) as record:
        for epoch in ...:
            record.epoch(epoch, train(...), test(...))

A Ctrl-C or a loss that is no longer a number ends the loop cleanly: the
finished epochs stay recorded and the run says how it ended ("status").
"""
import contextlib
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import console, paths
from .cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, output_folder
from .engine import NonFiniteLoss
from .goal import GOAL, goal_status
from .model_info import count_parameters, macs_per_image, receptive_field
from .environment import environment
from .files import copy_whole, deferred_interrupt, save_weights, write_json
from .source import source_digest

FIGURES = ("curves.png", "misclassified.png")


class Record:
    def __init__(self, script_file, args, model, optimizer, train_loader, test_loader):
        device = next(model.parameters()).device
        self.out = output_folder(args, device)
        self.publish = paths.RESULTS / args.script if args.record else None
        self.model, self.optimizer, self.plots = model, optimizer, not args.no_plots
        self.evaluated_on = "validation" if args.validation else "test"
        self.status = None
        self.errors = None
        layers = receptive_field(model)
        self.metrics = {
            "script": args.script,
            "source_sha256": source_digest(script_file),
            "status": "running",
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "settings": {
                "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
                "momentum": optimizer.defaults.get("momentum"), "optimizer": type(optimizer).__name__,
                "seed": args.seed, "limit": args.limit, "validation": args.validation,
                "train_images": train_loader.num_images, "test_images": test_loader.num_images,
                "train_transforms": repr(train_loader.transforms), "test_transforms": repr(test_loader.transforms),
            },
            "environment": environment(device),
            "model": {
                "parameters": count_parameters(model),
                "macs_per_image": macs_per_image(model),
                "receptive_field": layers[-1]["rf"] if layers else 1,
                "layers": layers,
            },
            "epochs": [],
            "total_seconds": 0.0,
        }
        print(f"seed {args.seed}; evaluated on the {self.evaluated_on} images; this run goes to {self.out}/")

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def epoch(self, epoch, trained, tested):
        """Add one epoch's numbers, save the weights and metrics.json together, print the epoch's line."""
        e = {
            "epoch": epoch, "train_loss": trained.loss, "train_acc": trained.accuracy,
            "test_loss": tested.loss, "test_acc": tested.accuracy, "test_correct": tested.correct,
            "test_images": tested.images, "lr": self.optimizer.param_groups[0]["lr"],
            "train_seconds": trained.seconds, "test_seconds": tested.seconds,
            "seconds": trained.seconds + tested.seconds,
        }
        self.metrics["epochs"].append(e)
        self.metrics["total_seconds"] = time.perf_counter() - self.started
        self.metrics["goal"] = self._goal()
        self.errors = tested.errors
        with deferred_interrupt():  # weights and metrics always describe the same epoch
            save_weights(self.out / "model.pt", self.model)
            write_json(self.out / "metrics.json", self.metrics)
        if epoch == 1:  # this run's results now replace the last one's: so must its figures
            for name in FIGURES:
                (self.out / name).unlink(missing_ok=True)
        print(console.epoch_line(e, self.evaluated_on))

    def _goal(self):
        return goal_status(self.metrics["model"]["parameters"], self.metrics["epochs"],
                           test_set=self.evaluated_on == "test")

    def __exit__(self, kind, err, traceback):
        m = self.metrics
        finished = len(m["epochs"])
        if kind is None:
            m["status"], self.status = "complete", EXIT_OK
        elif issubclass(kind, KeyboardInterrupt):
            m["status"], self.status = "interrupted", EXIT_INTERRUPTED
        elif issubclass(kind, NonFiniteLoss):  # the run diverged: a result, recorded as one
            m["status"], self.status = f"stopped: {err}", EXIT_FAILED
            m["diverged"] = {"epoch": err.epoch, "batch": err.batch, "loss": str(err.value)}
            print(f"error: {err}", file=sys.stderr)
        else:  # a bug or out of memory: say so in the record (if it has one), then show the traceback
            m["status"] = f"failed: {kind.__name__}: {err}"
            if finished:
                write_json(self.out / "metrics.json", m)
            return False
        if not finished and self.status == EXIT_INTERRUPTED:
            print("\ninterrupted before the first epoch finished: nothing was written", file=sys.stderr)
            with contextlib.suppress(OSError):
                self.out.rmdir()  # the run's own folder, if it is still empty
            return True
        if not finished:  # diverged in epoch 1: its metrics.json says so, beside no weights or figures of another run
            for name in ("model.pt", *FIGURES):
                (self.out / name).unlink(missing_ok=True)
        if self.status == EXIT_INTERRUPTED:
            print(f"\ninterrupted: the {finished} finished epochs are recorded in {self.out}/", file=sys.stderr)
        m["goal"] = self._goal()
        with deferred_interrupt():
            write_json(self.out / "metrics.json", m)
        try:
            if self.plots and finished:
                self._plot()
        except KeyboardInterrupt:  # each figure is written whole or not at all
            print(f"\ninterrupted while drawing the figures; metrics.json in {self.out}/ is complete",
                  file=sys.stderr)
            self.status = EXIT_INTERRUPTED
        if self.status == EXIT_OK and self.publish:  # a complete recording replaces results/<script>/
            copy_whole(("metrics.json", "model.pt", *FIGURES), self.out, self.publish)
        if self.status == EXIT_OK:
            print(console.done_line(m, self.publish or self.out))
        return True

    def _plot(self):
        from .plots import plot_misclassified, plot_run  # here, so that a run with --no-plots loads no matplotlib

        m, last = self.metrics, self.metrics["epochs"][-1]
        plot_run(self.out / "curves.png", m, GOAL["min_test_acc"], self.evaluated_on)
        if self.status == EXIT_OK and self.errors is not None:
            errors = self.errors
            plot_misclassified(self.out / "misclassified.png", errors["images"], errors["truths"], errors["preds"],
                               m["script"], total_errors=last["test_images"] - last["test_correct"],
                               evaluated_on=self.evaluated_on)
