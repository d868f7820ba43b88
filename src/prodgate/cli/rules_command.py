"""``prodgate rules`` lists the rules; ``prodgate explain CODE`` prints one rule's page."""

from __future__ import annotations

import argparse
import json

from prodgate.cli.output import emit
from prodgate.core.registry import REDIRECTS, default_registry
from prodgate.core.rule import Rule
from prodgate.core.rulepage import rule_page, rule_summary


def register(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser("rules", help="list the rules", description="List every rule with its metadata.")
    listing.add_argument("--format", "-f", choices=("text", "json"), default="text")
    listing.set_defaults(handler=list_rules)
    explain = commands.add_parser("explain", help="show a rule's documentation and examples",
                                  description="Print a rule's documentation, message, options and examples.")
    explain.add_argument("rule", metavar="CODE", help="rule code (PG101) or name (http-call-without-timeout)")
    explain.set_defaults(handler=explain_rule)


def _data(rule: type[Rule]) -> dict[str, object]:
    meta = rule.meta
    return {
        "code": meta.code, "name": meta.name, "category": meta.category, "severity": str(meta.severity),
        "confidence": str(meta.confidence), "cwe": list(meta.cwe), "status": meta.status.value,
        "since": meta.since, "fix": meta.fix.value, "tags": list(meta.tags), "stage": rule.stage,
        "summary": rule_summary(rule),
    }


def list_rules(args: argparse.Namespace) -> int:
    registry = default_registry()
    if args.format == "json":
        emit(json.dumps([_data(rule) for rule in registry], indent=2), None)
        return 0
    lines = [f"{r.meta.code}  {r.meta.name:<40} {r.meta.category:<30} {r.meta.severity!s:<8} {rule_summary(r)}"
             for r in registry]
    emit("\n".join(lines) + f"\n\n{len(lines)} rules; `prodgate explain CODE` for details", None)
    return 0


def explain_rule(args: argparse.Namespace) -> int:
    registry = default_registry()
    wanted = REDIRECTS.get(args.rule.upper(), args.rule)
    rule = registry.get(wanted)
    if rule is None:
        raise FileNotFoundError(f"no rule {args.rule!r}; `prodgate rules` lists them")
    emit(rule_page(rule), None)
    return 0
