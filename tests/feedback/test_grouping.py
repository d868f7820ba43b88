"""Grouping by fingerprint and mapping to code and failure classes, over the recorded incidents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from prodgate.core.config import load_config
from prodgate.feedback.incident import Frame, Incident, Skipped
from prodgate.feedback.ingest import ingest
from prodgate.feedback.project import Project
from prodgate.feedback.sources import read_text

from .conftest import PROD, SERVICE, expected, incident_files


def _by_source() -> dict[tuple[str, object], dict[str, object]]:
    return {(str(PROD / e["file"]), e["record"]): e for e in expected()}


def test_every_incident_lands_in_one_group_per_scenario_whatever_the_version_or_format() -> None:
    result = ingest(incident_files(), load_config(SERVICE), analyse=False)
    wanted = _by_source()
    assert result.incidents == len(wanted) >= 50 and not result.skipped
    scenarios_of_group = {g.fingerprint: {wanted[(s.file, s.record)]["scenario"] for s in g.sources} for g in result.groups}
    assert all(len(names) == 1 for names in scenarios_of_group.values())
    assert len(result.groups) == len({e["scenario"] for e in wanted.values()})


def test_every_group_is_mapped_to_its_category_file_and_function() -> None:
    result = ingest(incident_files(), load_config(SERVICE), analyse=False)
    wanted = _by_source()
    for group in result.groups:
        truth = wanted[(group.sources[0].file, group.sources[0].record)]
        assert group.spot is not None
        assert (group.category, group.spot.path, group.spot.function) == (truth["category"], truth["path"], truth["function"]), \
            truth["scenario"]


def test_counts_and_first_and_last_seen() -> None:
    result = ingest(incident_files(), load_config(SERVICE), analyse=False)
    counts = Counter(e["scenario"] for e in expected())
    wanted = _by_source()
    for group in result.groups:
        assert group.count == counts[str(wanted[(group.sources[0].file, group.sources[0].record)]["scenario"])]
        assert group.first_seen is not None and group.last_seen is not None and group.first_seen <= group.last_seen


def test_moved_lines_still_map_to_the_function_and_the_same_line_text(service: Path) -> None:
    reports = service / "shop" / "reports.py"
    reports.write_text('"""Reports."""\n\nimport math\n\nLIMIT = math.inf\n' + reports.read_text(encoding="utf-8"),
                       encoding="utf-8")
    project = Project(load_config(service))
    frame = Frame("/srv/shop-service/shop/reports.py", 18, "top_product", 'return ranked[0]["sku"]')
    spot = project.locate(project.resolve(frame) or "", frame)
    assert (spot.path, spot.function, spot.line) == ("shop/reports.py", "top_product", 23)


def test_library_frames_and_unknown_files_are_not_the_projects() -> None:
    project = Project(load_config(SERVICE))
    assert project.resolve(Frame("/opt/venv/lib/python3.11/site-packages/requests/api.py", 1, "get")) is None
    assert project.resolve(Frame("/usr/lib/python3.12/json/decoder.py", 1, "decode")) is None
    assert project.resolve(Frame("<frozen runpy>", 1, "_run_code")) is None
    assert project.resolve(Frame("/elsewhere/other/thing.py", 1, "f")) is None
    assert project.resolve(Frame("/deploy/release-42/shop/api.py", 1, "create_order")) == "shop/api.py"
    assert project.resolve(Frame("shop/api.py", 1, "create_order", in_app=False)) is None


def test_static_findings_at_the_frames_say_which_rule_caught_a_group(service: Path) -> None:
    result = ingest(incident_files(), load_config(service))
    caught = {g.spot.function: sorted({f.rule for f in result.coverage[g.fingerprint].caught})
              for g in result.groups if g.spot}
    assert caught["refund"] == ["PG801"]
    assert caught["fetch_stock"] == ["PG120"]
    assert caught["average_order_value"] == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_read_without_an_exception(text: str) -> None:
    for item in read_text(text, "fuzz.log"):
        assert isinstance(item, (Incident, Skipped))
