from __future__ import annotations

import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Option, Rule, RuleMeta
from prodgate.static.rules.secrets._detect import looks_like_credential, provider_secret

CONFIG_FILES = (".env", ".env.*", "*.env", "*.yaml", "*.yml", "*.json", "*.toml", "*.ini", "*.cfg")
# Values that name where the secret lives instead of holding it: ${VAR}, $VAR, {{ template }},
# %(interpolation)s, sops ENC[...], vault:/op:/ssm: references, secret manager ARNs.
REFERENCE = re.compile(
    r"^(\$\{?[A-Za-z_][A-Za-z0-9_]*.*|.*\$\{.*\}.*|.*\{\{.*\}\}.*|.*%\([^)]*\)s.*|ENC\[.*\]|"
    r"(vault|op|ssm|secretsmanager|awssm|gcpsm|azkv|env|file|k8s|sm|secret)://?.*|arn:aws[\w-]*:(secretsmanager|ssm|kms):.*)$",
    re.IGNORECASE,
)


def secret_kind(name: str, value: str, template: bool) -> str | None:
    """What kind of secret ``value`` (bound to the key ``name``) is, or None for placeholders,
    references and values that are not credentials. Template files only report provider keys."""
    value = value.strip()
    if not value or REFERENCE.match(value):
        return None
    kind = provider_secret(value)
    if kind is not None:
        return f"a {kind}"
    if not template and looks_like_credential(name, value):
        return f"the value of `{name}`"
    return None


class HardcodedSecretInConfig(Rule):
    """
    ## What it does
    Finds credentials written into configuration files of the scanned tree: `.env` files,
    YAML, JSON, TOML, INI and `.cfg`. It reports provider key formats (AWS, Stripe, GitHub,
    Slack, OpenAI, private keys, JWTs and the other detect-secrets patterns) in any value,
    credentials inside URLs (`postgres://app:<password>@db`), and high-entropy values of
    credential-like keys (`password`, `api_key`, `client_secret`, `token`...), with the same
    detection as PG730. Files are read as text and never loaded, rendered or run.

    Not reported: placeholders (`changeme`, `<your-key>`, `xxx`, empty values, anything
    with `example`), references to where the secret lives (`${STRIPE_KEY}`, `$TOKEN`,
    `{{ secrets.TOKEN }}`, `%(password)s`, sops `ENC[...]`, `vault://`, `op://`, secret
    manager ARNs), local default passwords in URLs, files under test directories, and
    files the scan leaves out (`.gitignore`, `exclude`), such as a git-ignored `.env`.
    Example files (`.env.example`, `*.sample`, `*.template`, `*.dist`) hold placeholders by
    convention, so in them only provider key formats are reported: a real key pasted there
    is still published. The same holds for translation catalogs (`locales/en.yaml`,
    `lang/de-DE.json`, `pt_BR.json`), where `"password": "Passwort"` is interface text. Lock files and files over 1 MB are data, not configuration, and are
    skipped. The value itself never appears in any report.

    ## Why is this bad
    Configuration files are committed, copied into images and attached to bug reports like
    source code is; a key in them is a key published. Assistants asked to "make it run"
    fill `.env` and `config.yaml` with the real key from the prompt.

    ## Example
    ```yaml
    stripe:
      api_key: sk_live_...
    ```

    ## Use instead
    ```yaml
    stripe:
      api_key: ${STRIPE_API_KEY}
    ```
    Keep the value in the deployment's environment or a secret manager, commit a
    `.env.example` with placeholders, and git-ignore the real `.env`.

    ## Options
    Set `files` under `[tool.prodgate.rules.PG731]` to choose which file names count as
    configuration; ignore PG731 to scan no configuration files at all.

    ## Known limitations
    Values spanning several lines (YAML block scalars, TOML multi-line strings, quoted `.env`
    values) are judged by their first line. Values made only of camelCase or PascalCase words
    without digits, or of a dotted import path, are read as names, so a passphrase written that
    way (`GoodNewsEveryone`) is missed. A YAML, JSON or TOML file that does not parse
    (a Helm template) is read line by line where it can be, and otherwise skipped. JSON has
    no comments, so its findings are suppressed through the configuration, not inline.

    ## References
    - https://github.com/Yelp/detect-secrets
    - https://12factor.net/config
    """

    meta = RuleMeta(
        code="PG731",
        name="hardcoded-secret-in-config",
        category="security.secrets",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.HARDCODED_CREDENTIALS,),
        message="{kind} is written into a configuration file, so everyone with the repository (or a leaked copy) holds the credential",
        tags=("secrets",),
        options=(Option("files", CONFIG_FILES, "File name globs scanned as configuration files."),),
    )

    flagged = (
        Example(
            """
            # Payments service settings
            export STRIPE_SECRET_KEY=sk_live_51HqLyjWDarjtT1zdp7dcXYZ  # error: PG731
            AWS_ACCESS_KEY_ID=AKIAIOSFODNN7QZ3HJ2K  # error: PG731
            DATABASE_URL=postgres://billing:Xk9mQ2vL7pR4wZ8t@db.internal:5432/billing  # error: PG731
            SESSION_SECRET="a8Fj2kQ9zLp4Wm7R"  # error: PG731
            DEBUG=false
            """,
            path=".env",
        ),
        Example(
            """
            database:
              host: db.internal
              password: "Xk9#mQ2$vL7pR4wZ"  # error: PG731
            github:
              token: ghp_16C7e42F292c6912E7710c838347Ae178B4a  # error: PG731
            """,
            path="config/settings.yaml",
        ),
        Example(
            """
            [tool.deploy]
            region = "eu-west-1"
            api_key = "q8Zr2Lk9Vb4Tn7Xw"  # error: PG731
            """,
            path="deploy.toml",
        ),
    )
    clean = (
        Example(
            """
            STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}
            API_KEY=changeme
            CLIENT_SECRET=<your-client-secret>
            TOKEN=
            DATABASE_URL=postgres://postgres:postgres@localhost:5432/app
            PASSWORD_FIELD=password
            """,
            path=".env",
        ),
        Example(
            """
            STRIPE_SECRET_KEY=sk_test_or_live_key_here
            SESSION_SECRET=q8Zr2Lk9Vb4Tn7Xw
            """,
            path=".env.example",
        ),
        Example(
            """
            database:
              password: "{{ vault_db_password }}"
              token: xxxxxxxxxxxxxxxx
            aws:
              secret: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db
            """,
            path="deploy/values.yaml",
        ),
    )
