"""SARIF: valid against the official 2.1.0 schema and shaped as GitHub code scanning reads it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from prodgate.core.finding import Confidence, Finding, Severity
from prodgate.core.result import RunResult
from prodgate.report import sarif


@pytest.fixture
def log(run_result: RunResult) -> dict[str, Any]:
    return json.loads(sarif.render(run_result))


@pytest.fixture
def run(log: dict[str, Any]) -> dict[str, Any]:
    (only,) = log["runs"]
    return only


def test_valid_against_official_schema(log: dict[str, Any], sarif_schema_path: Path) -> None:
    schema = json.loads(sarif_schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_schema_rejects_a_broken_log(log: dict[str, Any], sarif_schema_path: Path) -> None:
    schema = json.loads(sarif_schema_path.read_text(encoding="utf-8"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not jsonschema.Draft7Validator(schema).is_valid(log)


def test_header_and_driver(log: dict[str, Any], run: dict[str, Any]) -> None:
    assert (log["$schema"], log["version"]) == (sarif.SCHEMA_URI, "2.1.0")
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["semanticVersion"], driver["informationUri"]) == (
        "prodgate", "0.1.0", "https://github.com/prodgate/prodgate")
    assert [r["id"] for r in driver["rules"]] == ["PG101", "PG210", "PG302", "PG420", "PG601", "PG720", "PG850"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/app/"}}


def test_rule_descriptor(run: dict[str, Any]) -> None:
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["PG601"] == {
        "id": "PG601",
        "name": "TaintedSqlQuery",
        "shortDescription": {"text": "Tainted sql query"},
        "fullDescription": {"text": "security.injection.sql: untrusted data reaches a SQL string (CWE-89)"},
        "helpUri": "https://github.com/prodgate/prodgate/blob/main/docs/rules/PG601.md",
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["security.injection.sql", "security", "external/cwe/cwe-89", "taint"],
            "precision": "medium",
            "problem.severity": "error",
            "security-severity": "8.0",
        },
    }
    assert rules["PG720"]["properties"]["security-severity"] == "9.5"
    assert rules["PG210"]["defaultConfiguration"] == {"level": "note"}
    assert rules["PG210"]["properties"]["problem.severity"] == "recommendation"


def test_security_severity_only_on_security_rules(run: dict[str, Any]) -> None:
    with_score = [r["id"] for r in run["tool"]["driver"]["rules"] if "security-severity" in r["properties"]]
    assert with_score == ["PG601", "PG720"]


def test_results_point_at_their_rules(run: dict[str, Any]) -> None:
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("PG302", "warning"), ("PG601", "error"), ("PG720", "error"),
        ("PG101", "error"), ("PG850", "note"), ("PG210", "note"),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_locations_are_relative_with_fingerprints(run: dict[str, Any], run_result: RunResult) -> None:
    result = run["results"][3]
    assert result["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "svc/payments.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 6, "startColumn": 12, "endLine": 6, "endColumn": 44},
    }}]
    assert result["partialFingerprints"] == {"prodgate/v1": run_result.findings[1].fingerprint}
    assert result["message"] == {"text": run_result.findings[1].message}


def test_code_flow_only_with_a_flow(run: dict[str, Any]) -> None:
    assert [r["ruleId"] for r in run["results"] if "codeFlows" in r] == ["PG601"]
    (flow,) = run["results"][1]["codeFlows"]
    (thread,) = flow["threadFlows"]
    steps = [(s["location"]["physicalLocation"]["artifactLocation"]["uri"],
              s["location"]["physicalLocation"]["region"]["startLine"],
              s["location"]["message"]["text"]) for s in thread["locations"]]
    assert steps == [
        ("svc/api.py", 10, "request data enters as `user_id`"),
        ("svc/db.py", 20, "`user_id` is formatted into `query`"),
        ("svc/db.py", 24, "`query` is executed"),
    ]


def test_fixes_only_with_a_replacement(run: dict[str, Any]) -> None:
    assert [r["ruleId"] for r in run["results"] if "fixes" in r] == ["PG101"]
    assert run["results"][3]["fixes"] == [{
        "description": {"text": "Add `timeout=`"},
        "artifactChanges": [{
            "artifactLocation": {"uri": "svc/payments.py", "uriBaseId": "%SRCROOT%"},
            "replacements": [{
                "deletedRegion": {"startLine": 6, "startColumn": 12, "endLine": 6, "endColumn": 44},
                "insertedContent": {"text": "requests.post(URL, json=payload, timeout=10)"},
            }],
        }],
    }]


def test_diagnostics_become_notifications(run: dict[str, Any]) -> None:
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [(n["descriptor"]["id"], n["level"]) for n in notes] == [
        ("binary", "error"), ("too-large", "error"), ("decode-error", "error"), ("syntax-error", "error"),
        ("unreadable", "error"), ("suppression-without-reason", "warning"), ("unused-suppression", "warning"),
        ("unknown-rule-in-suppression", "warning"), ("internal-error", "error"),
    ]
    assert notes[3] == {
        "level": "error",
        "message": {"text": "svc/broken.py: invalid syntax (line 3, column 5)"},
        "descriptor": {"id": "syntax-error"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "svc/broken.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 3, "startColumn": 5},
        }}],
    }
    assert "region" not in notes[0]["locations"][0]["physicalLocation"]


def test_unknown_rule_and_odd_paths(make_result: Callable[..., RunResult]) -> None:
    odd = Finding("PG999", "dynamic.crash", Severity.HIGH, Confidence.LOW, "my app/módulo.py", 1, 1, 1, 2,
                  "`parse('')` raises IndexError", (), "f" * 32)
    log = json.loads(sarif.render(make_result(root="/srv/my app", findings=(odd,), diagnostics=())))
    (run,) = log["runs"]
    assert run["tool"]["driver"]["rules"][-1] == {"id": "PG999", "properties": {"tags": ["dynamic.crash"]}}
    assert run["results"][0]["ruleIndex"] == len(run["tool"]["driver"]["rules"]) - 1
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20app/m%C3%B3dulo.py"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///srv/my%20app/"
