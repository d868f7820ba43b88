"""Configuration files: which are scanned, where each value is, and which values are secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodgate.core.config import load_config
from prodgate.core.discovery import SourceFile, discover
from prodgate.static.config_secrets import (
    analyse_config_file,
    entries,
    is_template,
    is_translation_catalog,
    with_config_files,
)
from prodgate.static.context import RuleSettings
from prodgate.static.engine import Plan
from prodgate.static.rules.secrets.hardcoded_secret_in_config import secret_kind

STRIPE = "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"
PLAN = Plan(("PG731",), {}, (3, 12), 5_000_000)


def spans(path: str, text: str) -> list[tuple[str, str, int, str]]:
    """(key, value, line, the text the columns point at) of every entry."""
    lines = text.splitlines()
    return [(e.name, e.value, e.line, lines[e.line - 1][e.column - 1:e.end_column - 1]) for e in entries(path, text)]


def test_env_values_with_export_quotes_and_comments() -> None:
    text = f"# payments\nexport STRIPE_KEY={STRIPE}  # live\nSECRET='a8F j2k'\nEMPTY=\nnot a line\n"
    assert spans(".env", text) == [("STRIPE_KEY", STRIPE, 2, STRIPE), ("SECRET", "a8F j2k", 3, "a8F j2k"),
                                   ("EMPTY", "", 4, "")]


def test_yaml_nested_keys_quoted_values_and_compose_environment_lists() -> None:
    text = ("services:\n  api:\n    environment:\n      - API_TOKEN=q8Zr2Lk9Vb4Tn7Xw\n"
            "    password: \"Xk9#mQ2$vL7pR4wZ\"  # note\n    port: 8080\n")
    assert spans("docker-compose.yml", text) == [("API_TOKEN", "q8Zr2Lk9Vb4Tn7Xw", 4, "q8Zr2Lk9Vb4Tn7Xw"),
                                                 ("password", "Xk9#mQ2$vL7pR4wZ", 5, "Xk9#mQ2$vL7pR4wZ")]


def test_yaml_aliases_are_read_once_and_templates_line_by_line() -> None:
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n"
    assert len(list(entries("bomb.yaml", bomb))) == 3
    helm = "apiKey: {{ .Values.key }}\n{{- if .Values.x }}\ntoken: q8Zr2Lk9Vb4Tn7Xw\n{{- end }}\n"
    assert spans("templates/secret.yaml", helm) == [("token", "q8Zr2Lk9Vb4Tn7Xw", 3, "q8Zr2Lk9Vb4Tn7Xw")]


def test_json_keys_of_nested_values_and_of_arrays() -> None:
    text = '{\n  "stripe": {"secret_key": "' + STRIPE + '", "keys": ["a", "b\\u0041"]},\n  "port": 1\n}\n'
    assert spans("settings.json", text) == [("secret_key", STRIPE, 2, STRIPE), ("keys", "a", 2, "a"),
                                            ("keys", "bA", 2, "b\\u0041")]


def test_toml_pairs_inline_tables_and_multiline_strings() -> None:
    text = ('[tool.deploy]\napi_key = "q8Zr2Lk9Vb4Tn7Xw"  # c\ndb = { password = \'Xk9mQ2vL7pR4wZ8t\' }\n'
            'notes = """\ntoken = "ignored-in-a-string"\n"""\n')
    assert spans("pyproject.toml", text) == [("api_key", "q8Zr2Lk9Vb4Tn7Xw", 2, "q8Zr2Lk9Vb4Tn7Xw"),
                                             ("password", "Xk9mQ2vL7pR4wZ8t", 3, "Xk9mQ2vL7pR4wZ8t")]


def test_ini_pairs_skip_sections_comments_and_continuations() -> None:
    text = "[db]\npassword = Xk9mQ2vL7pR4wZ8t ; prod\n; token = x\n  continued = y\nurl: sqlite://\n"
    assert spans("setup.cfg", text) == [("password", "Xk9mQ2vL7pR4wZ8t", 2, "Xk9mQ2vL7pR4wZ8t"),
                                        ("url", "sqlite://", 5, "sqlite://")]


@pytest.mark.parametrize("value", [
    "", "changeme", "xxxxxxxxxxxx", "<your-api-key>", "${STRIPE_KEY}", "$STRIPE_KEY", "${KEY:-default}",
    "{{ secrets.TOKEN }}", "%(password)s", "ENC[AES256_GCM,data:abc,iv:def]", "vault://secret/data/api#key",
    "op://prod/stripe/key", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api",
    "sk_live_EXAMPLE_not_a_real_key_000", "your-stripe-key-here", "postgres://postgres:postgres@db:5432/app",
])
def test_placeholders_and_references_are_not_secrets(value: str) -> None:
    assert secret_kind("STRIPE_SECRET_KEY", value, template=False) is None


def test_provider_keys_url_passwords_and_credential_names() -> None:
    assert secret_kind("anything", STRIPE, template=False) == "a Stripe Access Key"
    assert secret_kind("DATABASE_URL", "postgres://app:Xk9mQ2vL7pR4wZ8t@db/app", template=False) \
        == "a Basic Auth Credentials"
    assert secret_kind("client_secret", "a8Fj2kQ9zLp4Wm7R", template=False) == "the value of `client_secret`"
    assert secret_kind("region", "a8Fj2kQ9zLp4Wm7R", template=False) is None


def test_templates_report_only_provider_keys() -> None:
    assert [is_template(p) for p in (".env.example", "config/settings.sample.yaml", "app.toml.template",
                                     ".env", "config/production.yaml", "examples.json")] \
        == [True, True, True, False, False, False]
    assert secret_kind("client_secret", "a8Fj2kQ9zLp4Wm7R", template=True) is None
    assert secret_kind("STRIPE_KEY", STRIPE, template=True) == "a Stripe Access Key"


def test_translation_catalogs_report_only_provider_keys(tmp_path: Path) -> None:
    assert [is_translation_catalog(p) for p in ("frontend/lang/messages/de-DE.json", "locales/en.yaml", "pt_BR.json",
                                                "app/i18n/fr.toml", "config/dev.yaml", "api.json", ".env")] \
        == [True, True, True, True, False, False, False]
    catalog = ('{"user": {"password": "Wachtwoord", "api-token": "API-Token", "token-name": "Tokennaam"},\n'
               f' "leaked": "{STRIPE}"}}\n')
    result = analyse_config_file(SourceFile(tmp_path / "lang/nl-NL.json", "lang/nl-NL.json"), catalog.encode(), PLAN)
    assert [f.line for f in result.findings] == [2]
    settings = analyse_config_file(SourceFile(tmp_path / "config/app.json", "config/app.json"),
                                   b'{"password": "Wachtwoord7x!"}\n', PLAN)
    assert [f.line for f in settings.findings] == [1]


def test_discovery_honours_gitignore_excludes_locks_and_size(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.prodgate]\nextend-exclude = ['deploy/old/']\n")
    (tmp_path / ".gitignore").write_text(".env.local\n")
    for name in (".env", ".env.local", "app.py", "config/settings.yaml", "node_modules/pkg/package.json",
                 "package-lock.json", "poetry.lock", "deploy/old/values.yaml", "data/big.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "data" / "big.json").write_text("[" + "1," * 600_000 + "1]")
    config = load_config(tmp_path)
    found = with_config_files(discover([tmp_path], config), [tmp_path], config, PLAN)
    assert [f.relative for f in found] == [".env", "app.py", "config/settings.yaml", "pyproject.toml"]
    assert with_config_files([], [tmp_path], config, Plan(("PG730",), {}, (3, 12), 0)) == []
    only_env = Plan(("PG731",), {"PG731": RuleSettings(None, {"files": [".env*"]})}, (3, 12), 0)
    assert [f.relative for f in with_config_files([], [tmp_path], config, only_env)] == [".env"]


def test_findings_skip_test_directories_and_honour_inline_suppressions(tmp_path: Path) -> None:
    text = f"STRIPE_KEY={STRIPE}\nOTHER_KEY={STRIPE}  # prodgate: ignore[PG731] revoked key kept for the replay test\n"
    result = analyse_config_file(SourceFile(tmp_path / ".env", ".env"), text.encode(), PLAN)
    assert [(f.rule, f.line, f.column, f.end_column) for f in result.findings] == [("PG731", 1, 12, 44),
                                                                                  ("PG731", 2, 11, 43)]
    assert [s.line for s in result.suppressions] == [2]
    assert STRIPE not in result.findings[0].message
    fixture = analyse_config_file(SourceFile(tmp_path / "tests/data/.env", "tests/data/.env"), text.encode(), PLAN)
    assert fixture.findings == []
    assert analyse_config_file(SourceFile(tmp_path / "x.json", "x.json"), b"\xff\xfe\x00", PLAN).diagnostics == []
