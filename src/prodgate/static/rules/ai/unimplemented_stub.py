from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.ai._helpers import comment_lines, is_subclassed, looks_like_base_class

EXEMPT_DECORATORS = frozenset({
    "typing.overload", "typing_extensions.overload", "abc.abstractmethod", "abc.abstractproperty",
    "abc.abstractclassmethod", "abc.abstractstaticmethod", "functools.singledispatch",
    "functools.singledispatchmethod", "overload", "abstractmethod",
})
STUB_MESSAGE = re.compile(r"todo|fixme|not yet implemented|not implemented yet|implement (?:me|this|later)|coming soon|"
                          r"\bstub\b|placeholder|^$", re.IGNORECASE)
OVERRIDE_HINT = re.compile(r"subclass|override|must (?:be )?(?:implement|provide|define)|abstract|interface|"
                           r"implemented by", re.IGNORECASE)


def _body(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The statements after the docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _not_implemented(statement: ast.stmt) -> ast.expr | None:
    """``raise NotImplementedError`` / ``raise NotImplementedError("...")``: the message, or an empty constant."""
    if not isinstance(statement, ast.Raise) or statement.exc is None:
        return None
    exc = statement.exc
    if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
        return ast.Constant("")
    if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and exc.func.id == "NotImplementedError":
        return exc.args[0] if exc.args else ast.Constant("")
    return None


def _hooks(cls: ast.ClassDef) -> int:
    """Methods of ``cls`` whose whole body is a bare ``raise NotImplementedError``: several of them
    make an extension point (hooks a plugin overrides), not an unfinished class."""
    return sum(1 for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _bare_stub(node))


def _bare_stub(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = _body(function)
    message = _not_implemented(body[0]) if len(body) == 1 else None
    return isinstance(message, ast.Constant) and message.value == ""


class UnimplementedStub(Rule):
    """
    ## What it does
    Finds functions whose whole body is a stub left by a generator: `raise NotImplementedError`
    (bare or with a "TODO"/"not implemented yet" message), or `pass` / `...` next to a
    `TODO`/`FIXME` comment. Abstract methods, `@overload`s, `singledispatch` bases, protocol
    and ABC classes, classes named `Base*`/`*Mixin`, methods whose message or docstring asks
    subclasses to override them, and methods of classes that the project subclasses are not
    reported. Without a TODO marker, a bare `raise NotImplementedError` is reported only in an
    undecorated module-level function or in a method of a class without bases (a method that
    overrides one usually declares an unsupported operation) and with no other such method (a
    class of several is a set of hooks for plugins to override). Test files are skipped.

    ## Why is this bad
    The code around the stub looks finished, type-checks and passes happy-path tests that
    never reach it. In production the first customer who takes that path gets a 500
    (`NotImplementedError`), or worse, nothing happens at all: the `pass` stub silently drops
    the notification, refund or audit record the caller relies on.

    ## Example
    ```python
    def send_sms_receipt(phone_number: str, charge_id: str) -> None:
        \"\"\"Text a short receipt to the customer's phone.\"\"\"
        raise NotImplementedError
    ```

    ## Use instead
    Implement the function, or remove it and its callers until it exists; if the feature is
    deliberately unsupported, raise a domain error with a message that says so
    (`raise UnsupportedChannel("SMS receipts are not offered")`).

    ## Known limitations
    A method of a class meant to be subclassed by other projects (a library's extension point)
    is reported when the project itself never subclasses it and nothing marks it as abstract.

    ## References
    - https://docs.python.org/3/library/exceptions.html#NotImplementedError
    """

    meta = RuleMeta(
        code="PG801",
        name="unimplemented-stub",
        category="ai.placeholder",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.INCOMPLETE_IMPLEMENTATION,),
        message="`{function}` is an unimplemented stub, so every call to it {effect} in production",
        tags=("generated",),
    )

    flagged = (
        """
        def send_sms_receipt(phone_number: str, charge_id: str) -> None:
            \"\"\"Text a short receipt to the customer's phone.\"\"\"
            raise NotImplementedError  # error: PG801


        def _notify_finance(summary: dict) -> None:
            pass  # TODO: implement  # error: PG801
        """,
        """
        class RefundService:
            def refund(self, charge_id: str, amount: int) -> None:
                # TODO: call the provider's refund endpoint
                ...  # error: PG801

            def void(self, charge_id: str) -> None:
                raise NotImplementedError("TODO")  # error: PG801
        """,
    )
    clean = (
        """
        import abc
        from typing import Protocol, overload


        class PaymentGateway(abc.ABC):
            @abc.abstractmethod
            def charge(self, amount: int) -> str:
                raise NotImplementedError


        class Notifier(Protocol):
            def send(self, message: str) -> None: ...


        class BaseExporter:
            def export(self, rows):
                raise NotImplementedError


        class PluginTemplateExtension:
            def head(self):
                \"\"\"HTML inserted in the page's <head> block.\"\"\"
                raise NotImplementedError

            def navbar(self):
                \"\"\"Content rendered inside the top navigation menu.\"\"\"
                raise NotImplementedError


        class Exporter:
            def export(self, rows):
                raise NotImplementedError("subclasses of Exporter must provide export()")


        @overload
        def parse(value: str) -> int: ...
        @overload
        def parse(value: bytes) -> int: ...
        def parse(value):
            return int(value)


        def on_shutdown() -> None:
            pass


        def unsupported() -> None:
            raise NotImplementedError("partial refunds are not supported by the legacy gateway")


        class OnlineWindow(Window):
            def std(self):
                raise NotImplementedError


        def _randbelow(self, n: int) -> int:
            raise NotImplementedError
        """,
        Example(
            """
            class Channel:
                def deliver(self, message):
                    raise NotImplementedError


            class EmailChannel(Channel):
                def deliver(self, message):
                    return message
            """,
            path="payments/channels.py",
        ),
        Example(
            """
            def charge(amount):
                raise NotImplementedError
            """,
            path="tests/fakes.py",
        ),
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        body = _body(node)
        if len(body) != 1 or ctx.is_test_file or ctx.path.endswith(".pyi"):
            return
        statement = body[0]
        effect, marked = self._stub(node, statement, ctx)
        if not effect:
            return
        decorators = ctx.decorators(node)
        if any(d in EXEMPT_DECORATORS or d.endswith(".register") for d in decorators):
            return
        cls = ctx.parent()
        if isinstance(cls, ast.ClassDef):
            docstrings = f"{ast.get_docstring(node) or ''} {ast.get_docstring(cls) or ''}"
            if looks_like_base_class(cls, ctx) or OVERRIDE_HINT.search(docstrings):
                return
            if not marked and (decorators or cls.bases or node.name.startswith("__") or _hooks(cls) > 1):
                return
            qualname = f"{ctx.module}.{ctx.scopes.qualname}"
            ctx.report(statement, function=f"{cls.name}.{node.name}", effect=effect, requires=(qualname,))
        elif isinstance(cls, ast.Module):
            parameters = node.args.posonlyargs + node.args.args
            if not marked and (decorators or (parameters and parameters[0].arg in ("self", "cls"))):
                return
            ctx.report(statement, function=node.name, effect=effect)

    visit_AsyncFunctionDef = visit_FunctionDef

    @staticmethod
    def _stub(node: ast.FunctionDef | ast.AsyncFunctionDef, statement: ast.stmt, ctx: FileContext) -> tuple[str, bool]:
        """What calling the stub does (empty when it is no stub), and whether a TODO marks it as one."""
        signature = [node.args, *node.args.args, *node.args.kwonlyargs, *node.args.defaults, node.returns]
        first = max((getattr(n, "end_lineno", None) or node.lineno for n in signature if n is not None),
                    default=node.lineno)
        commented = bool(comment_lines(ctx, first, statement.end_lineno or statement.lineno))
        message = _not_implemented(statement)
        if message is not None:
            text = message.value if isinstance(message, ast.Constant) and isinstance(message.value, str) else None
            if text is None or not STUB_MESSAGE.search(text) or OVERRIDE_HINT.search(text):
                return "", False
            return "raises `NotImplementedError`", commented or bool(text)
        is_empty = isinstance(statement, ast.Pass) or (
            isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and statement.value.value is Ellipsis)
        return ("silently does nothing", True) if is_empty and commented else ("", False)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        (qualname,) = query
        return not is_subclassed(index, qualname)
