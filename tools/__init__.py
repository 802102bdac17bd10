"""The learner's commands: `python -m tools.<name> --help`.

    diff         what one lesson changed from another
    experiment   a lesson over values of its settings and seeds, compared
    seeds        a lesson over several seeds, and how much its numbers vary
    evaluate     saved weights on the test set, without training

Beside them, what only they use: runner.py trains many runs (experiment and
seeds), experiment_report.py makes an experiment's table and figure. The
course index they read is course/; the maintainer's generator is docgen/.
"""
