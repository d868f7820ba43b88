from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import (
    NESTED_SCOPES,
    FunctionNode,
    authenticates_caller,
    function_nodes,
)
from prodgate.static.rules.resilience._helpers import own_walk
from prodgate.static.taint import spec

# Functions and methods that check a password against its stored hash.
VERIFIER = re.compile(r"^(?:(?:check|verify)_?(?:password|passwd|pwd|pw)(?:_hash)?|checkpw)$")
# Receivers whose ``verify``/``hash`` methods are a password hasher's (passlib, argon2, a project's context).
HASHER = re.compile(r"(?i)(pwd|passw|crypt_?context|hash|argon|(?:^|_)ph$)")
# A bare name holds a stored hash when it says so (``stored_hash``), unlike the password typed in.
HASH_NAME = re.compile(r"(?i)(hash|stored|encoded|digest)")
HASHER_MODULES = ("passlib.", "argon2.")
# Verifiers that take the stored hash first: werkzeug's (pwhash, password), argon2's (hash, password).
HASH_FIRST = frozenset({"check_password_hash"})
# Functions that hash a password to store it (a sign-up, not a login).
STORING_HASHERS = frozenset({"generate_password_hash", "make_password", "hashpw", "hash_password",
                             "get_password_hash", "create_user"})
# Exceptions a lookup raises when there is no such row, and those a hasher raises on a wrong password.
NOT_FOUND = re.compile(r"(?:DoesNotExist|NoResultFound|NotFound|KeyError)$")
MISMATCH = re.compile(r"(?:Mismatch|Verif\w*Error|InvalidHash|InvalidPassword)")
ANSWER_CALLS = frozenset({"flash", "abort", "add_error", "add_message"})
STATUS_KEYWORDS = frozenset({"status", "status_code", "code"})
HTTP_CONSTANT = re.compile(r"^HTTP_(\d{3})(?:_|$)")
EXITS = (ast.Return, ast.Raise)
# Lookups of the account the caller is already signed in as.
CALLER = re.compile(r"(?i)^(?:current_\w*user|signed_in_user|logged_in_user|authenticated_user|requester)$")
SIGNED_IN = re.compile(r"(?i)(current_user|jwt_identity|get_identity|request\.user\b|\bg\.user\b|(?<![.\w])session(?:\[|\.get\())")


@dataclass(frozen=True, slots=True)
class Answer:
    """What one branch tells the client: its first user-facing statement, the text and status in it."""

    node: ast.stmt
    messages: frozenset[str]
    status: int | None

    def differs(self, other: Answer) -> str | None:
        """How this answer tells itself apart from ``other`` (its distinct message or status), else None."""
        if self.messages and other.messages and self.messages != other.messages:
            text = sorted(self.messages - other.messages or self.messages)[0]
            return repr(text if len(text) <= 40 else text[:37] + "...")
        if self.status is not None and other.status is not None and self.status != other.status:
            return f"status {self.status}"
        return None


def _tail(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _is_hasher(ctx: FileContext, receiver: ast.expr) -> bool:
    origin = ctx.constructor_name(receiver) or ctx.qualname(receiver) or ""
    return origin.startswith(HASHER_MODULES) or bool(HASHER.search(_tail(receiver)))


def _path(node: ast.expr) -> str | None:
    """``user`` or ``self.user``: a name or attribute chain a branch can test, as text."""
    if isinstance(node, ast.NamedExpr):
        node = node.target
    if isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and _path(node.value) is not None):
        return ast.unparse(node)
    return None


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Await)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _signed_in(ctx: FileContext, owner: ast.expr) -> bool:
    """The caller's own account, found through their session or token (a password change or a
    confirmation): its existence is no secret to them."""
    value = ctx.value_of(_root(owner))
    return value is not None and SIGNED_IN.search(ast.unparse(value)) is not None


def _caller_signed_in(function: FunctionNode) -> bool:
    """The handler is handed its signed-in caller (``current_user: CurrentUser``, a login decorator or
    dependency): a password checked there re-confirms an account, it does not log anyone in."""
    args = function.args
    return (authenticates_caller(function)
            or any(CALLER.match(a.arg) for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]))


def _from_request(ctx: FileContext, owner: ast.expr) -> bool:
    """``request.form`` or ``data`` after ``data = request.get_json()``: what the client sent, not a stored row."""
    root = _root(owner)
    value = ctx.value_of(root)
    return any(ctx.qualname(_root(n)) in spec.REQUEST_OBJECTS for n in (root, value) if n is not None)


def stored_hash_owners(call: ast.Call, ctx: FileContext) -> set[str] | None:
    """When ``call`` checks a password, the expressions that hold the stored hash it is checked
    against (``user`` in ``check_password_hash(user["password"], pw)`` or ``user.check_password(pw)``);
    None when it is no password check."""
    func = call.func
    name = _tail(func)
    if isinstance(func, ast.Attribute) and name == "verify" and _is_hasher(ctx, func.value):
        origin = ctx.constructor_name(func.value) or ctx.qualname(func.value) or ""
        # passlib takes (secret, hash), argon2 (hash, password); a project's own hasher either.
        positions = [1] if origin.startswith("passlib.") else [0] if origin.startswith("argon2.") else [0, 1]
        stored = [ctx.argument(call, position, "hash") for position in positions]
    elif VERIFIER.match(name):
        if isinstance(func, ast.Attribute) and len(call.args) + len(call.keywords) == 1:
            owner = _path(func.value)
            return {owner} if owner and not _signed_in(ctx, func.value) else set()
        first = name in HASH_FIRST
        stored = [ctx.argument(call, 0 if first else 1, "pwhash" if first else "encoded")
                  or next((k.value for k in call.keywords if k.arg and "hash" in k.arg), None)]
    else:
        return None
    owners: set[str] = set()
    for argument in filter(None, stored):
        whole = _path(argument)
        if whole and HASH_NAME.search(whole):
            owners.add(whole)
        nodes = list(ast.walk(argument))
        methods = {id(n.func) for n in nodes if isinstance(n, ast.Call)}  # ``password.encode()`` reads no field
        owners.update(owner for node in nodes if isinstance(node, (ast.Attribute, ast.Subscript))
                      and id(node) not in methods and (owner := _path(node.value))
                      and not _from_request(ctx, node.value) and not _signed_in(ctx, node.value))
    return owners


class _Function:
    """One function's password checks, the branches that answer "no such user" and "wrong password"."""

    def __init__(self, function: FunctionNode, checks: list[tuple[ast.Call, set[str]]], ctx: FileContext):
        self.ctx = ctx
        self.nodes = function_nodes(ctx, function)
        self.checks = {id(call) for call, _ in checks}
        self.owners = set().union(*(owners for _, owners in checks))
        self.results: set[str] = set()
        self.results = {target.id for node in self.nodes if isinstance(node, ast.Assign)
                        and self._is_check(node.value) for target in node.targets if isinstance(target, ast.Name)}
        self.placement: dict[int, tuple[ast.stmt | None, list[ast.stmt], int]] = {}
        self._place(None, function.body)
        self.answer_names = {n.id for node in self.nodes if isinstance(node, (ast.Return, ast.Raise, ast.Call))
                             and self._answers(node) for n in ast.walk(node) if isinstance(n, ast.Name)}

    def _place(self, parent: ast.stmt | None, block: list[ast.stmt]) -> None:
        for index, statement in enumerate(block):
            self.placement[id(statement)] = (parent, block, index)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and not isinstance(statement, NESTED_SCOPES):
                    for item in inner:
                        if isinstance(item, ast.ExceptHandler):
                            self._place(statement, item.body)
                    self._place(statement, [s for s in inner if isinstance(s, ast.stmt)])

    def _is_check(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Await):
            node = node.value
        return id(node) in self.checks or (isinstance(node, ast.Name) and node.id in self.results)

    def _condition(self, test: ast.expr) -> tuple[set[str], set[str]]:
        """What taking the body and what taking the else of ``if test`` imply: "unknown" (no user)
        and "wrong" (the password check failed)."""
        if isinstance(test, ast.BoolOp):
            parts = [self._condition(value) for value in test.values]
            if isinstance(test.op, ast.Or):
                return set().union(*(body for body, _ in parts)), set()
            return set(), set().union(*(orelse for _, orelse in parts))
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            body, orelse = self._condition(test.operand)
            return orelse, body
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            right = test.comparators[0]
            negative = isinstance(test.ops[0], (ast.Is, ast.Eq))
            if isinstance(test.ops[0], (ast.Is, ast.Eq, ast.IsNot, ast.NotEq)) and isinstance(right, ast.Constant):
                if right.value is None and _path(test.left) in self.owners:
                    return ({"unknown"}, set()) if negative else (set(), {"unknown"})
                if right.value is False and self._is_check(test.left):
                    return ({"wrong"}, set()) if negative else (set(), {"wrong"})
            return set(), set()
        if _path(test) in self.owners:
            return set(), {"unknown"}
        if self._is_check(test):
            return set(), {"wrong"}
        return set(), set()

    def branches(self) -> Iterator[tuple[str, ast.stmt, list[ast.stmt] | None]]:
        """(``unknown`` or ``wrong``, the statement, the statements taken: None to fall through past it)."""
        for node in self.nodes:
            if isinstance(node, ast.If):
                body, orelse = self._condition(node.test)
                for outcome in body - orelse:
                    yield outcome, node, node.body
                for outcome in orelse - body:
                    yield outcome, node, node.orelse or (None if isinstance(node.body[-1], EXITS) else [])
            elif isinstance(node, ast.Try):
                assigned = {_path(t) for s in node.body for n in ast.walk(s) if isinstance(n, ast.Assign)
                            for t in n.targets}
                checked = any(self._is_check(n) for s in node.body for n in ast.walk(s) if isinstance(n, ast.Call))
                for handler in node.handlers:
                    caught = {_tail(t) for t in (handler.type.elts if isinstance(handler.type, ast.Tuple)
                                                 else [handler.type] if handler.type else [])}
                    if assigned & self.owners and any(NOT_FOUND.search(c) for c in caught):
                        yield "unknown", node, handler.body
                    if checked and any(MISMATCH.search(c) for c in caught):
                        yield "wrong", node, handler.body

    def following(self, statement: ast.stmt) -> Iterator[ast.stmt]:
        """The statements run after ``statement`` completes, up to the end of the function or a loop."""
        place = self.placement.get(id(statement))
        while place is not None:
            parent, block, index = place
            yield from block[index + 1:]
            if parent is None or isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
                return
            place = self.placement.get(id(parent))

    def answer(self, statements: Iterator[ast.stmt] | list[ast.stmt]) -> Answer | None:
        for statement in statements:
            for node in self._in_order(statement):
                if isinstance(node, (ast.Return, ast.Raise)) and self._answers(node):
                    return self._answer(node)
                if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and self._answers(node.value):
                    return self._answer(node)
                if (isinstance(node, ast.Assign) and _literal_text(node.value) is not None
                        and any(isinstance(t, ast.Name) and t.id in self.answer_names for t in node.targets)):
                    return self._answer(node)
        return None

    @staticmethod
    def _in_order(statement: ast.stmt) -> Iterator[ast.stmt]:
        yield statement
        if isinstance(statement, NESTED_SCOPES):
            return
        for field in ("body", "handlers", "orelse", "finalbody"):
            for item in getattr(statement, field, None) or []:
                if isinstance(item, ast.ExceptHandler):
                    for inner in item.body:
                        yield from _Function._in_order(inner)
                elif isinstance(item, ast.stmt):
                    yield from _Function._in_order(item)

    def _answers(self, node: ast.AST) -> bool:
        """A return or raise with a value, or a call that shows the client a message or status."""
        if isinstance(node, ast.Return):
            return node.value is not None
        if isinstance(node, ast.Raise):
            return node.exc is not None
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if _tail(func) in ANSWER_CALLS or (self.ctx.call_name(node) or "").startswith("django.contrib.messages."):
            return True
        return isinstance(func, ast.Attribute) and func.attr == "append" and _tail(func.value) == "errors"

    def _answer(self, node: ast.stmt) -> Answer:
        nodes = list(ast.walk(node))
        parts = {id(v) for n in nodes if isinstance(n, ast.JoinedStr) for v in n.values}  # read with their f-string
        messages = {text for n in nodes if isinstance(n, ast.expr) and id(n) not in parts and (text := _literal_text(n))}
        return Answer(node, frozenset(messages), _status(node))

    def registers(self, statement: ast.stmt, taken: list[ast.stmt] | None) -> bool:
        """The "no such user" branch creates the account (a sign-up-or-login flow): it binds the
        user anew or hashes a password to keep it."""
        nodes = own_walk(taken if taken is not None else list(self.following(statement)))
        discarded = {id(n.value) for n in nodes if isinstance(n, ast.Expr)}
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(_path(t) in self.owners for t in targets):
                    return True
            if isinstance(node, ast.Call):
                name = _tail(node.func)
                kept = id(node) not in discarded
                if name in STORING_HASHERS and kept:
                    return True
                if name == "hash" and isinstance(node.func, ast.Attribute) and _is_hasher(self.ctx, node.func.value) and kept:
                    return True
                if name == "set_password" and isinstance(node.func, ast.Attribute) and _path(node.func.value):
                    return True
        return False


def _literal_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def _status_value(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int and 100 <= node.value <= 599:
        return node.value
    if isinstance(node, ast.Attribute):
        match = HTTP_CONSTANT.match(node.attr)
        if match:
            return int(match.group(1))
        if _tail(node.value) == "HTTPStatus" and node.attr in HTTPStatus.__members__:
            return HTTPStatus[node.attr].value
    return None


def _status(statement: ast.stmt) -> int | None:
    """The HTTP status an answer sets: ``abort(404)``, ``status_code=401``, ``return body, 403``."""
    if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Tuple) and len(statement.value.elts) > 1:
        found = _status_value(statement.value.elts[1])
        if found is not None:
            return found
    for node in ast.walk(statement):
        if isinstance(node, ast.keyword) and node.arg in STATUS_KEYWORDS:
            found = _status_value(node.value)
            if found is not None:
                return found
        if isinstance(node, ast.Call) and _tail(node.func) == "abort" and node.args:
            found = _status_value(node.args[0])
            if found is not None:
                return found
    return None


class LoginRevealsUnknownUser(Rule):
    """
    ## What it does
    Finds login code that checks a password (werkzeug `check_password_hash`, `bcrypt.checkpw`,
    passlib's or argon2's `verify`, Django's `check_password`, a model's `check_password` or
    `verify_password`) and answers differently when no user has the given name than when the
    password is wrong: different messages assigned to the error shown, flashed, returned or raised,
    or different HTTP status codes. It reports the answer given for the unknown user.

    ## Why is this bad
    "Incorrect username" on one side and "Incorrect password" on the other tell anyone which
    accounts exist (an observable response discrepancy). An attacker first harvests the valid
    names, or checks which leaked e-mail addresses have an account, then spends password
    guessing and credential stuffing on those only. OWASP's Authentication Cheat Sheet asks for
    one generic answer, such as "Invalid username or password", in both cases.

    ## Example
    ```python
    user = db.execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
    if user is None:
        error = "Incorrect username."
    elif not check_password_hash(user["password"], password):
        error = "Incorrect password."
    ```

    ## Use instead
    ```python
    user = db.execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
    if user is None or not check_password_hash(user["password"], password):
        error = "Incorrect username or password."
    ```
    The complete fix also makes both answers take the same time: check the password against a
    dummy hash when there is no user, as Django's `ModelBackend` does by hashing the password for
    unknown users, so that the response time does not give the difference away either.

    ## Known limitations
    The rule compares the first answer of each branch within one function: messages chosen
    elsewhere (an exception class mapped to a response by a handler, a status implied by the
    exception's type, `get_object_or_404` lookups) are not compared. The response time difference
    is not reported on its own. A branch for an unknown user that creates the account (it binds
    the user anew or hashes a password to store it) is a sign-up, whose "already registered" answer
    is a different trade-off, and is not reported. A handler handed its signed-in caller
    (`current_user`, a login decorator) re-confirms a password rather than logging anyone in, and
    is not reported. Test files are not checked.

    ## References
    - [OWASP Authentication Cheat Sheet: authentication and error messages](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages)
    - [CWE-204: Observable Response Discrepancy](https://cwe.mitre.org/data/definitions/204.html)
    """

    meta = RuleMeta(
        code="PG753",
        name="login-reveals-unknown-user",
        category="security.authz",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.OBSERVABLE_RESPONSE_DISCREPANCY, cwe.OBSERVABLE_DISCREPANCY),
        message="an unknown user is answered {unknown} and a wrong password {wrong}, which tells an attacker "
                "which accounts exist",
        tags=("auth", "web"),
    )

    flagged = (
        """
        from flask import flash, redirect, render_template, request, session, url_for
        from werkzeug.security import check_password_hash

        def login(db):
            username = request.form["username"]
            password = request.form["password"]
            error = None
            user = db.execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
            if user is None:
                error = "Incorrect username."  # error: PG753
            elif not check_password_hash(user["password"], password):
                error = "Incorrect password."
            if error is None:
                session["user_id"] = user["id"]
                return redirect(url_for("index"))
            flash(error)
            return render_template("auth/login.html")
        """,
        """
        from typing import Annotated

        from fastapi import APIRouter, Depends, HTTPException, status
        from fastapi.security import OAuth2PasswordRequestForm
        from passlib.context import CryptContext

        router = APIRouter()
        pwd_context = CryptContext(schemes=["bcrypt"])

        @router.post("/token")
        async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], users=Depends()):
            user = await users.get_by_email(form.username)
            if not user:
                raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="User not found")  # error: PG753
            if not pwd_context.verify(form.password, user.hashed_password):
                raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Incorrect password")
            return {"access_token": users.token_for(user)}
        """,
        """
        from django.contrib import messages
        from django.contrib.auth import login as auth_login
        from django.contrib.auth.models import User
        from django.shortcuts import redirect, render

        def sign_in(request):
            try:
                user = User.objects.get(email=request.POST["email"])
            except User.DoesNotExist:
                messages.error(request, "No account uses this e-mail address.")  # error: PG753
                return render(request, "login.html")
            if user.check_password(request.POST["password"]):
                auth_login(request, user)
                return redirect("home")
            messages.error(request, "Wrong password.")
            return render(request, "login.html")
        """,
        """
        from flask import redirect, render_template, url_for
        from flask_login import login_user
        from sqlalchemy import select

        def login(db, form, User):
            if form.validate_on_submit():
                user = db.session.scalar(select(User).where(User.email == form.email.data))
                if user is None:
                    form.email.errors.append("No account uses this e-mail address.")  # error: PG753
                elif not user.check_password(form.password.data):
                    form.password.errors.append("Wrong password.")
                else:
                    login_user(user)
                    return redirect(url_for("index"))
            return render_template("login.html", form=form)
        """,
        """
        from fastapi import HTTPException, status

        from . import models
        from .hashing import Hash

        def login(request, db):
            user = db.query(models.User).filter(models.User.email == request.username).first()
            if not user:
                raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Invalid Credentials")  # error: PG753
            if not Hash.verify(user.password, request.password):
                raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Incorrect password")
            return user
        """,
        """
        import bcrypt
        from flask import jsonify

        def authenticate(repo, email, password):
            account = repo.find(email)
            if account is not None:
                if bcrypt.checkpw(password.encode(), account.password_hash):
                    return jsonify(token=repo.token(account))
                return jsonify(error="Invalid credentials"), 401
            return jsonify(error="Invalid credentials"), 404  # error: PG753
        """,
    )
    clean = (
        """
        from fastapi import APIRouter, HTTPException

        from app.auth import CurrentUser, get_user

        router = APIRouter()

        @router.post("/{user_id}/change-password")
        def change_password(db_session, user_id: int, password_update, current_user: CurrentUser):
            user = get_user(db_session, user_id)
            if not user:
                raise HTTPException(status_code=404, detail="A user with this id does not exist.")
            if not user.verify_password(password_update.current_password):
                raise HTTPException(status_code=400, detail="Invalid current password")
            user.set_password(password_update.new_password)
        """,
        """
        from flask import flash, redirect, render_template, url_for
        from werkzeug.security import check_password_hash

        def login(form, User):
            user = User.query.filter_by(username=form.username.data).first()
            if user is None or not check_password_hash(user.password_hash, form.password.data):
                flash("Invalid username or password")
                return redirect(url_for("login"))
            return redirect(url_for("index"))
        """,
        """
        from fastapi import HTTPException
        from passlib.context import CryptContext

        pwd_context = CryptContext(schemes=["bcrypt"])
        wrong_login = HTTPException(status_code=400, detail="Incorrect email or password")

        async def login(repo, payload):
            try:
                user = await repo.get_user_by_email(payload.email)
            except EntityDoesNotExist as error:
                raise wrong_login from error
            if not pwd_context.verify(payload.password, user.hashed_password):
                raise wrong_login
            return user
        """,
        """
        import logging
        from werkzeug.security import check_password_hash

        log = logging.getLogger(__name__)

        def authenticate(db, username, password):
            data = db.get(username)
            if not password:
                return {"error": "Password is required"}, 400
            if data is None:
                log.info("login for unknown user %s", username)
                return {"error": "Invalid username or password"}, 401
            if not check_password_hash(data["password"], password):
                log.info("wrong password for %s", username)
                return {"error": "Invalid username or password"}, 401
            return {"ok": True}, 200
        """,
        """
        from flask import request

        from .hashing import Hash

        def api_login(db):
            data = request.get_json()
            if not data:
                return {"error": "A JSON body is required"}, 400
            user = db.find_user(data["email"])
            if user is None or not Hash.verify(user.password, data["password"]):
                return {"error": "Invalid email or password"}, 401
            return {"token": db.token_for(user)}
        """,
        """
        from flask import flash, redirect, url_for
        from werkzeug.security import check_password_hash, generate_password_hash

        def register(db, User, username, password):
            if User.query.filter_by(username=username).first() is not None:
                flash(f"User {username} is already registered.")
                return redirect(url_for("register"))
            db.session.add(User(username=username, password=generate_password_hash(password)))
            return redirect(url_for("login"))

        def sign_in_or_up(db, User, username, password):
            user = User.query.filter_by(username=username).first()
            if user is None:
                user = User(username=username, password=generate_password_hash(password))
                db.session.add(user)
                return "Account created"
            if not check_password_hash(user.password, password):
                return "Wrong password", 401
            return "Welcome back"
        """,
        """
        from flask import jsonify, request
        from flask_jwt_extended import get_jwt_identity, jwt_required

        @jwt_required()
        def change_password(db, User):
            user = db.session.get(User, get_jwt_identity())
            if user is None:
                return jsonify(error="Account not found"), 404
            if not user.check_password(request.json["old_password"]):
                return jsonify(error="The current password is wrong"), 400
            user.set_password(request.json["new_password"])
            return jsonify(ok=True)
        """,
        """
        from django.contrib.auth.backends import BaseBackend
        from django.contrib.auth.models import User

        class EmailBackend(BaseBackend):
            def authenticate(self, request, email=None, password=None):
                try:
                    user = User.objects.get(email=email)
                except User.DoesNotExist:
                    User().set_password(password)
                    return None
                if user.check_password(password):
                    return user
                return None
        """,
        Example(
            """
            from werkzeug.security import check_password_hash

            def test_login_messages(client, db):
                user = db.find("alice")
                if user is None:
                    raise AssertionError("fixture user missing")
                if not check_password_hash(user["password"], "secret"):
                    raise AssertionError("fixture password wrong")
            """,
            path="tests/test_auth.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        function = ctx.function()
        if function is None:
            return
        owners = stored_hash_owners(node, ctx)
        if owners:
            ctx.state().setdefault("checks", {}).setdefault(id(function), []).append((node, owners))

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        checks = ctx.state().get("checks", {}).pop(id(node), None)
        if not checks or _caller_signed_in(node):
            return
        function = _Function(node, checks, ctx)
        unknown: list[Answer] = []
        wrong: list[Answer] = []
        for outcome, statement, taken in function.branches():
            if outcome == "unknown" and function.registers(statement, taken):
                return
            answer = function.answer(taken if taken is not None else function.following(statement))
            if answer is not None:
                (unknown if outcome == "unknown" else wrong).append(answer)
        unknown.sort(key=lambda answer: answer.node.lineno)
        for first in unknown:
            for second in wrong:
                told = first.differs(second)
                if told is not None:
                    ctx.report(first.node, unknown=told, wrong=second.differs(first) or "otherwise")
                    return

    leave_AsyncFunctionDef = leave_FunctionDef
