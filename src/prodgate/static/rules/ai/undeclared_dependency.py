from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.deps.environment import active
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.ai._deps import (
    candidate_imports,
    importer_dir,
    optional_roots,
    project_roots,
)

TOOLING_FILES = frozenset({"setup.py", "noxfile.py", "fabfile.py", "tasks.py", "conftest.py"})
TOOLING_DIRS = ("docs/", "doc/", "scripts/", "examples/", "benchmarks/")

PYPROJECT = """
[project]
name = "orders"
requires-python = ">=3.10"
dependencies = ["requests>=2.31"]
"""


class UndeclaredDependency(Rule):
    """
    ## What it does
    Finds imports of third-party modules whose distribution is installed in the environment but
    not declared anywhere in the project's dependencies (PEP 621 dependencies, optional
    dependencies and dependency groups, Poetry groups, requirements files, setup.cfg, setup.py).
    It only runs for projects that declare dependencies at all.

    ## Why is this bad
    The code works on the developer's machine because the package happens to be installed there
    (often as a dependency of a dependency). The production image is built from the declared
    dependencies: the import fails there with `ModuleNotFoundError`, or works until the
    dependency that pulled the package in drops it in a routine upgrade.

    ## Example
    ```python
    # pyproject.toml declares only requests
    import urllib3
    ```

    ## Use instead
    Declare every distribution the code imports:
    ```toml
    dependencies = ["requests>=2.31", "urllib3>=2"]
    ```

    ## Known limitations
    Test files, `setup.py`, `noxfile.py`, `conftest.py` and files under `docs/`, `scripts/`,
    `examples/` and `benchmarks/` are not checked: they run with development tools that
    projects often install outside their declared dependencies. Optional imports (`try/except
    ImportError`, `if TYPE_CHECKING:`) are never reported.

    ## References
    - https://packaging.python.org/en/latest/specifications/pyproject-toml/#dependencies-optional-dependencies
    """

    meta = RuleMeta(
        code="PG821",
        name="undeclared-dependency",
        category="ai.dependency-mismatch",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNMAINTAINED_THIRD_PARTY_COMPONENT,),
        message="`{module}` comes from a distribution the project does not declare, so an install from the "
                "declared dependencies fails with ModuleNotFoundError",
        tags=("dependencies",),
    )

    flagged = (
        Example(
            """
            import requests
            import urllib3  # error: PG821
            from yaml import safe_load  # error: PG821
            """,
            path="orders/client.py",
            files={"pyproject.toml": PYPROJECT},
        ),
    )
    clean = (
        Example(
            """
            import requests
            import yaml
            from orders import models
            """,
            path="orders/client.py",
            files={"pyproject.toml": PYPROJECT.replace('"requests>=2.31"', '"requests>=2.31", "PyYAML>=6"'),
                   "orders/__init__.py": "", "orders/models.py": ""},
        ),
        Example(
            """
            try:
                import yaml
            except ImportError:
                yaml = None
            """,
            path="orders/config.py",
            files={"pyproject.toml": PYPROJECT},
        ),
        Example(
            """
            import yaml
            """,
            path="orders/config.py",
            files={"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "PyYAML==6.0.2\n"},
        ),
        "import yaml\nimport urllib3\n",
        Example("import yaml\n", path="tests/test_config.py", files={"pyproject.toml": PYPROJECT}),
    )

    def _checked(self, ctx: FileContext) -> bool:
        name = ctx.path.rsplit("/", 1)[-1]
        return not (ctx.is_test_file or name in TOOLING_FILES or ctx.path.startswith(TOOLING_DIRS))

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node: ast.Import | ast.ImportFrom, ctx: FileContext) -> None:
        if not self._checked(ctx):
            return
        for root, at in candidate_imports(node, ctx):
            ctx.report(at, module=root, requires=("import", root, importer_dir(ctx.path)))

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        _, module, directory = query
        environment = active()
        if (not environment.declared.declares or module in project_roots(index)
                or module in optional_roots(index) or module in environment.any_stdlib):
            return False
        providers = environment.providers(module)
        if not providers or environment.declared.project_name in providers:
            return False
        return not environment.is_declared_module(module) and not environment.is_local(module, directory)
