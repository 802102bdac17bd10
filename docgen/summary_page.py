"""The summary page's tables: every lesson at a glance, and what each step bought."""

from course.lessons import summary_of
from course.summary import markdown_table

from . import tables, timing


def _recorded(lessons):
    return [(info, summary_of(info.script)) for info in lessons]


def table(lessons):
    columns = [tables.NUMBER, ("lesson", "l", lambda info, run: f"[{info.title}]({info.page})"),
               tables.PARAMETERS, tables.RF, tables.BEST_TEST, tables.LAST_TEST, tables.FINAL_OVER_SEEDS, tables.GAP,
               tables.SECONDS, tables.MACHINE]
    return tables.lesson_table(lessons, columns, "*RF*: receptive field of the output, in pixels. *Last test, seeds*: "
                                                 "the last epoch's test accuracy over the recorded seeds, mean ± "
                                                 "standard deviation (number of seeds), where a lesson has them; "
                                                 "\"2 of 3\": a seed that never learned is counted apart. "
                                                 "*Gap*: train minus test accuracy in the last epoch, in points. "
                                                 + timing.seconds_note(lessons))


def steps(lessons):
    """What each lesson's one change bought, against the lesson before it."""
    rows = []
    recorded = _recorded(lessons)
    for (prev, prev_run), (info, run) in zip(recorded, recorded[1:]):
        step = f"{prev.number} → {info.number}: {info.title}"
        if prev_run is None or run is None:
            rows.append([step, "not recorded yet", "", "", ""])
            continue
        rows.append([step, f"{prev_run['parameters']:,} → {run['parameters']:,}", tables.step_over_seeds(prev, info),
                     tables.step_over_seeds(prev, info, tables.LOWEST),
                     f"{prev_run['last_gap']:+.2f} → {run['last_gap']:+.2f}"])
    lines = [markdown_table(["step", "parameters", "final test accuracy, over seeds",
                             "lowest of the last five, over seeds", "train − test gap (last epoch, seed 1)"],
                            "lrllr", rows),
             "", "*Over seeds*: the change in the mean over the recorded seeds, in points, ± its standard error; "
                  "beyond or inside the noise as [How the settings were chosen](choosing.md#beyond-the-noise) "
                  "defines it. *Lowest of the last five*: "
                  "the lowest test accuracy of epochs 11-15, what the end goal checks."]
    return "\n".join(lines)


def blocks(lessons):
    return {"table": table(lessons), "steps": steps(lessons)}
