"""Result cache keyed by content hash, prodgate version and configuration.

Two levels: each file's result (findings, pending project-phase questions, summary), and each
run's final findings, keyed by every file's key plus the environment's fingerprint, so that an
unchanged tree skips the project phase too.

Entries are JSON, never pickle: the cache directory lives inside the scanned tree, and a crafted
cache file must not be able to run code. Writes are atomic (temp file + rename), so concurrent
runs and interrupted runs never leave a torn entry; a damaged entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from prodgate import __version__
from prodgate.core.finding import (
    Applicability,
    Confidence,
    Diagnostic,
    Finding,
    Fix,
    FlowStep,
    Location,
    Properties,
    Severity,
)
from prodgate.static.engine import FileResult
from prodgate.static.summary import ClassSummary, FunctionSummary, ModuleSummary, ValueFacts
from prodgate.static.suppression import Suppression

FORMAT = 3


# The converters to JSON-able data are spelled out field by field: dataclasses.asdict deep-copies
# every value and cost the serial end of a cold run seconds on a large tree (100k+ pending findings).
def finding_to_data(finding: Finding) -> dict[str, Any]:
    fix = finding.fix
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": int(finding.severity),
        "confidence": int(finding.confidence),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "cwe": finding.cwe,
        "fingerprint": finding.fingerprint,
        "fix": None if fix is None else {
            "title": fix.title,
            "applicability": fix.applicability.value,
            "location": None if fix.location is None else fix.location.as_data(),
            "replacement": fix.replacement,
        },
        "flow": [{"location": step.location.as_data(), "message": step.message} for step in finding.flow],
        "properties": dict(finding.properties),
    }


def finding_from_data(data: dict[str, Any]) -> Finding:
    fix = data["fix"]
    return Finding(
        **{**data,
           "severity": Severity(data["severity"]),
           "confidence": Confidence(data["confidence"]),
           "cwe": tuple(data["cwe"]),
           "fix": None if fix is None else Fix(fix["title"], Applicability(fix["applicability"]),
                                               None if fix["location"] is None else Location.from_data(fix["location"]),
                                               fix["replacement"]),
           "flow": tuple(FlowStep(Location.from_data(s["location"]), s["message"]) for s in data["flow"]),
           "properties": Properties(data["properties"])},
    )


def _summary_from_data(data: dict[str, Any]) -> ModuleSummary:
    def facts(d: dict[str, Any]) -> ValueFacts:
        return ValueFacts(d["constructor"], tuple(d["keywords"]), list(d["configured"]))

    return ModuleSummary(
        module=data["module"], path=data["path"], is_package=data["is_package"], imports=data["imports"],
        functions={k: FunctionSummary(v["qualname"], v["line"], tuple(v["params"]), tuple(v["decorators"]),
                                      v["is_async"], set(v["calls"]), [facts(r) for r in v["returns"]])
                   for k, v in data["functions"].items()},
        classes={k: ClassSummary(v["qualname"], v["line"], tuple(v["bases"]), list(v["methods"]))
                 for k, v in data["classes"].items()},
        values={k: facts(v) for k, v in data["values"].items()},
        facts=data["facts"],
    )


def _facts_to_data(facts: ValueFacts) -> dict[str, Any]:
    return {"constructor": facts.constructor, "keywords": facts.keywords, "configured": facts.configured}


def _summary_to_data(summary: ModuleSummary) -> dict[str, Any]:
    return {
        "module": summary.module,
        "path": summary.path,
        "is_package": summary.is_package,
        "imports": summary.imports,
        "functions": {k: {"qualname": f.qualname, "line": f.line, "params": f.params, "decorators": f.decorators,
                          "is_async": f.is_async, "calls": sorted(f.calls),
                          "returns": [_facts_to_data(r) for r in f.returns]}
                      for k, f in summary.functions.items()},
        "classes": {k: {"qualname": c.qualname, "line": c.line, "bases": c.bases, "methods": c.methods}
                    for k, c in summary.classes.items()},
        "values": {k: _facts_to_data(v) for k, v in summary.values.items()},
        "facts": summary.facts,
    }


def _encode_default(value: object) -> object:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot cache {type(value).__name__}")


def result_to_json(result: FileResult) -> str:
    return json.dumps({
        "format": FORMAT,
        "path": result.path,
        "lines": result.lines,
        "findings": [finding_to_data(f) for f in result.findings],
        "pending": [[finding_to_data(f), list(q)] for f, q in result.pending],
        "diagnostics": [asdict(d) for d in result.diagnostics],
        "suppressions": [asdict(s) for s in result.suppressions],
        "summary": None if result.summary is None else _summary_to_data(result.summary),
        "project_roots": sorted(result.project_roots),
    }, default=_encode_default, separators=(",", ":"))


def result_from_json(text: str) -> FileResult:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("cache format changed")
    return FileResult(
        path=data["path"],
        lines=data["lines"],
        findings=[finding_from_data(f) for f in data["findings"]],
        pending=[(finding_from_data(f), tuple(q)) for f, q in data["pending"]],
        diagnostics=[Diagnostic(**d) for d in data["diagnostics"]],
        suppressions=[Suppression(s["line"], s["column"], tuple(s["codes"]), s["reason"]) for s in data["suppressions"]],
        summary=None if data["summary"] is None else _summary_from_data(data["summary"]),
        project_roots=frozenset(data["project_roots"]),
    )


@dataclass(frozen=True)
class StoredRun:
    """The final result of an earlier run over the same inputs."""

    findings: list[Finding]
    diagnostics: list[Diagnostic]
    lines: int


class Cache:
    def __init__(self, directory: Path, salt: str):
        self.directory = directory / f"v{FORMAT}"
        # The interpreter's minor version changes what ast produces, so it salts the key too.
        self.salt = f"{__version__}|{sys.version_info[:2]}|{salt}".encode()
        self.hits = 0

    def key(self, relative: str, data: bytes) -> str:
        digest = hashlib.blake2b(self.salt, digest_size=20)
        digest.update(relative.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def run_key(self, file_keys: Iterable[str], environment: str) -> str:
        digest = hashlib.blake2b(self.salt, digest_size=20)
        digest.update(environment.encode())
        for key in file_keys:
            digest.update(key.encode())
        return digest.hexdigest()

    def _run_path(self, scope: str) -> Path:
        # One entry per scanned scope (targets and settings): a new run over it replaces the last.
        name = hashlib.blake2b(self.salt + scope.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return self.directory / "runs" / f"{name}.json"

    def get_run(self, scope: str, key: str) -> StoredRun | None:
        try:
            data = json.loads(self._run_path(scope).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("key") != key:
                return None
            return StoredRun([finding_from_data(f) for f in data["findings"]],
                             [Diagnostic(**d) for d in data["diagnostics"]], data["lines"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_run(self, scope: str, key: str, run: StoredRun) -> None:
        self._write(self._run_path(scope), json.dumps({
            "format": FORMAT,
            "key": key,
            "lines": run.lines,
            "findings": [finding_to_data(f) for f in run.findings],
            "diagnostics": [asdict(d) for d in run.diagnostics],
        }, separators=(",", ":")))

    def get(self, key: str, roots: frozenset[str]) -> FileResult | None:
        """The stored result of the file with ``key``, unless it relied on a project root that
        ``roots`` (the project's now) no longer holds: imports of a deleted module count again."""
        try:
            result = result_from_json(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not result.project_roots <= roots:
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: FileResult) -> None:
        self._write(self._path(key), result_to_json(result))

    def _write(self, target: Path, text: str) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._mark(self.directory.parent)
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, target)
        except OSError:
            return  # a read-only tree still gets analysed, just not cached

    @staticmethod
    def _mark(root: Path) -> None:
        ignore = root / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by prodgate\n*\n", encoding="utf-8")
            (root / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n", encoding="utf-8")
