"""The recorded experiments the docs quote. Each is made again by its command
(with --record, it writes results/experiments/<name>/) and shown on its page
in the block `<!-- generated:experiment:<name> -->`: the command, the table
and the figure of its record."""
import json
import shlex

from common import paths
from common.source import source_digest
from course.lessons import resolve
from course.summary import FINAL, LOWEST, RAW, never_learned, paired_said, said

from .experiments import AGAINST, EARLIER, QUOTED
from .pages import IMG as DOCS_IMG

EXPERIMENTS = paths.RESULTS / "experiments"
IMG = DOCS_IMG / "experiments"


def command(name):
    """The command that records experiment ``name``: on the CPU, into results/experiments/<name>/."""
    return f"python -m tools.experiment {QUOTED[name][1]} --device cpu --name {name} --record"


def block(name):
    folder = EXPERIMENTS / name
    if not (folder / "results.json").exists():
        return f"*Not recorded yet:* `{command(name)}`"
    r = json.loads((folder / "results.json").read_text())
    label = [f"*A record of an earlier version: {EARLIER[name]}.*", ""] if name in EARLIER else []
    return "\n".join([*label, f"```bash\n{r['command']}\n```", "", (folder / "table.md").read_text().strip(),
                      *verdicts(name), *paired(r["rows"]), *stuck_notes(r["rows"]), "",
                      f"![{r['script']} on the {r['evaluated_on']} images: {name}](img/experiments/{name}.png)"])


def stuck_notes(rows):
    """A line per row with seeds that never learned (course.summary.never_learned), which a mean ± sd hides."""
    lines = []
    for row in rows:
        stuck = [seed for seed, curve in zip(row["seeds"], row["curves"]) if never_learned(curve[-1])]
        if stuck:
            of = f"{len(stuck)} of {len(row['seeds'])} seed{'s' if len(row['seeds']) > 1 else ''}"
            lines.append(f"- `{row['setting']}`: {of} never learned "
                         f"(seed{'s' if len(stuck) > 1 else ''} {', '.join(map(str, stuck))}: at chance to the end)")
        lines += _flat_starts(row, rows)
    return ["", *lines] if lines else []


def _flat_starts(row, rows):
    """A line naming the seeds of ``row`` that ended their first epoch at chance and learned later (an average
    of the weights starts from the untrained ones, so its rows are left out)."""
    if any(r["setting"] == row["setting"] + RAW for r in rows):
        return []
    late = [(seed, curve) for seed, curve in zip(row["seeds"], row["curves"])
            if never_learned(curve[0]) and not never_learned(curve[-1])]
    if not late:
        return []
    at_chance = [(seed, next(i for i, acc in enumerate(curve) if not never_learned(acc))) for seed, curve in late]
    named = [f"seed {seed} stayed at chance through epoch {epochs}" for seed, epochs in at_chance]
    return [f"- `{row['setting']}`: {', '.join(named)}, then learned"]


def paired(rows):
    """For a script that tests an average of the weights: each setting against its raw-weights row, the
    same runs, seed by seed (tools.experiment_report.summarise)."""
    by_setting = {r["setting"]: r for r in rows}
    lines = []
    for row in rows:
        raw = by_setting.get(row["setting"] + RAW)
        if raw is None:
            continue
        assert raw["seeds"] == row["seeds"]
        finals = [[c[-1] for c in r["curves"]] for r in (raw, row)]
        lowest = [[min(c[-5:]) for c in r["curves"]] for r in (raw, row)]
        lines.append(f"- `{row['setting']}`: final {paired_said(*finals)}; lowest of the last five "
                     f"{paired_said(*lowest)}")
    if not lines:
        return []
    return ["", "The averaged weights against the raw ones, seed by seed in the same runs (the mean of the "
                "differences ± its standard error):", "", *lines]


def _spread(row, key):
    return row[f"{key}_mean"], row[f"{key}_std"], len(row["seeds"])


def verdicts(name):
    """Lines comparing each row of experiment ``name`` with its AGAINST row, by the one noise rule."""
    if name not in AGAINST:
        return []
    other, setting = AGAINST[name]
    rows = {r["setting"]: r for r in json.loads((EXPERIMENTS / other / "results.json").read_text())["rows"]}
    base, lines = rows[setting], ["", f"Against `{setting}` ({other}), by the rule in *Beyond the noise*:", ""]
    for row in json.loads((EXPERIMENTS / name / "results.json").read_text())["rows"]:
        if row is base or (other == name and row["setting"] in (setting, setting.removesuffix(RAW))):
            continue  # the base, and the averaged weights of its own runs (compared seed by seed: paired)
        if len(row["seeds"]) < 2:
            alone = "one seed, its spread unmeasured" if row["seeds"] else "every seed diverged"
            lines.append(f"- `{row['setting']}`: {alone}: not compared")
            continue
        apart = _diverged_apart(base, row)
        final = f"- `{row['setting']}`: final {said(_spread(base, FINAL), _spread(row, FINAL), apart)}"
        lines.append(final if len(row["curves"][0]) < 5 else  # no last five in a shorter run
                     f"{final}; lowest of the last five {said(_spread(base, LOWEST), _spread(row, LOWEST), apart)}")
    return lines


def _diverged_apart(*rows):
    """The note for a verdict whose rows had seeds that diverged, which its means leave out (the table names
    them): '; seed 9 of LR=0.05 diverged, counted apart'."""
    named = [f"seed {d['seed']} of {r['setting']}" for r in rows for d in r.get("diverged", [])]
    return f"; {' and '.join(named)} diverged, counted apart" if named else ""


def blocks(page):
    """{block name: content} for the experiments that ``page`` (a path under docs/) shows."""
    return {f"experiment:{name}": block(name) for name, (pages, _) in QUOTED.items() if page in pages}


def figures():
    """{copy in docs/img/experiments: original in results/experiments} for every recorded experiment."""
    return {IMG / f"{name}.png": EXPERIMENTS / name / "figure.png" for name in QUOTED
            if (EXPERIMENTS / name / "figure.png").exists()}


def script_of(name):
    """The script that experiment ``name`` runs: a lesson, or an edited copy given by its path."""
    first = shlex.split(QUOTED[name][1])[0]
    return paths.ROOT / first if first.endswith(".py") else resolve(first)


def ran_other_code(name):
    """True when some run of the record came from other code than its script holds now."""
    digest = source_digest(script_of(name))
    runs = (EXPERIMENTS / name).glob("*/seed*/metrics.json")
    return any(json.loads(path.read_text()).get("experiment", {}).get("source_sha256") != digest for path in runs)


def stale_records():
    """One line per quoted record made from an earlier version of its script that its page does not label so."""
    return [f"results/experiments/{name}/ ran an earlier {script_of(name).name}: run `{command(name)}` again, "
            f"or label it in EARLIER (docgen/experiments.py)"
            for name in QUOTED if name not in EARLIER and ran_other_code(name)]
