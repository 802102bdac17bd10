"""Every time the docs show names the machine it was measured on, and the tables
compare no seconds across processors (docgen/timing.py)."""
from common.paths import ROOT
from docgen import performance_page, timing
from docgen.markers import block
from docgen.pages import all_lessons

XEON = {"device": "cpu", "device_name": "CPU (2 threads)", "processor": "Intel(R) Xeon(R) Processor"}


def test_a_time_names_its_processor_without_trademarks():
    assert timing.machine(XEON) == "Intel Xeon (2 threads)"
    assert timing.machine({**XEON, "device": "cuda", "device_name": "NVIDIA H100 80GB HBM3"}) == "NVIDIA H100 80GB HBM3"
    assert timing.processor_name({}) == "an unnamed processor"


def test_lessons_are_grouped_by_the_processor_of_their_record():
    assert timing.numbers([1, 2, 3, 5, 9, 10]) == "1-3, 5, 9-10"
    lessons = all_lessons()
    note = timing.seconds_note(lessons)
    machines = {timing.machine_of(info.script) for info in lessons}
    assert all(f"on {m}" in note for m in machines)
    if len(machines) > 1:
        assert "compare only between rows of one processor" in note


def test_every_row_with_seconds_names_its_machine():
    lessons = all_lessons()
    for page, name in ((ROOT / "README.md", "lessons"), (ROOT / "docs" / "summary.md", "table"),
                       (ROOT / "docs" / "performance.md", "growth")):
        rows = [line for line in block(page.read_text(), name).splitlines() if line.startswith("| ")][1:]
        assert len(rows) == len(lessons), page.name
        for info, row in zip(lessons, rows):
            assert f"| {timing.machine_of(info.script)} |" in row, (page.name, info.number)


def test_a_step_record_without_its_processor_says_so():
    assert performance_page._cpu({"threads": 2}) == "2 CPU threads (this record does not name its processor)"
    assert performance_page._cpu({"threads": 2, "processor": "AMD EPYC"}) == "AMD EPYC (2 threads)"
