"""PG719 reads the application's package as a whole: where the evidence is named, whose routes count."""

from __future__ import annotations

from pathlib import Path

from prodgate.api import check
from prodgate.core.config import load_config
from prodgate.core.finding import Finding

APP = """\
from flask import Flask

def create_app():
    app = Flask(__name__)
    from . import auth, orders
    app.register_blueprint(auth.bp)
    app.register_blueprint(orders.bp)
    return app
"""
AUTH = """\
from flask import Blueprint, redirect, request, session

bp = Blueprint("auth", __name__)

@bp.route("/register", methods=("GET", "POST"))
def register():
    create_user(request.form["username"], request.form["password"])
    return redirect("/login")

@bp.route("/login", methods=("GET", "POST"))
def login():
    session["user_id"] = check(request.form["username"], request.form["password"])
    return redirect("/")
"""
ORDERS = """\
from flask import Blueprint, request
from .auth import login_required

bp = Blueprint("orders", __name__)

@bp.route("/orders/<int:id>/cancel", methods=("POST",))
@login_required
def cancel(id):
    cancel_order(id, request.form["reason"])
    return ""
"""


def _findings(tmp_path: Path, files: dict[str, str]) -> tuple[Finding, ...]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\nrequires-python = '>=3.10'\n")
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return check([tmp_path], load_config(tmp_path), select=["PG719"], use_cache=False, jobs=1).findings


def test_names_the_login_and_a_protected_route_across_blueprints(tmp_path: Path) -> None:
    found = _findings(tmp_path, {"shop/__init__.py": APP, "shop/auth.py": AUTH, "shop/orders.py": ORDERS})
    assert [(f.path, f.line) for f in found] == [("shop/__init__.py", 4)]
    message = found[0].message
    assert "(shop/auth.py:12)" in message  # the session write of the login
    assert "(`/orders/<int:id>/cancel` in shop/orders.py:8)" in message  # behind @login_required, before /register


def test_a_samesite_setting_anywhere_in_the_project_defends_the_app(tmp_path: Path) -> None:
    config = "class ProductionConfig:\n    SESSION_COOKIE_SAMESITE = 'Lax'\n"
    files = {"shop/__init__.py": APP, "shop/auth.py": AUTH, "shop/orders.py": ORDERS, "config.py": config}
    assert not _findings(tmp_path, files)


def test_routes_belong_to_the_app_of_the_nearest_package(tmp_path: Path) -> None:
    api = "from flask import Flask\n\napi = Flask(__name__)\n\nfrom . import views\n"
    views = ORDERS.replace("from .auth import login_required\n", "from shop.auth import login_required\n")
    files = {
        "shop/__init__.py": APP.replace(", orders", "").replace("    app.register_blueprint(orders.bp)\n", ""),
        "shop/auth.py": AUTH.replace('request.form["username"], request.form["password"]', "request.get_json()"),
        "shop/api/__init__.py": api,
        "shop/api/views.py": views,
    }
    # shop logs users in but takes no form post; shop.api takes a form post but logs nobody in.
    assert not _findings(tmp_path, files)


def test_one_finding_per_package(tmp_path: Path) -> None:
    wsgi = "from flask import Flask\n\napplication = Flask(__name__)\n"
    files = {"shop/__init__.py": APP, "shop/auth.py": AUTH, "shop/orders.py": ORDERS, "shop/wsgi.py": wsgi}
    assert [(f.path, f.line) for f in _findings(tmp_path, files)] == [("shop/__init__.py", 4)]
