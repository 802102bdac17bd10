"""Numbers over seeds and the Markdown tables they go into, spelled once for
tools.seeds, tools.experiment and the docs generator (docgen)."""
import statistics

# The keys of a summary over seeds (results/<script>/seeds.json, an experiment's rows).
FINAL, LOWEST = "final_test_acc", "min_last5_test_acc"  # the last epoch's accuracy; the lowest of the last five


def mean_and_sd(values):
    """Mean and sample standard deviation (0 for a single value)."""
    values = list(values)
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def over_seeds(summaries):
    """Mean and standard deviation over seeds of the final accuracy and of the lowest of the
    last five epochs, from each seed's epoch summary (tools.lessons.epoch_summary):
    {final_test_acc_mean, final_test_acc_std, min_last5_test_acc_mean, min_last5_test_acc_std}."""
    result = {}
    for key, source in ((FINAL, "last_test_acc"), (LOWEST, "min_last5_test_acc")):
        result[f"{key}_mean"], result[f"{key}_std"] = mean_and_sd(s[source] for s in summaries)
    return result


ALIGNMENT = {"l": "---", "r": "---:", "c": ":---:", "L": ":---"}  # left, right, centred, left (marked)


def markdown_table(headings, alignment, rows):
    """A Markdown table: ``alignment`` has one letter per column (see ALIGNMENT); each row is a list of cells."""
    def line(cells):
        return "|" + "|".join(f" {cell} " if cell != "" else " " for cell in cells) + "|"  # an empty cell: "| |"

    return "\n".join([line(headings), "|" + "|".join(ALIGNMENT[a] for a in alignment) + "|", *map(line, rows)])
