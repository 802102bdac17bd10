"""Which recorded experiments the docs quote: the command of each, the pages that show it, the row that its
rows are compared with, and the records kept from an earlier version of their script. docgen.quoted_experiments
renders them."""
from course.summary import RAW


def copy_of_lesson_10(name, setting="LR=0.05", seeds="1 2 3"):
    """The arguments for an edited copy of lesson 10 (its layers changed), kept beside its record."""
    return f"results/experiments/{name}/{name.replace('-', '_')}.py --set {setting} --seeds {seeds} --validation"


def variant_of_lesson_10(script, setting, seeds="1 2 3 4 5"):
    """The arguments for a copy of lesson 10 with its training changed (an average of the weights tested
    beside the raw ones, another schedule or optimizer), kept beside its record: two runs at a time."""
    return f"results/experiments/{script} --set {setting} --seeds {seeds} --validation --jobs 2"


RATE_PROBE = "--set LR=0.01,0.05 --seeds 1 2 3 4 5 6 7 8 9 10 --validation --epochs 3 --jobs 2"  # lessons 2-4

QUOTED = {  # name: (the pages under docs/ that show it, the experiment's arguments; see command())
    "code01-batch-size": (("01_setup.md",),
                          "1 --set BATCH_SIZE=64,128,256 --seeds 1 --validation --epochs 2 --limit 10000"),
    "code01-lr-probe": (("choosing.md",),
                        "1 --set LR=0.01,0.05 --seeds 1 2 3 4 5 6 7 8 9 10 --validation --epochs 2 --limit 10000 "
                        "--jobs 2"),
    "code02-lr": (("02_skeleton.md",), "2 --set LR=0.01,0.05 --seeds 1 --validation --epochs 5"),
    "code03-lr": (("03_lighter.md", "04_batchnorm.md"), "3 --set LR=0.05,0.1,0.2 --seeds 1 --validation --epochs 5"),
    "code04-lr": (("04_batchnorm.md",), "4 --set LR=0.05,0.1,0.2 --seeds 1 --validation --epochs 5"),
    "code05-dropout": (("05_dropout.md",), "5 --set DROPOUT=0,0.05,0.1,0.2 --seeds 1 --validation --epochs 5"),
    "code06-dropout": (("06_gap.md",), "6 --set DROPOUT=0,0.05 --seeds 1 --validation --epochs 5"),
    "code07-deeper": (("07_capacity.md", "08_maxpool.md"), "7 --set LR=0.05 --seeds 1 --validation --epochs 5"),
    "code08-order": (("08_maxpool.md",), "8 --set LR=0.05 --seeds 1 --validation --epochs 5"),
    "code09-rotation": (("09_augment.md",), "9 --set ROTATION=0,7,15,30 --seeds 1 --validation --epochs 5"),
    "code10-schedule": (("choosing.md", "10_lr_schedule.md"),
                        "10 --set LR=0.05,0.1 --set STEP_SIZE=7,5 --seeds 1 2 3 --validation"),
    "code10-step": (("choosing.md",), "10 --set STEP_SIZE=8,10 --seeds 1 2 3 --validation"),
    "code10-batch-size": (("choosing.md",), "10 --set BATCH_SIZE=64 --seeds 1 2 3 --validation"),
    "code10-shift": (("choosing.md",), "10 --set SHIFT=0,0.1 --seeds 1 2 3 --validation"),
    "code10-dropout": (("choosing.md",), "10 --set DROPOUT=0,0.05,0.1 --seeds 1 2 3 --validation"),
    "code10-rotation": (("choosing.md",), "10 --set ROTATION=0,15 --seeds 1 2 3 --validation"),
    "code10-dropout-block2": (("choosing.md",), copy_of_lesson_10("code10-dropout-block2")),
    "code10-wider-transition": (("choosing.md",), copy_of_lesson_10("code10-wider-transition")),
    "code10-wider-first": (("choosing.md",), copy_of_lesson_10("code10-wider-first")),
    "code02-lr-seeds": (("choosing.md",), "2 --set LR=0.01,0.05 --seeds 1 2 3 4 5 --validation --epochs 5 --jobs 2"),
    "code02-lr-probe": (("choosing.md",), f"2 {RATE_PROBE}"),
    "code03-lr-probe": (("choosing.md", "04_batchnorm.md"), f"3 {RATE_PROBE}"),
    "code04-lr-probe": (("04_batchnorm.md",), f"4 {RATE_PROBE}"),
    "code04-rate": (("04_batchnorm.md",), "4 --set LR=0.01,0.05 --seeds 1 2 3 --validation --jobs 2"),
    "code10-wider-block1": (("choosing.md",), copy_of_lesson_10("code10-wider-block1", "DROPOUT=0")),
    "code10-wide-block1": (("choosing.md",), copy_of_lesson_10("code10-wide-block1", "DROPOUT=0", "1")),
    "code10-average": (("choosing.md",), variant_of_lesson_10("code10-average/code10_average.py", "DROPOUT=0.05,0")),
    "code10-adamw-onecycle": (("choosing.md",),
                              variant_of_lesson_10("code10-adamw-onecycle/code10_adamw_onecycle.py", "LR=0.01")),
    "code10-onecycle": (("choosing.md",),
                        variant_of_lesson_10("code10-onecycle/code10_onecycle.py", "LR=0.05", "1 2 3 4 5 6")),
}
VARIANTS = ("code10-average", "code10-adamw-onecycle", "code10-onecycle")  # the copies of variant_of_lesson_10

# The row that each experiment's rows are compared with, (experiment, row): lesson 10 as it stands
# (the DROPOUT=0.05 row of code10-dropout), the same network without Dropout for a shape without it, or a row
# of the experiment itself (its own setting, or lessons 1-3's rate for lesson 4).
LESSON_10 = ("code10-dropout", "DROPOUT=0.05")
LESSON_10_RAW = ("code10-average", "DROPOUT=0.05" + RAW)  # the same, over five seeds (code10-average's raw weights)
AGAINST = {"code10-schedule": ("code10-schedule", "LR=0.05,STEP_SIZE=7"), "code10-step": LESSON_10,
           "code10-batch-size": LESSON_10, "code10-shift": ("code10-shift", "SHIFT=0"), "code10-dropout": LESSON_10,
           "code10-rotation": LESSON_10, "code10-dropout-block2": LESSON_10, "code10-wider-transition": LESSON_10,
           "code10-wider-first": LESSON_10, "code10-wider-block1": ("code10-dropout", "DROPOUT=0"),
           "code10-wide-block1": ("code10-dropout", "DROPOUT=0"), "code10-average": LESSON_10_RAW,
           "code10-adamw-onecycle": LESSON_10_RAW, "code10-onecycle": LESSON_10_RAW,
           "code01-lr-probe": ("code01-lr-probe", "LR=0.01"), "code03-lr-probe": ("code03-lr-probe", "LR=0.01"),
           "code04-lr-probe": ("code04-lr-probe", "LR=0.01"),
           "code04-rate": ("code04-rate", "LR=0.01")}


WITH_SHIFT = "31dddf1"  # the last commit whose lessons 9 and 10 had SHIFT = 0.0 (docs/choosing.md)

# Records of a script as it was before a later change, kept because a page tells how a choice was made.
# The page shows each with this label; any other quoted record must be of its script as it stands.
EARLIER = {"code10-schedule": "lesson 10 when it rotated its images with transforms.RandomRotation, before "
                              "it used RandomAffine (commit fc55179): the same recipe, other code",
           **dict.fromkeys(("code02-lr-seeds", "code02-lr-probe"), "lesson 2 as of commit 3a524e2, while its own rate "
                           "was still 0.05; every run here sets its rate with --set, so each trains as it would now"),
           "code10-shift": f"lesson 10 as of commit {WITH_SHIFT}, when it had a `SHIFT` setting; the command needs "
                           f"that version (`git checkout {WITH_SHIFT} -- code10_lr_schedule.py`)",
           **dict.fromkeys(("code10-step", "code10-batch-size", "code10-dropout", "code10-rotation",
                            "code10-dropout-block2", "code10-wider-transition", "code10-wider-first",
                            "code10-wider-block1", "code10-wide-block1", *VARIANTS),
                           f"lesson 10 as of commit {WITH_SHIFT}, with `SHIFT = 0.0`; the same runs as today's code "
                           "([why](#records-from-before-shift-was-removed))")}
