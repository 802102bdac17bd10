"""Times and the machine each one came from.

A record's seconds depend on its processor, and on whatever else a shared
machine did meanwhile. So every time the course shows names where it was
measured; times from different processors are never compared or ranked; a
lesson's time per epoch is the median over its epochs, which a few slow
epochs do not move.

A lesson page may hold blocks `<!-- generated:time:RUNS -->` or
`<!-- generated:time:RUNS:EPOCHS -->` beside an exercise: how long that
many runs took at the lesson's recorded pace (`blocks`).
"""
import re
import statistics

from course.lessons import recorded

from .pages import DOCS

TIME_BLOCK = re.compile(r"<!-- generated:(time:(\d+)(?::(\d+))?) -->")


def processor_name(env):
    """A record's processor without its trademarks: 'Intel(R) Xeon(R) Processor' -> 'Intel Xeon'."""
    name = re.sub(r"\((R|TM)\)|\s+Processor$", "", env.get("processor") or "an unnamed processor")
    return re.sub(r"\s+", " ", name).strip()


def machine(env):
    """Where a record's times were measured: 'Intel Xeon (2 threads)' on a CPU, the GPU's name on a GPU."""
    if env["device"] != "cpu":
        return env["device_name"]
    return env["device_name"].replace("CPU", processor_name(env), 1)


def machine_of(script):
    """The machine of a lesson's recorded run, or None without one."""
    m = recorded(script)
    return machine(m["environment"]) if m else None


def numbers(values):
    """[1, 2, 3, 5] -> '1-3, 5'."""
    values, parts = sorted(values), []
    for v in values:
        if parts and v == parts[-1][1] + 1:
            parts[-1][1] = v
        else:
            parts.append([v, v])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in parts)


def by_machine(lessons):
    """'lessons 1-8 on Intel Xeon (2 threads), lessons 9-10 on AMD EPYC (2 threads)': the recorded lessons
    grouped by the machine their times come from, in course order."""
    groups = {}
    for info in lessons:
        if machine_of(info.script):
            groups.setdefault(machine_of(info.script), []).append(info.number)
    return ", ".join(f"lesson{'s' if len(n) > 1 else ''} {numbers(n)} on {m}" for m, n in groups.items())


def seconds_note(lessons):
    """The legend of a table with the lessons' seconds per epoch."""
    machines = {machine_of(info.script) for info in lessons} - {None}
    rule = ("Seconds compare only between rows of one processor: " if len(machines) > 1 else "All on one machine: ")
    return (f"*s / epoch*: the median over the epochs of each lesson's recorded run (a shared machine slows "
            f"some epochs; the median ignores them). {rule}{by_machine(lessons)}.")


def estimate(info, runs, epochs=None):
    """How long ``runs`` runs of ``epochs`` epochs (default: the lesson's) take at the lesson's recorded pace."""
    m = recorded(info.script)
    if m is None:
        return f"*Time:* not known until `python {info.script.name} --record` has run."
    epochs = epochs or len(m["epochs"])
    pace = statistics.median(e["seconds"] for e in m["epochs"])
    minutes = runs * epochs * pace / 60
    return (f"*Time:* {runs} run{'s' if runs > 1 else ''} of {epochs} epochs, about {minutes:.0f} minutes on "
            f"{machine(m['environment'])}, at the {pace:.1f} s per epoch of this lesson's recorded run. Another "
            f"machine takes another time: time one epoch of yours first.")


def blocks(info):
    """{block name: content} for the time blocks that the lesson's page holds."""
    page = (DOCS / info.page).read_text()
    return {m[1]: estimate(info, int(m[2]), int(m[3]) if m[3] else None) for m in TIME_BLOCK.finditer(page)}
