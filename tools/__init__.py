"""The learner's commands: `python -m tools.<name> --help`.

    diff         what one lesson changed from another
    experiment   a lesson over values of its settings and seeds, compared
    seeds        a lesson over several seeds, and how much its numbers vary
    evaluate     saved weights on the test set, without training

lessons.py is the course's index (the scripts and their recorded runs) that
these commands, docgen/, benchmarks/ and tests/ share. The maintainer's
generator of docs/, README blocks and script headers is docgen/.
"""
