"""The format registry: built-ins always present, plugins through the ``prodgate.reporters`` group."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from prodgate import report
from prodgate.core.result import RunResult
from prodgate.report import json_report, sarif


def plugin_render(result: RunResult) -> str:
    return f"{len(result.findings)} findings"


PLUGIN = EntryPoint("count", f"{__name__}:plugin_render", report.ENTRY_POINT_GROUP)
HIJACK = EntryPoint("json", f"{__name__}:plugin_render", report.ENTRY_POINT_GROUP)


def test_builtins_are_registered(run_result: RunResult) -> None:
    assert set(report.BUILTIN_FORMATS) <= set(report.FORMATS)
    assert report.FORMATS["json"] is json_report.render
    assert report.FORMATS["sarif"] is sarif.render
    assert report.render(run_result, "json") == json_report.render(run_result)


def test_plugins_load_and_cannot_replace_builtins(monkeypatch: pytest.MonkeyPatch, run_result: RunResult) -> None:
    monkeypatch.setattr(report, "entry_points", lambda group: [HIJACK, PLUGIN] if group == report.ENTRY_POINT_GROUP else [])
    formats = report.load_formats()
    assert list(formats) == sorted(["count", *report.BUILTIN_FORMATS])
    assert formats["count"](run_result) == "6 findings"
    assert formats["json"] is json_report.render


def test_unknown_format_names_the_known_ones(run_result: RunResult) -> None:
    with pytest.raises(report.ReporterError) as info:
        report.render(run_result, "yaml")
    assert str(info.value).startswith("unknown report format 'yaml'; expected one of ")
    assert "sarif" in str(info.value)
