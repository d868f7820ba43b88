"""The examples of the chaos rules are their tests: run through ``prodgate chaos``, line-exact.

Each example is a module holding the code and the test that exercises it. All examples go into
one project (a pytest configuration that collects them, and an ``api_url`` fixture: a real HTTP
server on loopback answering ``{"rate": 1.1}``), which is recorded and faulted in one run; a
flagged example must be reported exactly on its annotated lines, with exactly the annotated
rules, a clean one not at all.
"""

from __future__ import annotations

import pytest

from prodgate.core.registry import default_registry
from prodgate.core.result import RunResult
from prodgate.core.rule import Example, Rule, expected_annotations
from prodgate.dynamic.chaos.plan import FaultPlan
from prodgate.dynamic.chaos.rules import CHAOS_STAGE
from prodgate.dynamic.chaos.runner import chaos

RULES = default_registry().of_stage(CHAOS_STAGE)
CONFTEST = '''\
import json, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import pytest

class Rates(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({"rate": 1.1}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass

@pytest.fixture(scope="session")
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Rates)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/rates"
    server.shutdown()
'''


def _examples() -> list[tuple[str, type[Rule], Example, bool]]:
    cases = []
    for rule in RULES:
        flagged, clean = rule.examples()
        cases += [(f"{rule.meta.code}-flagged-{i}", rule, e, True) for i, e in enumerate(flagged, 1)]
        cases += [(f"{rule.meta.code}-clean-{i}", rule, e, False) for i, e in enumerate(clean, 1)]
    return cases


CASES = _examples()


def _module(case_id: str) -> str:
    return "example_" + case_id.lower().replace("-", "_") + ".py"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("chaos-examples")
    (root / "pyproject.toml").write_text("[project]\nname = 'examples'\n", encoding="utf-8")
    (root / "pytest.ini").write_text("[pytest]\npython_files = example_*.py\n", encoding="utf-8")
    (root / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    for case_id, _, example, _ in CASES:
        (root / _module(case_id)).write_text(example.source, encoding="utf-8")
    return chaos(root, plan=FaultPlan(deadline=5.0))


def test_every_chaos_rule_has_examples_of_both_kinds() -> None:
    assert [r.meta.code for r in RULES] == ["PG950", "PG951", "PG952", "PG953"]
    for rule in RULES:
        flagged, clean = rule.examples()
        assert flagged and clean, rule.meta.code


def test_the_examples_run_cleanly(example_run: RunResult) -> None:
    assert not example_run.diagnostics, [d.message for d in example_run.diagnostics]
    assert example_run.extra["sites"] == len(CASES)


@pytest.mark.parametrize(("case_id", "rule", "example", "is_flagged"), CASES, ids=[c[0] for c in CASES])
def test_example(example_run: RunResult, case_id: str, rule: type[Rule], example: Example, is_flagged: bool) -> None:
    found = {(f.line, f.rule) for f in example_run.findings if f.path == _module(case_id)}
    wanted = expected_annotations(example.source)["error"]
    assert bool(wanted) == is_flagged, "flagged examples (only) carry `# error:` annotations"
    assert {code for _, code in wanted} <= {rule.meta.code}
    assert found == wanted, f"expected {sorted(wanted)}, found {sorted(found)}"
