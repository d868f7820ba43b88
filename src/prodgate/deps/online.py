"""``--online``: what the package index says about names that nothing provides (PG820 findings).

Off by default and never needed for the offline result: it only adds properties to findings.
For each missing module it asks the index's JSON API (``<base>/<name>/json``, PyPI's shape)
whether a distribution of that name exists, how many releases it has and when the first one was
uploaded. A name that is absent can be registered by anyone; a name registered recently or with
very few releases is a typical slopsquatting look-alike.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from prodgate.core.finding import Finding, Properties

DEFAULT_INDEX = "https://pypi.org/pypi"
TIMEOUT = 5.0
YOUNG_DAYS = 90
FEW_RELEASES = 2
HALLUCINATED_IMPORT = "PG820"


@dataclass(frozen=True, slots=True)
class IndexEntry:
    name: str
    exists: bool
    releases: int = 0
    first_release: datetime | None = None

    def properties(self, now: datetime) -> dict[str, str]:
        if not self.exists:
            return {"index": "absent", "index_name": self.name}
        found = {"index": "registered", "index_name": self.name, "index_releases": str(self.releases)}
        if self.first_release is not None:
            age = (now - self.first_release).days
            found |= {"index_first_release": self.first_release.date().isoformat(), "index_age_days": str(age)}
            if age < YOUNG_DAYS or self.releases <= FEW_RELEASES:
                found["index_lookalike"] = "true"
        return found


def _first_upload(releases: dict[str, list[dict[str, object]]]) -> datetime | None:
    times = [str(file["upload_time_iso_8601"]) for files in releases.values() for file in files
             if isinstance(file, dict) and file.get("upload_time_iso_8601")]
    if not times:
        return None
    return min(datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times)


def lookup(name: str, base_url: str = DEFAULT_INDEX, timeout: float = TIMEOUT) -> IndexEntry:
    """The index's record of distribution ``name``; raises ``OSError`` when the index cannot be asked."""
    url = f"{base_url.rstrip('/')}/{urllib.parse.quote(name)}/json"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return IndexEntry(name, exists=False)
        raise OSError(f"{url}: HTTP {exc.code}") from None
    except ValueError as exc:
        raise OSError(f"{url}: not JSON ({exc})") from None
    releases = data.get("releases") or {}
    return IndexEntry(name, True, sum(1 for files in releases.values() if files), _first_upload(releases))


def distribution_name(module: str) -> str:
    return module.replace("_", "-").lower()


def annotate(findings: Iterable[Finding], base_url: str = DEFAULT_INDEX, now: datetime | None = None) -> list[Finding]:
    """PG820 findings with what the index says about their module's name (one request per name)."""
    now = now or datetime.now(timezone.utc)
    answers: dict[str, dict[str, str]] = {}
    annotated = []
    for finding in findings:
        module = finding.properties.get("module") if finding.rule == HALLUCINATED_IMPORT else None
        if module is None:
            annotated.append(finding)
            continue
        if module not in answers:
            try:
                answers[module] = lookup(distribution_name(module), base_url).properties(now)
            except OSError as exc:
                answers[module] = {"index": "unreachable", "index_error": str(exc)[:200]}
        properties = Properties({**finding.properties, **answers[module]})
        annotated.append(dataclasses.replace(finding, properties=properties))
    return annotated
