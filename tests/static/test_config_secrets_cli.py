"""`prodgate check` on a service's tree: secrets in its configuration files are reported at their
exact place, never printed, cached with the run, and placeholders stay silent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.cli.main import main

STRIPE = "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"
AWS = "AKIAIOSFODNN7QZ3HJ2K"
DB_PASSWORD = "Xk9mQ2vL7pR4wZ8t"
GITHUB = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
SECRETS = (STRIPE, AWS, DB_PASSWORD, GITHUB)

PYPROJECT = f"""\
[project]
name = "billing"
requires-python = ">=3.11"
dependencies = ["stripe"]

[tool.billing.aws]
region = "eu-west-1"
access_key_id = "{AWS}"
"""
ENV = f"""\
# Billing service, production
STRIPE_SECRET_KEY={STRIPE}
STRIPE_WEBHOOK_SECRET=${{STRIPE_WEBHOOK_SECRET}}
DATABASE_URL=postgres://billing:{DB_PASSWORD}@db.internal:5432/billing
REDIS_URL=redis://localhost:6379/0
LOG_LEVEL=info
"""
ENV_EXAMPLE = """\
STRIPE_SECRET_KEY=sk_live_your_key_here
DATABASE_URL=postgres://billing:changeme@localhost:5432/billing
SESSION_SECRET=q8Zr2Lk9Vb4Tn7Xw
"""
CONFIG_YAML = f"""\
service:
  name: billing
  port: 8080
github:
  token: {GITHUB}
smtp:
  host: smtp.internal
  password: "{{{{ smtp_password }}}}"
sentry:
  dsn: ""
"""
SETTINGS_JSON = """\
{
  "features": {"refunds": true},
  "stripe": {"publishable_key": "pk_test_TYooMQauvdEDq54NiTphI7jx", "secret_key": "${STRIPE_SECRET_KEY}"},
  "admin": {"password": "changeme"}
}
"""
APP = """\
import os

import stripe

stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
"""


@pytest.fixture
def service(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": PYPROJECT,
        ".env": ENV,
        ".env.example": ENV_EXAMPLE,
        ".env.local": f"STRIPE_SECRET_KEY={STRIPE}\n",
        ".gitignore": ".env.local\n",
        "config/config.yaml": CONFIG_YAML,
        "config/settings.json": SETTINGS_JSON,
        "billing/__init__.py": "",
        "billing/app.py": APP,
        "tests/fixtures/.env": f"STRIPE_SECRET_KEY={STRIPE}\n",
        "frontend/node_modules/sdk/config.json": f'{{"secret_key": "{STRIPE}"}}\n',
        "frontend/package-lock.json": f'{{"integrity": "{STRIPE}"}}\n',
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def scan(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> dict:
    main(["check", str(root), "--select", "PG730,PG731", "--format", "json", "--exit-zero", *args])
    return json.loads(capsys.readouterr().out)


def located(report: dict) -> list[tuple[str, int, int, int, str]]:
    return [(f["path"], f["line"], f["column"], f["end_column"], f["rule"]) for f in report["findings"]]


def test_secrets_in_configuration_files_are_found_at_their_place(service: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    report = scan(capsys, service)
    assert located(report) == [
        (".env", 2, 19, 51, "PG731"),
        (".env", 4, 14, 74, "PG731"),
        ("config/config.yaml", 5, 10, 50, "PG731"),
        ("pyproject.toml", 8, 18, 38, "PG731"),
    ]
    messages = [f["message"] for f in report["findings"]]
    assert messages[0].startswith("a Stripe Access Key is written into a configuration file")
    assert messages[3].startswith("a AWS Access Key")
    # 6 configuration files (the git-ignored .env.local, test fixtures, node_modules and lock files are not read)
    assert report["summary"]["files"] == 2 + 6


def test_no_report_format_prints_the_secret(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("text", "json", "sarif", "markdown", "github"):
        main(["check", str(service), "--select", "PG731", "--format", fmt, "--exit-zero", "--no-cache"])
        out = capsys.readouterr().out
        assert ".env" in out
        assert not [secret for secret in SECRETS if secret in out], fmt


def test_a_changed_env_file_invalidates_the_cached_run(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (".env", 2, 19, 51, "PG731") in located(scan(capsys, service))
    warm = scan(capsys, service)
    assert warm["summary"]["cached_files"] == warm["summary"]["files"]
    (service / ".env").write_text(ENV.replace(STRIPE, "${STRIPE_SECRET_KEY}"))
    assert [f for f in located(scan(capsys, service)) if f[0] == ".env"] == [(".env", 4, 14, 74, "PG731")]
    (service / "config" / "settings.json").write_text(SETTINGS_JSON.replace('"changeme"', f'"{DB_PASSWORD}"'))
    assert ("config/settings.json", 4, 26, 42, "PG731") in located(scan(capsys, service))


def test_ignoring_the_rule_reads_no_configuration_file(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = scan(capsys, service, "--ignore", "PG731")
    assert located(report) == []
    assert report["summary"]["files"] == 2


def test_inline_suppression_and_failing_exit_code(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(service), "--select", "PG731", "--format", "json"]) == 1
    capsys.readouterr()
    (service / "config" / "config.yaml").write_text(CONFIG_YAML.replace(
        GITHUB, f"{GITHUB}  # prodgate: ignore[PG731] read-only token of the public mirror"))
    assert ("config/config.yaml", 5, 10, 50, "PG731") not in located(scan(capsys, service))
