"""Code cut out of a larger file: the statements that parse are analysed at their own lines and
columns, and the file is still reported as unparseable."""

from __future__ import annotations

import ast

from prodgate.api import check_source
from prodgate.static.parsing import parse_fragment

# Starts inside a call's arguments, then the rest of a method body, and ends mid-statement.
SNIPPET = """\
            stdout=subprocess.PIPE,
            cwd=workdir)
        digest = hashlib.md5(payload).hexdigest()
        os.system("tar czf /backups/%s.tgz %s" % (name, path))
        return digest

    def cleanup(self, name):
        shutil.rmtree(os.path.join(self.root, name
"""


def test_the_parseable_middle_keeps_its_original_positions() -> None:
    tree = parse_fragment(SNIPPET, "snippet.py")
    assert tree is not None
    calls = {ast.unparse(n.func): (n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert calls["hashlib.md5"] == (3, 17)
    assert calls["os.system"] == (4, 8)
    assert SNIPPET.splitlines()[3][8:17] == "os.system"
    assert "shutil.rmtree" not in calls


def test_nothing_parseable_gives_no_tree() -> None:
    assert parse_fragment("def (:\n  ) = [\n", "broken.py") is None
    assert parse_fragment("\n\n", "empty.py") is None


def test_findings_in_a_fragment_and_the_file_still_unparseable() -> None:
    findings, diagnostics = check_source(SNIPPET, "snippet.py", select=["PG620", "PG717"])
    assert sorted((f.rule, f.line, f.column) for f in findings) == [("PG620", 3, 18), ("PG717", 4, 9)]
    assert [d.kind for d in diagnostics] == ["syntax-error"]
