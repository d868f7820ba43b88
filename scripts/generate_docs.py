"""Write docs/rules/*.md and docs/configuration.md from the code (the single source of truth).

    python scripts/generate_docs.py          # rewrite the pages
    python scripts/generate_docs.py --check  # exit 1 if a page is out of date (tests run this)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prodgate.core.config import TOP_LEVEL, Key, sections
from prodgate.core.registry import default_registry
from prodgate.core.rulepage import rule_page, rule_summary

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _default(key: Key) -> str:
    value = key.default
    if isinstance(value, tuple):
        value = list(value)
    if hasattr(value, "name") and not isinstance(value, (list, str)):
        value = str(value)
    return f"`{value!r}`" if value is not None else "(derived)"


def configuration_page() -> str:
    lines = [
        "# Configuration",
        "",
        "prodgate reads `[tool.prodgate]` from the nearest `pyproject.toml`, or a `prodgate.toml`",
        "(top-level keys, or the same `[tool.prodgate]` table). Unknown keys and bad values are",
        "rejected with the key's name and what was expected.",
        "",
        "| key | default | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{k.name}` | {_default(k)} | {k.description} |" for k in TOP_LEVEL]
    lines += [
        "",
        "## Per-rule settings",
        "",
        "`[tool.prodgate.rules.PG101]` takes `severity` (critical/high/medium/low/info), `enabled`",
        "(true/false) and the rule's own options, listed on its page.",
    ]
    for name, keys in sorted(sections().items()):
        lines += ["", f"## [tool.prodgate.{name}]", "", "| key | default | meaning |", "|---|---|---|"]
        lines += [f"| `{k.name}` | {_default(k)} | {k.description} |" for k in keys]
    return "\n".join(lines) + "\n"


def index_page() -> str:
    lines = ["# Rules", "", "| code | name | category | severity | what it finds |", "|---|---|---|---|---|"]
    for rule in default_registry():
        meta = rule.meta
        lines.append(f"| [{meta.code}]({meta.code}.md) | {meta.name} | `{meta.category}` | {meta.severity} | {rule_summary(rule)} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[Path, str]:
    wanted = {DOCS / "configuration.md": configuration_page(), DOCS / "rules" / "README.md": index_page()}
    for rule in default_registry():
        wanted[DOCS / "rules" / f"{rule.meta.code}.md"] = rule_page(rule)
    return wanted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wanted = pages()
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = [p for p in (DOCS / "rules").glob("PG*.md") if p not in wanted]
    if args.check:
        for path in [*stale, *extra]:
            print(f"out of date: {path.relative_to(DOCS.parent)}", file=sys.stderr)
        return 1 if stale or extra else 0
    for path in extra:
        path.unlink()
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[path], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
