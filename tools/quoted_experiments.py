"""docs/choosing.md's blocks: each experiment the page quotes, from its record in
results/experiments/<name>/ (written by the command below with --record): the
command that makes it again, its table and its figure."""
import json

from .lessons import RESULTS, ROOT

EXPERIMENTS = RESULTS / "experiments"
IMG = ROOT / "docs" / "img" / "experiments"
COMMANDS = {  # the experiments docs/choosing.md quotes, in its order
    "code10-schedule": "python -m tools.experiment 10 --set LR=0.05,0.1 --set STEP_SIZE=7,5 --seeds 1 2 3 "
                       "--validation --device cpu --name code10-schedule --record",
}


def block(name):
    folder = EXPERIMENTS / name
    if not (folder / "results.json").exists():
        return f"*Not recorded yet:* `{COMMANDS[name]}`"
    r = json.loads((folder / "results.json").read_text())
    return "\n".join([f"```bash\n{r['command']}\n```", "", (folder / "table.md").read_text().strip(), "",
                      f"![{r['script']} on the {r['evaluated_on']} images: {name}](img/experiments/{name}.png)"])


def blocks():
    return {f"experiment:{name}": block(name) for name in COMMANDS}


def figures():
    """{copy in docs/img/experiments: original in results/experiments} for every recorded experiment."""
    return {IMG / f"{name}.png": EXPERIMENTS / name / "figure.png" for name in COMMANDS
            if (EXPERIMENTS / name / "figure.png").exists()}
