"""The course's model, which the learner's commands (tools/), the generator
(docgen/), the benchmarks and the tests all read:

    lessons.py   the course index: the lesson scripts in order, their recorded runs, loading a script
    summary.py   numbers over seeds, the noise rule, the end goal's verdict, Markdown tables

It imports nothing from tools/, docgen/ or benchmarks/, and no torch.
"""
