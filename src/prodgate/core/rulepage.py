"""A rule's documentation page (Markdown), generated from its module: used by ``explain`` and docs/."""

from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.rule import STATIC_STAGE, Rule


def rule_summary(rule: type[Rule]) -> str:
    """The first sentence of the rule's *What it does* section."""
    text = " ".join(rule.sections().get("What it does", "").split())
    return text.split(". ")[0].rstrip(".")


def _example_block(source: str) -> str:
    return f"```python\n{source.rstrip()}\n```"


def rule_page(rule: type[Rule]) -> str:
    meta = rule.meta
    lines = [
        f"# {meta.code} {meta.name}",
        "",
        f"- category: `{meta.category}`",
        f"- severity: {meta.severity}, confidence: {meta.confidence}",
        f"- CWE: {', '.join(cwe.label(c) for c in meta.cwe) or 'none'}",
        f"- status: {meta.status.value} since {meta.since}; fix: {meta.fix.value}",
        f"- message: {meta.message}",
    ]
    if rule.stage != STATIC_STAGE:
        lines.append(f"- reported by: `prodgate {rule.stage}` (proven by running the code, not by `prodgate check`)")
    lines += ["", rule.documentation()]
    if meta.options:
        lines += ["", "## Options", ""]
        lines += [f"- `{o.name}` (default `{o.default!r}`): {o.description}" for o in meta.options]
    flagged, clean = rule.examples()
    if flagged:
        lines += ["", "## Flagged examples", ""]
        lines += [_example_block(e.source) + "\n" for e in flagged]
    if clean:
        lines += ["", "## Clean examples", ""]
        lines += [_example_block(e.source) + "\n" for e in clean]
    return "\n".join(lines).rstrip() + "\n"
