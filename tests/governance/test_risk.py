"""Risk tiers from path patterns and content signals, with the reasons that decided them."""

from __future__ import annotations

import pytest

from prodgate.core.config import ConfigError
from prodgate.governance.git import FileDiff, Hunk
from prodgate.governance.risk import KEYS, RiskModel


def _diff(path: str, *added: str, removed: tuple[str, ...] = ()) -> FileDiff:
    lines = tuple((index + 1, text) for index, text in enumerate(added))
    return FileDiff(path, "modified", hunks=(Hunk(1, len(removed), 1, len(added), lines, removed),))


@pytest.mark.parametrize(("line", "signal"), [
    ("if not check_password(user, raw):", "auth"),
    ("token = jwt.encode(claims, key)", "auth"),
    ("request.session['user_id'] = user.id", "auth"),
    ("digest = hmac.new(secret, body, hashlib.sha256)", "crypto"),
    ("stripe.Refund.create(charge=charge_id)", "payments"),
    ("customer.phone_number = form['phone']", "pii"),
    ("record['date_of_birth'] = dob", "pii"),
    ('cursor.execute("UPDATE users SET email = %s WHERE id = %s", args)', "sql-write"),
    ('db.execute("delete from orders where id = ?", (oid,))', "sql-write"),
    ("order.save()", "sql-write"),
    ("session.add(order)", "sql-write"),
    ("op.add_column('users', sa.Column('tier', sa.String()))", "migration"),
    ("kind: Deployment", "infrastructure"),
])
def test_content_signals(line: str, signal: str) -> None:
    risk = RiskModel().assess(_diff("app/module.py", "x = 1", line))
    assert any(f"({signal}: " in reason and "on line 2)" in reason for reason in risk.reasons), risk.reasons


@pytest.mark.parametrize("line", [
    "author = book.author",          # not auth
    "tokenizer = build_tokenizer()",  # not a token
    "addressable = True",             # not an address
    "update(values)",                 # a dict update is not a database write
    "chargeable_units = 3",           # not a charge
    "def render(): return template",
])
def test_ordinary_code_is_low(line: str) -> None:
    risk = RiskModel().assess(_diff("app/module.py", line))
    assert (risk.tier, risk.reasons) == ("low", ("no risk signal in the path or the changed lines",))


def test_paths_decide_first_and_low_paths_stop_content_signals() -> None:
    model = RiskModel()
    assert model.assess(_diff("src/shop/payments/stripe_client.py", "x = 1")).reasons == (
        "path matches high-risk pattern `payments/`",)
    assert model.assess(_diff("tests/test_login.py", "password = 'x'")).reasons == (
        "path matches low-risk pattern `tests/`",)
    infra = model.assess(_diff("deploy/Dockerfile", "RUN pip install ."))
    assert (infra.tier, infra.reasons) == ("medium", ("path matches medium-risk pattern `Dockerfile`",))
    workflow = model.assess(_diff(".github/workflows/ci.yml", "on: push"))
    assert workflow.tier == "medium"
    assert model.assess(_diff("db/migrations/0002_add_tier.py", "x = 1")).tier == "high"
    assert model.assess(_diff("infra/main.tf", 'resource "aws_s3_bucket" "b" {')).tier == "medium"


def test_removed_lines_count_and_hunks_get_their_own_tier() -> None:
    diff = FileDiff("app/views.py", "modified", hunks=(
        Hunk(3, 1, 3, 0, (), ("    require_login(request)",)),
        Hunk(20, 0, 19, 1, ((19, "    return render(page)"),), ()),
    ))
    risk = RiskModel().assess(diff)
    assert risk.tier == "high"
    assert [(h.tier, h.reasons) for h in risk.hunks] == [
        ("high", ("authentication, sessions or credentials (auth: `login` on a removed line)",)), ("low", ())]


def test_configuration_replaces_patterns_and_signals() -> None:
    model = RiskModel.from_config({"high-paths": ["core/"], "medium-paths": [], "low-paths": [], "signals": ["payments"]})
    assert model.assess(_diff("core/x.py", "y = 1")).tier == "high"
    assert model.assess(_diff("app/x.py", "password = 1")).tier == "low"
    assert model.assess(_diff("app/x.py", "refund(order)")).tier == "high"
    signals = next(k for k in KEYS if k.name == "signals")
    with pytest.raises(ConfigError, match="unknown signal 'money'"):
        signals.check("tool.prodgate.risk.signals", ["money"])


def test_a_renamed_file_keeps_the_risk_of_its_old_path() -> None:
    diff = FileDiff("app/charges.py", "renamed", old_path="billing/charges.py")
    assert RiskModel().assess(diff).reasons == ("path matches high-risk pattern `billing/`",)
