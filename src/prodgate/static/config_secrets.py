"""Configuration files in the scan (.env, YAML, JSON, TOML, INI) and the secrets in them (PG731).

Files are found with the scan's own discovery (include globs swapped for configuration file
names, the same excludes and .gitignore files), read as text and split into (key, value,
position) entries by small readers per format. Nothing is loaded into objects, rendered or
run: YAML is only composed into nodes, JSON and TOML are tokenised, .env and INI are read
line by line. Findings go through the engine's reporting, so they are fingerprinted,
cached and suppressed like any other.
"""

from __future__ import annotations

import ast
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import yaml

from prodgate.core.config import Config
from prodgate.core.discovery import SourceFile, discover
from prodgate.static.context import FileContext
from prodgate.static.engine import FileResult, Plan
from prodgate.static.rules.secrets.hardcoded_secret_in_config import (
    HardcodedSecretInConfig,
    secret_kind,
)
from prodgate.static.suppression import find_suppressions

RULE = HardcodedSecretInConfig
CODE = RULE.meta.code
# Data, not configuration: lock files and anything this large.
LOCK_FILES = ("*.lock", "*-lock.json", "*-lock.yaml", "*.lock.json", "npm-shrinkwrap.json")
MAX_SIZE = 1_000_000
# Files that hold placeholders by convention: only provider key formats are reported in them.
TEMPLATE_MARKERS = ("example", "sample", "template", "dist", "tmpl", "default", "defaults")
# Translation catalogs: one language's interface text per file (``lang/de-DE.json``, ``locales/en.yaml``).
CATALOG_DIRECTORIES = frozenset({"locale", "locales", "i18n", "l10n", "lang", "langs", "languages", "translations"})
LOCALE_WITH_REGION = re.compile(r"^[a-z]{2,3}[-_][A-Z]{2}$")
YAML_STRING = "tag:yaml.org,2002:str"
ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*)$")
INI_LINE = re.compile(r"^(?P<name>[^\s=:#;\[][^=:]*?)\s*[=:]\s*(?P<value>.*)$")
TOML_PAIR = re.compile(
    r"(?P<name>[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')\s*=\s*"
    r"(?:\"(?P<basic>(?:[^\"\\\n]|\\.)*)\"|'(?P<literal>[^'\n]*)')"
)
JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]|//[^\n]*|/\*.*?\*/', re.DOTALL)
YAML_LINE = re.compile(r"^\s*(?:-\s+)?(?P<name>[A-Za-z_][\w.-]*)\s*:\s+(?P<value>[^\s{\[|>&*!].*)$")
ASSIGNMENT_ITEM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


@dataclass(frozen=True, slots=True)
class Entry:
    """A string value in a configuration file, the key it is bound to, and where it is
    (1-based line, 1-based character columns, end exclusive)."""

    name: str
    value: str
    line: int
    column: int
    end_column: int


def _matches(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in patterns)


def _patterns(plan: Plan) -> tuple[str, ...]:
    settings = plan.settings.get(CODE)
    files = settings.options.get("files") if settings else None
    return tuple(files) if files else RULE.meta.options[0].default


def is_config_file(file: SourceFile, plan: Plan) -> bool:
    name = file.relative.rsplit("/", 1)[-1]
    return _matches(name, _patterns(plan)) and not _matches(name, LOCK_FILES)


def with_config_files(found: list[SourceFile], targets: Sequence[Path], config: Config, plan: Plan) -> list[SourceFile]:
    """``found`` plus the configuration files under ``targets`` when PG731 runs, sorted."""
    if CODE not in plan.codes:
        return found
    seen = {file.relative for file in found}
    extra = []
    for file in discover(targets, config.with_overrides(include=_patterns(plan))):
        if file.relative in seen or not is_config_file(file, plan):
            continue
        try:
            if file.absolute.stat().st_size > MAX_SIZE:
                continue
        except OSError:
            continue
        extra.append(file)
    return sorted([*found, *extra], key=lambda f: f.relative)


def analyse_config_files(items: list[tuple[SourceFile, bytes | None]], plan: Plan,
                         progress: Callable[[int], None] | None = None,
                         ) -> tuple[list[FileResult], list[tuple[SourceFile, bytes | None]]]:
    """Results for the configuration files among ``items``, and the other items, left to the engine."""
    results = []
    rest = []
    for file, data in items:
        if is_config_file(file, plan):
            results.append(analyse_config_file(file, data, plan))
        else:
            rest.append((file, data))
    if progress and results:
        progress(len(results))
    return results, rest


def analyse_config_file(file: SourceFile, data: bytes | None, plan: Plan) -> FileResult:
    """PG731's findings in one configuration file. A file that cannot be read or decoded has
    none and no diagnostic: configuration is not code the run must be able to analyse."""
    result = FileResult(file.relative)
    if CODE not in plan.codes:
        return result
    try:
        if data is None:
            if file.absolute.stat().st_size > MAX_SIZE:
                return result
            data = file.absolute.read_bytes()
        if b"\x00" in data[:8192]:
            return result
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return result
    result.lines = text.count("\n") + 1
    result.suppressions = find_suppressions(text)
    ctx = FileContext(file.relative, file.module, False, text, ast.Module(body=[], type_ignores=[]),
                      plan.settings, plan.target_version)
    if ctx.is_test_file:
        return result
    ctx.rule = RULE()
    template = is_template(file.relative) or is_translation_catalog(file.relative)
    for entry in entries(file.relative, text):
        kind = secret_kind(entry.name, entry.value, template)
        if kind is not None:
            ctx.report_span(entry.line, entry.column, entry.line, entry.end_column, kind=kind)
    result.findings = ctx.findings
    return result


def is_template(path: str) -> bool:
    """``.env.example``, ``settings.sample.yaml``, ``config.yaml.template``: placeholders by convention."""
    parts = path.rsplit("/", 1)[-1].lower().lstrip(".").split(".")
    return any(part in TEMPLATE_MARKERS for part in parts[1:])


def is_translation_catalog(path: str) -> bool:
    """``lang/messages/de-DE.json``, ``locales/en.yaml``, ``pt_BR.json``: the value of ``"password"``
    there is the word a user interface shows, not a password."""
    *directories, name = path.split("/")
    return (LOCALE_WITH_REGION.match(name.split(".", 1)[0]) is not None
            or any(directory.lower() in CATALOG_DIRECTORIES for directory in directories))


def entries(path: str, text: str) -> Iterator[Entry]:
    """Every string value of the configuration file ``path`` with its key and position."""
    name = path.rsplit("/", 1)[-1].lower()
    suffix = name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else ""
    if suffix in ("yaml", "yml"):
        yield from _yaml_entries(text)
    elif suffix == "json":
        yield from _json_entries(text)
    elif suffix == "toml":
        yield from _toml_entries(text)
    elif suffix in ("ini", "cfg"):
        yield from _ini_entries(text)
    else:
        yield from _env_entries(text)


def _code_part(line: str, comments: str = "#") -> str:
    """``line`` up to a comment that starts outside quotes (after whitespace, or at the start)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in comments and (index == 0 or line[index - 1] in " \t"):
            return line[:index].rstrip()
    return line.rstrip()


def _unquoted(value: str, start: int) -> tuple[str, int, int]:
    """A value without its surrounding quotes, and its 0-based start and end on the line."""
    if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
        return value[1:-1], start + 1, start + len(value) - 1
    return value, start, start + len(value)


def _env_entries(text: str) -> Iterator[Entry]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = ENV_LINE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        raw = _code_part(match["value"])
        value, start, end = _unquoted(raw, match.start("value"))
        yield Entry(match["name"], value, number, start + 1, end + 1)


def _ini_entries(text: str) -> Iterator[Entry]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t#;[":
            continue  # continuation lines, comments and section headers
        match = INI_LINE.match(line)
        if match is None:
            continue
        value, start, end = _unquoted(_code_part(match["value"], "#;"), match.start("value"))
        yield Entry(match["name"].strip(), value, number, start + 1, end + 1)


def _toml_entries(text: str) -> Iterator[Entry]:
    in_multiline = ""
    for number, line in enumerate(text.splitlines(), start=1):
        for delimiter in ('"""', "'''"):
            if line.count(delimiter) % 2:
                in_multiline = "" if in_multiline == delimiter else in_multiline or delimiter
        if in_multiline:
            continue
        code = _code_part(line)
        for match in TOML_PAIR.finditer(code):
            key = match["name"].strip("\"'")
            if match["basic"] is not None:
                value, group = _toml_basic(match["basic"]), "basic"
            else:
                value, group = match["literal"], "literal"
            yield Entry(key, value, number, match.start(group) + 1, match.end(group) + 1)


def _toml_basic(body: str) -> str:
    try:
        decoded = json.loads(f'"{body}"')
    except ValueError:
        return body
    return decoded if isinstance(decoded, str) else body


class _Lines:
    """Offsets in a text to 1-based (line, column)."""

    def __init__(self, text: str):
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _json_entries(text: str) -> Iterator[Entry]:
    lines = _Lines(text)
    tokens = [m for m in JSON_TOKEN.finditer(text) if not m.group().startswith("/")]
    names = [""]  # the key each open container is the value of
    key = ""
    for index, token in enumerate(tokens):
        value = token.group()
        if value in "{[":
            names.append(key or names[-1])
            key = ""
        elif value in "}]":
            if len(names) > 1:
                names.pop()
            key = ""
        elif value == ",":
            key = ""
        elif value.startswith('"'):
            if index + 1 < len(tokens) and tokens[index + 1].group() == ":":
                key = _json_string(value)
                continue
            line, column = lines.position(token.start() + 1)
            _, end = lines.position(token.end() - 1)
            yield from _named(key or names[-1], _json_string(value), line, column, end)
            key = ""


def _json_string(token: str) -> str:
    try:
        decoded = json.loads(token)
    except ValueError:
        return token[1:-1]
    return decoded if isinstance(decoded, str) else token[1:-1]


def _named(name: str, value: str, line: int, column: int, end: int) -> Iterator[Entry]:
    """An entry; a ``NAME=value`` item in a list (docker-compose ``environment``) is named by NAME."""
    item = ASSIGNMENT_ITEM.match(value)
    if item is not None:
        offset = item.start("value")
        yield Entry(item["name"], item["value"], line, column + offset, end)
    else:
        yield Entry(name, value, line, column, end)


def _yaml_entries(text: str) -> Iterator[Entry]:
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader))
    except yaml.YAMLError:
        yield from _env_like_yaml(text)  # a template (Helm) or a fragment: its plain `key: value` lines
        return
    seen: set[int] = set()
    for document in documents:
        if document is not None:
            yield from _yaml_node(document, "", seen)


def _yaml_node(node: yaml.Node, name: str, seen: set[int]) -> Iterator[Entry]:
    if id(node) in seen:  # aliases point at nodes already read; also stops alias bombs
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            key_name = key.value if isinstance(key, yaml.ScalarNode) else name
            yield from _yaml_node(value, str(key_name), seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _yaml_node(item, name, seen)
    elif isinstance(node, yaml.ScalarNode) and node.tag == YAML_STRING:
        first = str(node.value).split("\n", 1)[0]
        quoted = 1 if node.style in ("'", '"') else 0
        line = node.start_mark.line + 1
        column = node.start_mark.column + 1 + quoted
        if node.style in ("|", ">"):  # a block scalar (a certificate, a script): reported at its indicator
            yield Entry(name, first, line, column, column + 1)
            return
        end = node.end_mark.column + 1 - quoted if node.end_mark.line == node.start_mark.line else column + len(first)
        yield from _named(name, first, line, column, end)


def _env_like_yaml(text: str) -> Iterator[Entry]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = YAML_LINE.match(line)
        if match is None:
            continue
        value, start, end = _unquoted(_code_part(match["value"]), match.start("value"))
        yield Entry(match["name"], value, number, start + 1, end + 1)
