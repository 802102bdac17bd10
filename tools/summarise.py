"""Numbers a reader wants from one run's metrics.json, computed in one place."""
import statistics


def epoch_summary(m):
    epochs = m["epochs"]
    best_train = max(epochs, key=lambda e: e["train_acc"])
    best_test = max(epochs, key=lambda e: e["test_acc"])
    last = epochs[-1]
    # The first epoch carries one-off start-up costs; the median ignores them.
    seconds = statistics.median(e["seconds"] for e in epochs)
    return {
        "script": m["script"],
        "parameters": m["model"]["parameters"],
        "macs_per_image": m["model"]["macs_per_image"],
        "receptive_field": m["model"]["receptive_field"],
        "epochs": len(epochs),
        "best_train_acc": best_train["train_acc"], "best_train_epoch": best_train["epoch"],
        "best_test_acc": best_test["test_acc"], "best_test_epoch": best_test["epoch"],
        "last_train_acc": last["train_acc"], "last_test_acc": last["test_acc"],
        "last_gap": last["train_acc"] - last["test_acc"],
        "last5_test_acc": [e["test_acc"] for e in epochs[-5:]],
        "min_last5_test_acc": min(e["test_acc"] for e in epochs[-5:]),
        "goal_met": m["goal"]["met"],
        "seconds_per_epoch": seconds,
        "total_seconds": m["total_seconds"],
        "device": m["environment"]["device"],
        "device_name": m["environment"]["device_name"],
        "seed": m["settings"]["seed"],
    }
