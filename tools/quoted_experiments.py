"""The recorded experiments the docs quote. Each is made again by its command
(with --record, it writes results/experiments/<name>/) and shown on its page
in the block `<!-- generated:experiment:<name> -->`: the command, the table
and the figure of its record."""
import json

from .lessons import RESULTS, ROOT

EXPERIMENTS = RESULTS / "experiments"
IMG = ROOT / "docs" / "img" / "experiments"
QUOTED = {  # name: (the pages under docs/ that show it, the command that makes it)
    "code01-batch-size": (("01_setup.md",), "python -m tools.experiment 1 --set BATCH_SIZE=64,128,256 --seeds 1 "
                          "--validation --epochs 2 --limit 10000 --device cpu --name code01-batch-size --record"),
    "code02-lr": (("02_skeleton.md",), "python -m tools.experiment 2 --set LR=0.01,0.05 --seeds 1 --validation "
                  "--epochs 5 --device cpu --name code02-lr --record"),
    "code03-lr": (("03_lighter.md", "04_batchnorm.md"), "python -m tools.experiment 3 --set LR=0.05,0.1,0.2 "
                  "--seeds 1 --validation --epochs 5 --device cpu --name code03-lr --record"),
    "code04-lr": (("04_batchnorm.md",), "python -m tools.experiment 4 --set LR=0.05,0.1,0.2 --seeds 1 "
                  "--validation --epochs 5 --device cpu --name code04-lr --record"),
    "code05-dropout": (("05_dropout.md",), "python -m tools.experiment 5 --set DROPOUT=0,0.05,0.1,0.2 --seeds 1 "
                       "--validation --epochs 5 --device cpu --name code05-dropout --record"),
    "code06-dropout": (("06_gap.md",), "python -m tools.experiment 6 --set DROPOUT=0,0.05 --seeds 1 --validation "
                       "--epochs 5 --device cpu --name code06-dropout --record"),
    "code07-deeper": (("07_capacity.md", "08_maxpool.md"), "python -m tools.experiment 7 --set LR=0.05 --seeds 1 "
                      "--validation --epochs 5 --device cpu --name code07-deeper --record"),
    "code08-order": (("08_maxpool.md",), "python -m tools.experiment 8 --set LR=0.05 --seeds 1 --validation "
                     "--epochs 5 --device cpu --name code08-order --record"),
    "code09-rotation": (("09_augment.md",), "python -m tools.experiment 9 --set ROTATION=0,7,15,30 --seeds 1 "
                        "--validation --epochs 5 --device cpu --name code09-rotation --record"),
    "code10-schedule": (("choosing.md", "10_lr_schedule.md"),
                        "python -m tools.experiment 10 --set LR=0.05,0.1 --set STEP_SIZE=7,5 --seeds 1 2 3 "
                        "--validation --device cpu --name code10-schedule --record"),
    "code10-shift": (("choosing.md",), "python -m tools.experiment 10 --set SHIFT=0,0.1 --seeds 1 2 3 "
                     "--validation --device cpu --name code10-shift --record"),
}


def block(name):
    folder = EXPERIMENTS / name
    if not (folder / "results.json").exists():
        return f"*Not recorded yet:* `{QUOTED[name][1]}`"
    r = json.loads((folder / "results.json").read_text())
    return "\n".join([f"```bash\n{r['command']}\n```", "", (folder / "table.md").read_text().strip(), "",
                      f"![{r['script']} on the {r['evaluated_on']} images: {name}](img/experiments/{name}.png)"])


def blocks(page):
    """{block name: content} for the experiments that ``page`` (a path under docs/) shows."""
    return {f"experiment:{name}": block(name) for name, (pages, _) in QUOTED.items() if page in pages}


def figures():
    """{copy in docs/img/experiments: original in results/experiments} for every recorded experiment."""
    return {IMG / f"{name}.png": EXPERIMENTS / name / "figure.png" for name in QUOTED
            if (EXPERIMENTS / name / "figure.png").exists()}
