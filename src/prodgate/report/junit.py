"""JUnit XML for CI test views: one test case per rule that ran, failing with one ``<failure>``
per finding, and one erroring test case per file that was not analysed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from prodgate.core.finding import Diagnostic, Finding
from prodgate.core.result import TOOL_NAME, RunResult
from prodgate.report.common import sorted_diagnostics, sorted_findings

# Characters XML 1.0 cannot carry, even escaped.
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _INVALID_XML.sub("?", text)


def _failure(finding: Finding) -> ET.Element:
    failure = ET.Element("failure", {
        "message": _xml_text(f"{finding.path}:{finding.line} {finding.message}"),
        "type": str(finding.severity),
    })
    details = [
        f"{finding.path}:{finding.line}:{finding.column}",
        f"category: {finding.category}, confidence: {finding.confidence}",
        f"cwe: {', '.join(f'CWE-{n}' for n in finding.cwe) or 'none'}",
        f"fingerprint: {finding.fingerprint}",
    ]
    failure.text = _xml_text("\n".join(details))
    return failure


def _rule_cases(result: RunResult) -> Iterator[ET.Element]:
    """One case per rule that ran (plus any rule a finding names without metadata), in code order."""
    by_rule: dict[str, list[Finding]] = {meta.code: [] for meta in result.rules}
    categories = {meta.code: meta.category for meta in result.rules}
    for finding in sorted_findings(result):
        by_rule.setdefault(finding.rule, []).append(finding)
        categories.setdefault(finding.rule, finding.category)
    for code in sorted(by_rule):
        meta = result.rule_meta(code)
        case = ET.Element("testcase", {
            "classname": f"{TOOL_NAME}.{categories[code]}",
            "name": f"{code} {meta.name}" if meta else code,
        })
        case.extend(_failure(f) for f in by_rule[code])
        yield case


def _unanalysed_case(diagnostic: Diagnostic) -> ET.Element:
    case = ET.Element("testcase", {"classname": f"{TOOL_NAME}.unanalysed", "name": diagnostic.path})
    error = ET.SubElement(case, "error", {"message": _xml_text(diagnostic.message), "type": diagnostic.kind})
    error.text = _xml_text(f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path)
    return case


def testsuite(result: RunResult) -> ET.Element:
    cases = [*_rule_cases(result), *(_unanalysed_case(d) for d in sorted_diagnostics(result) if d.unanalysed)]
    suite = ET.Element("testsuite", {
        "name": TOOL_NAME,
        "tests": str(len(cases)),
        "failures": str(sum(1 for c in cases if c.find("failure") is not None)),
        "errors": str(sum(1 for c in cases if c.find("error") is not None)),
        "skipped": "0",
        "time": f"{result.duration:.3f}",
    })
    suite.extend(cases)
    return suite


def render(result: RunResult) -> str:
    suite = testsuite(result)
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True).decode("utf-8") + "\n"
