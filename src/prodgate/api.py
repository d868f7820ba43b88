"""The Python API: what the CLI calls, and what other tools embed.

>>> from prodgate.api import check
>>> result = check(["src/"])          # doctest: +SKIP
>>> result.passed, len(result.findings)  # doctest: +SKIP
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path

from prodgate.core.config import Config, load_config
from prodgate.core.discovery import SourceFile, discover
from prodgate.core.finding import Diagnostic, Finding, Severity
from prodgate.core.registry import REDIRECTS, default_registry
from prodgate.core.result import RunResult
from prodgate.core.rule import Rule
from prodgate.core.selection import select_rules
from prodgate.deps.environment import Environment, using
from prodgate.deps.online import annotate
from prodgate.static.cache import Cache, StoredRun
from prodgate.static.config_secrets import analyse_config_files, with_config_files
from prodgate.static.context import RuleSettings
from prodgate.static.engine import FileResult, Plan, analyse_file, analyse_many
from prodgate.static.index import ProjectIndex, top_level_roots
from prodgate.static.suppression import apply_suppressions

Progress = Callable[[int, int], None]

# Diagnostics that may not recur on the same input: a run that has them is not kept as a whole.
TRANSIENT_KINDS = frozenset({"unreadable", "internal-error"})


def target_version(config: Config) -> tuple[int, int]:
    """The Python version the analysed project runs on."""
    if config["target-version"]:
        major, minor = config["target-version"]
        return (major, minor)
    if config.requires_python:
        found = re.search(r">=?\s*3\.(\d+)", config.requires_python)
        if found:
            return (3, int(found.group(1)))
    return sys.version_info[:2]


def _rules(config: Config, select: Sequence[str] | None, ignore: Sequence[str] | None) -> list[type[Rule]]:
    chosen = list(select) if select else [*config["select"], *config["extend-select"]]
    ignored = [*config["ignore"], *(ignore or ())]
    disabled = [code for code, table in config.rules.items() if table.get("enabled") is False]
    return select_rules(default_registry(), chosen, ignored, preview=config["preview"], disabled=disabled)


def _settings(config: Config) -> dict[str, RuleSettings]:
    return {
        code: RuleSettings(table.get("severity"), {k: v for k, v in table.items() if k not in ("severity", "enabled")})
        for code, table in config.rules.items()
    }


def _confirm(results: list[FileResult], rules: list[type[Rule]]) -> ProjectIndex:
    index = ProjectIndex(r.summary for r in results if r.summary is not None)
    instances = {rule.meta.code: rule() for rule in rules}
    for result in results:
        for finding, query in result.pending:
            rule = instances.get(finding.rule)
            confirm = getattr(rule, "confirm", None)
            verdict = True if confirm is None else confirm(query, index)
            if verdict:  # a string verdict is the message, known only now (a library's own words)
                result.findings.append(replace(finding, message=verdict) if isinstance(verdict, str) else finding)
    return index


def _read(files: list[SourceFile], plan: Plan, cache: Cache | None) -> list[tuple[SourceFile, bytes | None, str | None]]:
    """Each file with its bytes and cache key (None for both when it is not cached, too large or unreadable)."""
    read: list[tuple[SourceFile, bytes | None, str | None]] = []
    for file in files:
        if cache is None:
            read.append((file, None, None))
            continue
        try:
            if plan.max_file_size and file.absolute.stat().st_size > plan.max_file_size:
                read.append((file, None, None))  # analyse_file reports it as too large
                continue
            data = file.absolute.read_bytes()
        except OSError:
            read.append((file, None, None))  # analyse_file reports why it cannot be read
            continue
        read.append((file, data, cache.key(file.relative, data)))
    return read


def _load(read: list[tuple[SourceFile, bytes | None, str | None]], plan: Plan, cache: Cache | None) -> tuple[list[FileResult], list[tuple[SourceFile, bytes | None]], dict[str, str]]:
    """Cached results, and the files still to analyse (with their bytes) and their cache keys."""
    done: list[FileResult] = []
    todo: list[tuple[SourceFile, bytes | None]] = []
    keys: dict[str, str] = {}
    for file, data, key in read:
        hit = None if cache is None or key is None else cache.get(key, plan.roots)
        if hit is not None:
            done.append(hit)
            continue
        if key is not None:
            keys[file.relative] = key
        todo.append((file, data))
    return done, todo, keys


def _run_key(read: list[tuple[SourceFile, bytes | None, str | None]], cache: Cache | None, environment: Environment,
             online: str | None) -> str | None:
    """The key of the whole run's result, when every input can be keyed (never with online answers)."""
    if cache is None or online or any(key is None for _, _, key in read):
        return None
    directories = {file.relative.rpartition("/")[0] for file, _, _ in read}
    return cache.run_key((key for _, _, key in read if key is not None), environment.fingerprint(directories))


def check_source(text: str, path: str = "snippet.py", config: Config | None = None,
                 *, select: Sequence[str] | None = None, python: str | None = None) -> tuple[list[Finding], list[Diagnostic]]:
    """Analyse one in-memory source text (an editor buffer) as if it were the file ``path``."""
    config = config or load_config(Path("."))
    rules = _rules(config, select, None)
    file = SourceFile(config.root / path, path)
    plan = Plan(tuple(r.meta.code for r in rules), _settings(config), target_version(config), 0,
                top_level_roots([(file.module, file.relative, file.is_package)]))
    result = analyse_file(file, text.encode("utf-8", "surrogatepass"), plan)
    with using(Environment(config.root, python, plan.target_version, config.root / config["cache-dir"])):
        _confirm([result], rules)
    findings, problems = apply_suppressions(path, result.findings, result.suppressions,
                                            set(default_registry().codes), set(plan.codes), REDIRECTS)
    return sorted(findings, key=Finding.sort_key), [*result.diagnostics, *problems]


def check(
    paths: Sequence[str | PathLike[str]],
    config: Config | None = None,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    fail_on: Severity | None = None,
    jobs: int | None = None,
    use_cache: bool | None = None,
    progress: Progress | None = None,
    python: str | None = None,
    online: str | None = None,
) -> RunResult:
    """Analyse ``paths`` statically and return every finding and diagnostic.

    ``python`` is the interpreter whose installed distributions the dependency rules judge
    imports and APIs against (default: the running one); ``online`` is a package index's JSON
    API base URL to ask about imports nothing provides (default: never ask).
    """
    started = time.perf_counter()
    targets = [Path(p) for p in paths] or [Path(".")]
    if config is None:
        config = load_config(targets[0])
    rules = _rules(config, select, ignore)
    plan = Plan(tuple(r.meta.code for r in rules), _settings(config), target_version(config), config["max-file-size"])
    environment = Environment(config.root, python, plan.target_version, config.root / config["cache-dir"])
    if python:
        environment.probe()
    found = discover(targets, config)
    plan = replace(plan, roots=top_level_roots((f.module, f.relative, f.is_package) for f in found))
    files = with_config_files(found, targets, config, plan)
    caching = config["cache"] if use_cache is None else use_cache
    cache = Cache(config.root / config["cache-dir"], f"{config.fingerprint()}|{plan.codes}|{plan.target_version}") if caching else None
    read = _read(files, plan, cache)
    run_key = _run_key(read, cache, environment, online)
    scope = repr(sorted(str(t.resolve()) for t in targets))
    stored = None if cache is None or run_key is None else cache.get_run(scope, run_key)
    if stored is None:
        stored = _analyse(read, plan, rules, cache, environment, progress, config["jobs"] if jobs is None else jobs)
        if cache is not None and run_key is not None and not any(d.kind in TRANSIENT_KINDS for d in stored.diagnostics):
            cache.put_run(scope, run_key, stored)
        cached_files = cache.hits if cache is not None else 0
    else:
        cached_files = len(files)
        if progress:
            progress(len(files), len(files))
    findings = annotate(stored.findings, online) if online else stored.findings
    return RunResult(
        command="check",
        root=str(config.root),
        findings=tuple(findings),
        diagnostics=tuple(stored.diagnostics),
        rules=tuple(r.meta for r in rules),
        files=len(files),
        lines=stored.lines,
        duration=time.perf_counter() - started,
        fail_on=fail_on or config["fail-on"],
        fail_on_unanalysed=config["fail-on-unanalysed"],
        cached_files=cached_files,
    )


def _analyse(read: list[tuple[SourceFile, bytes | None, str | None]], plan: Plan, rules: list[type[Rule]],
             cache: Cache | None, environment: Environment, progress: Progress | None, jobs: int) -> StoredRun:
    """Analyse what the per-file cache does not hold, then run the project phase and suppressions."""
    done, todo, keys = _load(read, plan, cache)
    total = len(read)
    if progress:
        progress(len(done), total)
    counter = [len(done)]

    def advance(count: int) -> None:
        counter[0] += count
        if progress:
            progress(counter[0], total)

    configured, todo = analyse_config_files(todo, plan, advance)
    fresh = [*configured, *analyse_many(todo, plan, jobs, advance)]
    if cache is not None:
        for result in fresh:
            key = keys.get(result.path)
            if key is not None and not any(d.unanalysed for d in result.diagnostics):
                cache.put(key, result)
    results = sorted([*done, *fresh], key=lambda r: r.path)
    with using(environment):
        _confirm(results, rules)
    findings: list[Finding] = []
    diagnostics: list[Diagnostic] = []
    known = set(default_registry().codes)
    ran = set(plan.codes)
    for result in results:
        kept, problems = apply_suppressions(result.path, result.findings, result.suppressions, known, ran, REDIRECTS)
        findings.extend(kept)
        diagnostics.extend(result.diagnostics)
        diagnostics.extend(problems)
    return StoredRun(sorted(findings, key=Finding.sort_key), sorted(diagnostics, key=lambda d: (d.path, d.line, d.kind)),
                     sum(r.lines for r in results))

