"""Risk tiers of changed files and hunks: low, medium or high, each with the reasons that decided it.

A file's tier comes first from its path: the first of ``high-paths``, ``medium-paths`` and
``low-paths`` (gitignore-style patterns) that matches decides, and a ``low-paths`` match (tests,
documentation) also stops the content signals. Otherwise each hunk is read for content signals in
its added and removed lines (auth, crypto, payments, personal data, SQL writes, migrations,
infrastructure), and the file takes the highest tier of its path and its hunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pathspec

from prodgate.core.config import CHECKS, ConfigError, Key
from prodgate.governance.git import FileDiff, Hunk

TIERS = ("low", "medium", "high")

DEFAULT_HIGH_PATHS = (
    "auth/", "auth.py", "authentication/", "security/", "crypto/", "payments/", "payment/", "payments.py",
    "billing/", "billing.py", "migrations/", "alembic/", "*.sql",
)
DEFAULT_MEDIUM_PATHS = (
    "Dockerfile", "Dockerfile.*", "*.dockerfile", "docker-compose*.yml", "docker-compose*.yaml", "*.tf", "*.tfvars",
    ".github/workflows/", "k8s/", "kubernetes/", "helm/", "charts/", "deploy/", "Procfile", "settings.py",
)
DEFAULT_LOW_PATHS = ("tests/", "test_*.py", "*_test.py", "docs/", "*.md", "*.rst", "*.txt", "LICENSE*")


def _word(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    tier: str
    pattern: re.Pattern[str]
    meaning: str


SIGNALS: tuple[Signal, ...] = (
    Signal("auth", "high", _word(
        r"auth|authn|authz|authenticat\w*|authori[sz]\w*|log_?in|log_?out|sign_?in|sessions?|passwords?|passwd|"
        r"jwt|oauth2?|openid|csrf|api_?keys?|access_?tokens?|refresh_?tokens?|bearer|permissions?"),
        "authentication, sessions or credentials"),
    Signal("crypto", "high", _word(
        r"crypto\w*|cipher\w*|encrypt\w*|decrypt\w*|hashlib|hmac|bcrypt|argon2|pbkdf2\w*|rsa|aes|"
        r"private_?key|signing_?key|ssl|tls|certificates?"), "cryptography or key material"),
    Signal("payments", "high", _word(
        r"payments?|billing|invoices?|charges?|refunds?|stripe|paypal|braintree|adyen|payouts?|card_?number|iban"),
        "payments or billing"),
    Signal("pii", "high", _word(
        r"e_?mails?|ssn|social_security\w*|date_of_birth|dob|birth_?date|phone(?:_?number)?|addresses|address|"
        r"street|post_?code|zip_?code|passport\w*|national_id|tax_id"), "personal data"),
    Signal("sql-write", "high", re.compile(
        r"\b(?:INSERT\s+INTO|UPDATE\s+[\w.\"`]+\s+SET|DELETE\s+FROM|ALTER\s+TABLE|DROP\s+TABLE|TRUNCATE\s+TABLE|MERGE\s+INTO)\b"
        r"|\.(?:save|delete|bulk_create|bulk_update|commit|executemany)\(|\bsession\.(?:add|merge|add_all)\(",
        re.IGNORECASE), "a database write"),
    Signal("migration", "high", re.compile(
        r"\bop\.(?:add|drop|alter)_column\b|\bop\.(?:create|drop)_table\b|\bmigrations\.(?:AddField|RemoveField|"
        r"AlterField|RunSQL|RunPython|DeleteModel|CreateModel)\b"), "a schema migration"),
    Signal("infrastructure", "medium", re.compile(
        r"^\s*kind:\s*(?:Deployment|StatefulSet|DaemonSet|Service|Ingress|ConfigMap|Secret|CronJob|Job|Pod|"
        r"ClusterRole\w*|Role\w*|HorizontalPodAutoscaler)\b|^\s*(?:resource|provider|module)\s+\"|^\s*FROM\s+\S+",
        re.IGNORECASE), "infrastructure or deployment"),
)
SIGNAL_NAMES = tuple(s.name for s in SIGNALS)


def _signals(key: str, value: Any) -> tuple[str, ...]:
    names = CHECKS["strings"](key, value)
    unknown = [n for n in names if n not in SIGNAL_NAMES]
    if unknown:
        raise ConfigError(f"{key}: unknown signal {unknown[0]!r}; expected some of: {', '.join(SIGNAL_NAMES)}")
    return tuple(names)


KEYS: tuple[Key, ...] = (
    Key("high-paths", CHECKS["strings"], DEFAULT_HIGH_PATHS, "Gitignore-style patterns of paths that are high risk."),
    Key("medium-paths", CHECKS["strings"], DEFAULT_MEDIUM_PATHS, "Patterns of paths that are at least medium risk."),
    Key("low-paths", CHECKS["strings"], DEFAULT_LOW_PATHS,
        "Patterns of paths that stay low risk whatever their content (tests, docs); high and medium paths win."),
    Key("signals", _signals, SIGNAL_NAMES, f"Content signals read in changed lines: {', '.join(SIGNAL_NAMES)}."),
)


def rank(tier: str) -> int:
    return TIERS.index(tier)


def highest(tiers: Iterable[str]) -> str:
    return max(tiers, key=rank, default="low")


@dataclass(frozen=True, slots=True)
class HunkRisk:
    start: int  # first line on the new side (for a pure deletion: the line after which it was removed)
    end: int
    tier: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FileRisk:
    path: str
    tier: str
    reasons: tuple[str, ...]
    hunks: tuple[HunkRisk, ...] = ()


class RiskModel:
    """Tiers changed files from configured path patterns and the content signals of their hunks."""

    def __init__(self, high: Sequence[str] = DEFAULT_HIGH_PATHS, medium: Sequence[str] = DEFAULT_MEDIUM_PATHS,
                 low: Sequence[str] = DEFAULT_LOW_PATHS, signals: Sequence[str] = SIGNAL_NAMES):
        self._paths = [(tier, pattern, pathspec.GitIgnoreSpec.from_lines([pattern]))
                       for tier, patterns in (("high", high), ("medium", medium), ("low", low)) for pattern in patterns]
        self._signals = tuple(s for s in SIGNALS if s.name in signals)

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> RiskModel:
        return cls(section.get("high-paths", DEFAULT_HIGH_PATHS), section.get("medium-paths", DEFAULT_MEDIUM_PATHS),
                   section.get("low-paths", DEFAULT_LOW_PATHS), section.get("signals", SIGNAL_NAMES))

    def path_tier(self, path: str) -> tuple[str, str] | None:
        """The tier the first matching pattern gives ``path``, and the reason; None when none matches."""
        for tier, pattern, spec in self._paths:
            if spec.match_file(path):
                return tier, f"path matches {tier}-risk pattern `{pattern}`"
        return None

    def hunk(self, hunk: Hunk) -> HunkRisk:
        reasons: dict[str, str] = {}
        tiers = ["low"]
        texts = [*hunk.added, *((0, text) for text in hunk.removed)]
        for signal in self._signals:
            for number, text in texts:
                match = signal.pattern.search(text)
                if match:
                    where = f"line {number}" if number else "a removed line"
                    reasons[signal.name] = f"{signal.meaning} ({signal.name}: `{match.group(0).strip()}` on {where})"
                    tiers.append(signal.tier)
                    break
        end = hunk.new_start + max(hunk.new_count, 1) - 1
        return HunkRisk(hunk.new_start, end, highest(tiers), tuple(reasons.values()))

    def assess(self, diff: FileDiff) -> FileRisk:
        matched = self.path_tier(diff.path) or (self.path_tier(diff.old_path) if diff.old_path else None)
        if matched and matched[0] == "low":
            return FileRisk(diff.path, "low", (matched[1],))
        hunks = tuple(self.hunk(h) for h in diff.hunks)
        reasons: list[str] = [matched[1]] if matched else []
        for hunk in hunks:
            reasons.extend(r for r in hunk.reasons if r not in reasons)
        tier = highest([matched[0] if matched else "low", *(h.tier for h in hunks)])
        if not reasons:
            reasons.append("no risk signal in the path or the changed lines")
        return FileRisk(diff.path, tier, tuple(reasons), hunks)
