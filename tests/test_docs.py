"""docs/ and README.md say what results/ and the scripts say, and every link lands."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from common import paths
from common.cli import EXIT_OK
from docgen import headers, links



def test_a_changed_result_makes_the_header_stale(tmp_path, monkeypatch):
    script = paths.ROOT / "code10_lr_schedule.py"
    metrics = headers.recorded(script)
    assert metrics is not None, "results/code10_lr_schedule/metrics.json is not a complete recorded run"
    metrics = json.loads(json.dumps(metrics))  # a copy
    metrics["epochs"][-1]["test_acc"] -= 0.01
    fake = tmp_path / "metrics.json"
    fake.write_text(json.dumps(metrics))
    monkeypatch.setattr(headers, "recorded", lambda s: json.loads(fake.read_text()))
    assert headers.rewrite(script.read_text(), headers.render(script)) != script.read_text()




def test_the_link_checker_finds_a_broken_link(tmp_path, monkeypatch):
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    (tmp_path / "README.md").write_text("[fine](docs/page.md) [anchor](docs/page.md#a-heading)\n")
    page.write_text("# A heading\n\n[gone](missing.md) ![img](img/none.png) [bad](#no-such-heading)\n"
                    "```\n[in code](ignored.md)\n```\n")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(links, "DOCS", tmp_path / "docs")
    problems = links.broken_links()
    assert len(problems) == 3 and all(p.startswith("docs/page.md") for p in problems)


def test_the_site_builds_strictly(tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed: `pip install -r requirements-docs.txt`")
        pytest.skip("mkdocs is not installed (requirements-docs.txt); `make test` installs it")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                            cwd=paths.ROOT, capture_output=True, text=True)
    assert result.returncode == EXIT_OK, result.stderr
    assert (tmp_path / "index.html").exists() and (tmp_path / "10_lr_schedule" / "index.html").exists()


def test_a_comparison_figure_shows_the_spread_of_the_current_seeds_only(tmp_path, monkeypatch):
    from common.source import source_digest
    from docgen import figures

    script = paths.ROOT / "code10_lr_schedule.py"
    monkeypatch.setattr(paths, "RESULTS", tmp_path)

    def run(seed, accuracies, digest=source_digest(script)):
        folder = tmp_path / script.stem / ("" if seed == 1 else f"seeds/seed{seed}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "metrics.json").write_text(json.dumps({
            "status": "complete", "source_sha256": digest, "settings": {"seed": seed, "limit": None},
            "epochs": [{"test_acc": a} for a in accuracies]}))

    run(1, [98.0, 99.0])
    assert figures.test_curves(script) == {"seed 1": [98.0, 99.0], "seeds": 1, "spread": None}
    run(2, [97.5, 99.2])
    run(3, [99.9, 99.9], digest="0" * 64)  # a run of older code: left out
    assert figures.test_curves(script) == {"seed 1": [98.0, 99.0], "seeds": 2,
                                           "spread": {"low": [97.5, 99.0], "high": [98.0, 99.2]}}


def test_each_lesson_has_an_idea_figure_drawn_from_its_own_network():
    from docgen import idea_figures, pages

    lessons = pages.all_lessons()
    rf = idea_figures.figure_data(lessons[7], lessons[6])  # lesson 8 against lesson 7
    pools = [[i for i, r in enumerate(lesson["layers"]) if r["layer"] == "pool1"] for lesson in rf["lessons"]]
    assert pools == [[3], [2]]  # the pool moved one layer up
    assert rf["lessons"][0]["layers"][-1]["rf"] == rf["lessons"][1]["layers"][-1]["rf"] == 28
    bars = idea_figures.figure_data(lessons[5], lessons[4])  # lesson 6 against lesson 5: the 7x7 head goes
    assert [lesson["layers"][-1]["parameters"] for lesson in bars["lessons"]] == [14 * 10 * 7 * 7, 14 * 10]


def test_a_quoted_record_of_an_earlier_script_is_stale_unless_its_page_labels_it(tmp_path, monkeypatch):
    from docgen import quoted_experiments as quoted

    script = tmp_path / "lesson.py"
    script.write_text('"""Lesson."""\nLR = 0.05\n')
    run = tmp_path / "experiments" / "try" / "LR=0.1" / "seed1" / "metrics.json"
    run.parent.mkdir(parents=True)
    monkeypatch.setattr(quoted, "EXPERIMENTS", tmp_path / "experiments")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(quoted, "QUOTED", {"try": (("choosing.md",), "lesson.py --set LR=0.1 --seeds 1 --validation")})
    monkeypatch.setattr(quoted, "EARLIER", {})
    run.write_text(json.dumps({"experiment": {"source_sha256": quoted.source_digest(script)}}))
    assert quoted.stale_records() == []
    script.write_text('"""Lesson, the header edited."""\nLR = 0.05\n')  # the header is not the code
    assert quoted.stale_records() == []
    script.write_text('"""Lesson."""\nLR = 0.05\nEPOCHS = 2\n')
    stale = quoted.stale_records()
    assert len(stale) == 1 and "results/experiments/try/ ran an earlier lesson.py" in stale[0]
    monkeypatch.setattr(quoted, "EARLIER", {"try": "the lesson before EPOCHS"})
    assert quoted.stale_records() == []
    (run.parents[2] / "results.json").write_text(json.dumps({"command": "c", "script": "lesson", "evaluated_on": "v",
                                                               "rows": []}))
    (run.parents[2] / "table.md").write_text("| table |")
    assert quoted.block("try").startswith("*A record of an earlier version: the lesson before EPOCHS.*")


def test_every_verdict_counts_all_recorded_seeds_not_seed_1_alone(monkeypatch):
    """The README, the overview and the headers say 'met by N of M seeds' from seeds.json, even when seed 1 met it."""
    from docgen import headers as header_module
    from docgen import pages, tables
    from course.summary import goal_verdict

    final = pages.all_lessons()[-1]
    seeds = {"seeds": [{"seed": 1, "goal_met": True}, {"seed": 2, "goal_met": False}, {"seed": 3, "goal_met": True}]}
    monkeypatch.setattr(tables, "seeds_of", lambda script: seeds)
    monkeypatch.setattr(header_module, "seeds_of", lambda script: seeds)
    run = {"goal_met": True}
    assert tables.GOAL_MET[2](final, run) == "met by 2 of 3 seeds"
    assert any(line.endswith("): met by 2 of 3 seeds") for line in header_module.render(final.script))
    assert goal_verdict(None, True) == "met (one seed)" and goal_verdict(None, False) == "not met (one seed)"
    none_met = {"seeds": [{"seed": 1, "goal_met": False}, {"seed": 2, "goal_met": False}]}
    assert goal_verdict(none_met, False) == "met by none of 2 seeds"
