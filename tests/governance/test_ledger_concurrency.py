"""The issue's bar: 8 processes writing 200 gate runs each at once leave exactly 1,600 complete runs.

The writers are real processes that open the same fresh database at the same moment (so they also race
to create its schema), then record their runs. Run against SQLite and PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prodgate.governance.ledger import Ledger
from prodgate.governance.ledger_schema import ChangeRow, FindingRow, GateRunRow

from .ledger_runs import realistic_run, write_runs

WRITERS = 8
RUNS_EACH = 200
TIMEOUT = 120


def test_concurrent_writers_lose_nothing(ledger_url: str, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    writers = [context.Process(target=write_runs, args=(ledger_url, str(tmp_path), worker, RUNS_EACH, start))
               for worker in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(TIMEOUT)
    assert [p.exitcode for p in writers] == [0] * WRITERS

    sample = realistic_run()
    total = WRITERS * RUNS_EACH
    with Ledger.open(ledger_url, tmp_path) as ledger:
        assert ledger.count() == {"runs": total, "changes": total * len(sample.changes),
                                  "findings": total * len(sample.findings)}

        def per_run(session: Session) -> tuple[Sequence[int], dict[int, int], dict[int, int]]:
            changes = {run: n for run, n in session.execute(select(ChangeRow.run_id, func.count()).group_by(ChangeRow.run_id))}
            findings = {run: n for run, n in session.execute(select(FindingRow.run_id, func.count()).group_by(FindingRow.run_id))}
            ids = session.scalars(select(GateRunRow.id)).all()
            return ids, changes, findings
        ids, changes, findings = ledger.read(per_run)
        assert len(ids) == total
        assert {changes[i] for i in ids} == {len(sample.changes)}
        assert {findings[i] for i in ids} == {len(sample.findings)}

        written = Counter((r.run.properties["worker"], r.run.properties["sequence"]) for r in ledger.export())
        assert written == Counter({(str(w), str(s)): 1 for w in range(WRITERS) for s in range(RUNS_EACH)})
