"""SARIF 2.1.0, shaped as GitHub code scanning reads it (rules with tags and security-severity,
relative locations under ``%SRCROOT%``, partial fingerprints, code flows and fixes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from prodgate.core import cwe
from prodgate.core.categories import CATEGORIES
from prodgate.core.finding import Confidence, Diagnostic, Finding, Fix, Location, Severity
from prodgate.core.result import TOOL_NAME, TOOL_URI, RunResult
from prodgate.core.rule import RuleMeta
from prodgate.report.common import diagnostic_level, level, sorted_diagnostics, sorted_findings

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "prodgate/v1"

# GitHub ranks security alerts by this score: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def help_uri(code: str) -> str:
    return f"{TOOL_URI}/blob/main/docs/rules/{code}.md"


def _is_security(category: str) -> bool:
    return category.startswith("security.")


def _camel_case(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _tags(meta: RuleMeta) -> list[str]:
    tags = [meta.category]
    if _is_security(meta.category):
        tags.append("security")
    tags += [f"external/cwe/cwe-{n}" for n in meta.cwe]
    tags += meta.tags
    return list(dict.fromkeys(tags))


def _full_description(meta: RuleMeta) -> str:
    text = f"{meta.category}: {CATEGORIES.get(meta.category, meta.category)}"
    if meta.cwe:
        text += " (" + ", ".join(cwe.label(n) for n in meta.cwe) + ")"
    return text


def _descriptor(meta: RuleMeta) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "tags": _tags(meta),
        "precision": _PRECISION[meta.confidence],
        "problem.severity": _PROBLEM_SEVERITY[level(meta.severity)],
    }
    if _is_security(meta.category):
        properties["security-severity"] = _SECURITY_SEVERITY[meta.severity]
    return {
        "id": meta.code,
        "name": _camel_case(meta.name),
        "shortDescription": {"text": meta.name.replace("-", " ").capitalize()},
        "fullDescription": {"text": _full_description(meta)},
        "helpUri": help_uri(meta.code),
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": properties,
    }


def _unknown_rule_descriptor(finding: Finding) -> dict[str, Any]:
    """A finding whose rule metadata the run did not carry still gets a descriptor to point at."""
    return {"id": finding.rule, "properties": {"tags": [finding.category]}}


def _descriptors(result: RunResult, findings: list[Finding]) -> list[dict[str, Any]]:
    descriptors = [_descriptor(meta) for meta in sorted(result.rules, key=lambda m: m.code)]
    known = {meta.code for meta in result.rules}
    for finding in findings:
        if finding.rule not in known:
            known.add(finding.rule)
            descriptors.append(_unknown_rule_descriptor(finding))
    return descriptors


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _region(location: Location) -> dict[str, int]:
    return {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line,
        "endColumn": location.end_column,
    }


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": _uri(location.path), "uriBaseId": SRCROOT},
        "region": _region(location),
    }


def _code_flow(finding: Finding) -> dict[str, Any]:
    steps = [
        {"location": {"physicalLocation": _physical(step.location), "message": {"text": step.message}}}
        for step in finding.flow
    ]
    return {"threadFlows": [{"locations": steps}]}


def _fix(fix: Fix) -> dict[str, Any] | None:
    if fix.location is None or fix.replacement is None:
        return None
    change = {
        "artifactLocation": {"uri": _uri(fix.location.path), "uriBaseId": SRCROOT},
        "replacements": [{"deletedRegion": _region(fix.location),
                          "insertedContent": {"text": fix.replacement}}],
    }
    return {"description": {"text": fix.title}, "artifactChanges": [change]}


def _result(finding: Finding, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "category": finding.category,
            "severity": str(finding.severity),
            "confidence": str(finding.confidence),
            **dict(sorted(finding.properties.items())),
        },
    }
    if finding.flow:
        entry["codeFlows"] = [_code_flow(finding)]
    fix = _fix(finding.fix) if finding.fix else None
    if fix:
        entry["fixes"] = [fix]
    return entry


def _notification(diagnostic: Diagnostic) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(diagnostic.path), "uriBaseId": SRCROOT}}
    if diagnostic.line > 0:
        physical["region"] = {"startLine": diagnostic.line, "startColumn": max(diagnostic.column, 1)}
    return {
        "level": diagnostic_level(diagnostic),
        "message": {"text": f"{diagnostic.path}: {diagnostic.message}"},
        "descriptor": {"id": diagnostic.kind},
        "locations": [{"physicalLocation": physical}],
    }


def _root_uri(root: str) -> str:
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_log(result: RunResult) -> dict[str, Any]:
    findings = sorted_findings(result)
    descriptors = _descriptors(result, findings)
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    run = {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "version": result.version,
            "semanticVersion": result.version,
            "informationUri": TOOL_URI,
            "rules": descriptors,
        }},
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [_notification(d) for d in sorted_diagnostics(result)],
        }],
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(result.root)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule]) for f in findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: RunResult) -> str:
    return json.dumps(sarif_log(result), indent=2)
