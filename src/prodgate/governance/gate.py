"""``prodgate gate``: judge the changes of a branch, only on the lines it changed ("clean as you code").

The steps: the commit range (merge base with the default branch, or ``--base``, to HEAD); the changed
files and lines; who wrote each changed line (blame -> commit -> provenance); each file's risk tier;
static analysis of the whole project (the cache makes unchanged files cheap) keeping only findings on
changed lines; the recorded approvals, coverage and dynamic-check report; and the policy's verdict.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from prodgate import __version__
from prodgate.api import check
from prodgate.core.config import Config
from prodgate.core.finding import Finding, Severity
from prodgate.core.result import RunResult
from prodgate.governance import approvals as approval_sources
from prodgate.governance.baseline import BaselineError, filter_new, load_baseline
from prodgate.governance.coverage_data import CoverageError, LineCoverage, read_coverage
from prodgate.governance.git import Commit, FileDiff, Git
from prodgate.governance.policy import Evidence, Policy, Unmet
from prodgate.governance.provenance import (
    AuthoredRange,
    ProvenanceSettings,
    attribute_commit,
    attribute_file,
    attribute_lines,
    parse_authorship_note,
    strongest,
)
from prodgate.governance.records import Attribution, Change, GateRun
from prodgate.governance.risk import FileRisk, RiskModel

PYTHON_SUFFIXES = (".py", ".pyi")
LEDGER_MODULE = "prodgate.governance.ledger"


class GateError(Exception):
    """An input of the gate cannot be used (bad report file, bad coverage data); one-line reason."""


@dataclass(frozen=True)
class GateOptions:
    """What one gate run is asked to judge. ``weigh`` adjusts findings before the policy sees them
    (the CLI passes the incident weights of the feedback stage, which governance must not import)."""

    path: Path = Path(".")
    base: str | None = None
    branch: str | None = None
    coverage: Path | None = None
    approved_by: tuple[str, ...] = ()
    github_event: Path | None = None
    dynamic_report: Path | None = None
    jobs: int | None = None
    use_cache: bool | None = None
    weigh: Callable[[Sequence[Finding], Config], Sequence[Finding]] | None = None
    baseline: Path | None = None  # judge only findings not recorded in this baseline file


@dataclass(frozen=True)
class GateOutcome:
    """The run as the ledger stores it, plus what the reports show beyond it."""

    run: GateRun
    unmet: tuple[Unmet, ...]
    risks: Mapping[str, FileRisk]
    analysis: RunResult  # the static run, limited to findings on changed lines and diagnostics of changed files
    commits: int
    uncommitted: tuple[str, ...] = ()  # changed Python files whose working-tree text differs from HEAD

    @property
    def exit_code(self) -> int:
        return 1 if self.run.verdict == "fail" else 0


def _line_attributions(git: Git, head: str, diffs: Sequence[FileDiff], commits: Mapping[str, Attribution],
                       settings: ProvenanceSettings, branch: str) -> dict[str, dict[int, Attribution]]:
    blamed = {d.path: git.blame(head, d.path, d.added_lines) for d in diffs if d.added_lines and not d.binary}
    shas = {entry.sha for lines in blamed.values() for entry in lines}
    known = dict(commits)
    for commit in git.commits_by_id(shas - set(known)):
        known[commit.sha] = attribute_commit(commit, settings, branch)
    notes: dict[str, dict[str, list[AuthoredRange]]] = {
        sha: parse_authorship_note(text) for sha, text in git.notes(shas).items()}
    return {path: attribute_lines(lines, known, notes) for path, lines in blamed.items()}


def _provenance(git: Git, base: str, head: str, diff: FileDiff, lines: Mapping[int, Attribution] | None,
                commits: Mapping[str, Attribution]) -> tuple[Attribution, float]:
    if lines:
        return attribute_file(lines)
    touching = git.commits_touching(base, head, diff.path)
    if not touching and diff.old_path:
        touching = git.commits_touching(base, head, diff.old_path)
    found = strongest(commits[sha] for sha in touching if sha in commits)
    return found, 1.0 if found.is_ai else 0.0


def _analyse(config: Config, top: Path, python: Mapping[str, tuple[int, ...]],
             options: GateOptions) -> tuple[RunResult, dict[str, str]]:
    """Static findings on changed lines (paths relative to the repository top), and unanalysed changed files."""
    if not python:
        return RunResult("gate", str(config.root), (), (), (), 0, 0, 0.0, config["fail-on"]), {}
    result = check([config.root], config, jobs=options.jobs, use_cache=options.use_cache)

    try:
        prefix = config.root.resolve().relative_to(top.resolve()).as_posix() + "/"
    except ValueError:  # the project is not inside the repository
        prefix = ""

    def top_relative(path: str) -> str:
        return path if prefix == "./" else prefix + path

    kept: list[Finding] = []
    for finding in result.findings:
        path = top_relative(finding.path)
        if path in python and finding.line in python[path]:
            kept.append(dataclasses.replace(finding, path=path))
    unanalysed = {top_relative(d.path): f"{d.kind}: {d.message}" for d in result.unanalysed
                  if top_relative(d.path) in python}
    limited = dataclasses.replace(result, command="gate", findings=tuple(kept),
                                  diagnostics=tuple(d for d in result.diagnostics if top_relative(d.path) in python))
    return limited, unanalysed


def read_dynamic_report(path: Path) -> tuple[Severity, ...] | None:
    """The severities of a prodgate JSON report's findings; None when the file does not exist."""
    if not path.exists():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        return tuple(Severity.parse(str(f["severity"])) for f in report["findings"])
    except OSError as exc:
        raise GateError(f"{path}: cannot read the dynamic report: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        raise GateError(f"{path}: not a prodgate JSON report ({type(exc).__name__}: {exc})") from None


def _coverage(options: GateOptions, config: Config, top: Path) -> LineCoverage | None:
    configured = config.section("policy").get("coverage-file") or ""
    source = options.coverage or (config.root / configured if configured else None)
    return read_coverage(source, top) if source is not None else None


def _config_hash(config: Config) -> str:
    return hashlib.sha256(config.fingerprint().encode()).hexdigest()[:16]


def _repository(git: Git) -> str:
    return os.environ.get("GITHUB_REPOSITORY") or git.top.name


def run_gate(config: Config, options: GateOptions) -> GateOutcome:
    """Judge the changes from the merge base to the checked-out HEAD against the configured policy.

    Analysis reads the working tree, so it must hold HEAD; changed files edited since are listed in
    ``uncommitted``.
    """
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    git = Git(options.path if options.path.is_dir() else options.path.parent)
    head = git.resolve("HEAD")
    base = git.merge_base(options.base or git.default_branch(), head)
    branch = options.branch or os.environ.get("GITHUB_HEAD_REF") or git.current_branch()
    settings = ProvenanceSettings.from_config(config.section("provenance"))
    history: list[Commit] = git.commits(base, head)
    commits = {c.sha: attribute_commit(c, settings, branch) for c in history}
    diffs = git.diff(base, head)
    lines = _line_attributions(git, head, diffs, commits, settings, branch)
    model = RiskModel.from_config(config.section("risk"))
    risks = {d.path: model.assess(d) for d in diffs}
    changes = []
    for diff in diffs:
        provenance, share = _provenance(git, base, head, diff, lines.get(diff.path), commits)
        risk = risks[diff.path]
        changes.append(Change(diff.path, risk.tier, risk.reasons, provenance, diff.added_lines, round(share, 4)))
    python = {d.path: d.added_lines for d in diffs
              if d.path.endswith(PYTHON_SUFFIXES) and d.status != "deleted" and not d.binary}
    analysis, unanalysed = _analyse(config, git.top, python, options)
    try:
        approvals = approval_sources.collect(history, settings, options.approved_by, options.github_event)
        coverage = _coverage(options, config, git.top)
    except (approval_sources.ApprovalError, CoverageError) as exc:
        raise GateError(str(exc)) from None
    dynamic = read_dynamic_report(options.dynamic_report) if options.dynamic_report else None
    findings = tuple(options.weigh(analysis.findings, config)) if options.weigh else analysis.findings
    if options.baseline is not None:
        try:
            findings = filter_new(findings, load_baseline(options.baseline))
        except BaselineError as exc:
            raise GateError(str(exc)) from None
    evidence = Evidence(changes, findings, approvals, coverage, dynamic,
                        str(options.dynamic_report or ""), unanalysed)
    verdict, unmet = Policy.from_config(config.section("policy")).evaluate(evidence)
    run = GateRun(
        base=base, head=head, version=__version__, config_hash=_config_hash(config), verdict=verdict,
        unmet=tuple(str(u) for u in unmet), changes=tuple(changes), findings=tuple(findings),
        approvals=approvals, started_at=started_at, duration=time.perf_counter() - started,
        repository=_repository(git), properties={"branch": branch, "commits": str(len(history))},
    )
    return GateOutcome(run, tuple(unmet), risks, analysis, len(history), tuple(git.uncommitted(list(python))))


def record_in_ledger(run: GateRun, config: Config) -> bool:
    """Store ``run`` in the audit ledger: the integration point with ``prodgate.governance.ledger``.

    The ledger module offers ``record(run: GateRun, config: Config)`` and raises its ``LedgerError``
    (turned into ``GateError``) when the database cannot be written; without the module the run is
    not stored and this returns False.
    """
    try:
        ledger = importlib.import_module(LEDGER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != LEDGER_MODULE:
            raise
        return False
    try:
        ledger.record(run, config)
    except ledger.LedgerError as exc:
        raise GateError(f"the gate run was not recorded in the ledger: {exc}") from None
    return True
