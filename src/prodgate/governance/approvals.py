"""Human approvals of a change: ``Reviewed-by:`` trailers, names passed by CI, and GitHub reviews.

A GitHub event file is either the ``pull_request_review`` payload (``review.state`` "approved"),
a payload or object with a ``reviews`` list, or the list itself as the REST API returns it
(``GET /repos/{owner}/{repo}/pulls/{n}/reviews``). Each reviewer's latest decisive review counts,
so an approval followed by "changes requested" is no approval. Reviews by bots and trailers naming
an assistant's e-mail are not human approvals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from prodgate.governance.git import Commit
from prodgate.governance.provenance import KNOWN_EMAILS, ProvenanceSettings, email_of
from prodgate.governance.trailers import parse_trailers

_DECISIVE = {"approved", "changes_requested", "dismissed"}


class ApprovalError(Exception):
    """The GitHub event file cannot be used; the message names the file and the problem."""


def from_trailers(commits: Iterable[Commit], settings: ProvenanceSettings) -> list[str]:
    """``Reviewed-by:`` values of the commits whose e-mail is not an assistant's."""
    found = []
    for commit in commits:
        for key, value in parse_trailers(commit.message):
            email = email_of(value)
            if key.lower() == "reviewed-by" and value and email not in KNOWN_EMAILS and email not in settings.ai_identities:
                found.append(f"{value} (Reviewed-by trailer)")
    return found


def _reviews(payload: Any) -> list[Mapping[str, Any]]:
    if isinstance(payload, list):
        return [r for r in payload if isinstance(r, Mapping)]
    if isinstance(payload, Mapping):
        if isinstance(payload.get("review"), Mapping):
            return [payload["review"]]
        for holder in (payload, payload.get("pull_request")):
            if isinstance(holder, Mapping) and isinstance(holder.get("reviews"), list):
                return [r for r in holder["reviews"] if isinstance(r, Mapping)]
        return []
    raise ApprovalError("expected a JSON object or list of reviews")


def from_github_event(path: Path) -> list[str]:
    """Reviewers whose latest decisive review of the pull request is an approval."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ApprovalError(f"{path}: cannot read the GitHub event: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApprovalError(f"{path}: the GitHub event is not valid JSON: {exc}") from None
    try:
        reviews = _reviews(payload)
    except ApprovalError as exc:
        raise ApprovalError(f"{path}: {exc}") from None
    latest: dict[str, str] = {}
    for review in reviews:
        user = review.get("user")
        if not isinstance(user, Mapping):
            continue
        login = str(user.get("login") or "")
        state = str(review.get("state") or "").lower()
        if not login or state not in _DECISIVE or user.get("type") == "Bot" or login.endswith("[bot]"):
            continue
        latest[login] = state
    return [f"{login} (GitHub review)" for login, state in latest.items() if state == "approved"]


def collect(commits: Iterable[Commit], settings: ProvenanceSettings, approved_by: Iterable[str] = (),
            github_event: Path | None = None) -> tuple[str, ...]:
    """Every recorded human approval, in the order: CI-passed names, GitHub reviews, trailers."""
    found = [f"{name} (--approved-by)" for name in approved_by if name.strip()]
    if github_event is not None:
        found += from_github_event(github_event)
    found += from_trailers(commits, settings)
    return tuple(dict.fromkeys(found))
