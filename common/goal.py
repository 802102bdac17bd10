"""The course's end goal, and whether a run meets it."""

GOAL = {"max_parameters": 8000, "max_epochs": 15, "min_test_acc": 99.40, "last_epochs": (11, 15),
        "test_images": 10000}


def goal_text():
    first, last = GOAL["last_epochs"]
    return (f"<= {GOAL['max_parameters']:,} parameters, >= {GOAL['min_test_acc']:.2f}% test accuracy "
            f"in each of epochs {first}-{last}")


def goal_status(parameters, epochs, test_set=True):
    """Does a run meet the end goal? Judged on the full test set, in whole
    images (99.40% of 10,000 is 9,940), so that rounding cannot decide it;
    a run evaluated on validation images (``test_set=False``) is not judged."""
    first, last = GOAL["last_epochs"]
    window = [e for e in epochs if first <= e["epoch"] <= last]
    full_length = len(window) == last - first + 1 and len(epochs) <= GOAL["max_epochs"]
    full_test = test_set and all(e["test_images"] == GOAL["test_images"] for e in window)
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


def verdict(goal):
    """One word or phrase for the end of a run."""
    if not (goal["epochs_ok"] and goal["full_test_set"]):
        return "not judged (a shortened run: the goal is judged on full runs)"
    return "met" if goal["met"] else "not met"
