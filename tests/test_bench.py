"""The benchmark on the small demo: every way of every side-by-side task gives the same numbers.

No timing is asserted anywhere: the machine is shared. What must hold is that a comparison compares
the same work, so each way's result is checked equal to ours, and that each task has something to
compare (rows, and money in them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.book.portfolio import load_portfolio
from data_access.db.store import Scope, Store
from data_access.metrics.buckets import Buckets
from data_access.tools import fair
from data_access.tools.bench import EDGES, run_benchmark


@pytest.fixture(scope="module")
def inputs(demo_sqlite_url: str) -> fair.Inputs:
    return fair.inputs(load_portfolio(Store(demo_sqlite_url), Scope.everything()), Buckets.from_edges(EDGES))


@pytest.mark.parametrize("task", fair.TASKS, ids=["aging", "trend", "recovery", "month_series"])
def test_duckdb_pandas_and_the_typical_app_give_our_numbers(inputs: fair.Inputs, demo_sqlite_url: str, task) -> None:
    ours = task.ours(inputs)
    assert len(ours) >= 4 and sum(abs(row[-1]) for row in ours) > 0
    assert task.duck(fair.Duck(inputs)) == ours
    assert task.pandas(fair.pandas_tables(inputs), inputs) == ours
    assert task.pandas(fair.read_sql_tables(demo_sqlite_url, inputs, task.tables), inputs) == ours


def test_the_aging_task_counts_every_open_cent_of_the_state(inputs: fair.Inputs) -> None:
    """Independent of the four ways: the bucket sums add up to the open book from the raw tables."""
    book, as_of = inputs.book, inputs.as_of
    reduced: dict[int, int] = {}
    for invoice_id, day, cents in book.reductions.select("invoice_id", "date", "amount_cents").iter_rows():
        if day <= as_of:
            reduced[invoice_id] = reduced.get(invoice_id, 0) + cents
    open_items = [a - reduced.get(i, 0) for i, issued, a in
                  book.invoices.select("invoice_id", "issue_date", "amount_cents").iter_rows() if issued <= as_of]  # fmt: skip
    open_items = [cents for cents in open_items if cents > 0]
    rows = fair.ours_aging(inputs)
    assert sum(n for _b, n, _c in rows) == len(open_items)
    assert sum(c for _b, _n, c in rows) == sum(open_items)


def test_the_report_lists_every_way_of_every_task_as_equal(demo_sqlite_url: str, tmp_path: Path) -> None:
    output = tmp_path / "performance.md"
    results = run_benchmark(20_000, 11, 1, str(output), database_url=demo_sqlite_url, browser=False, log=lambda _: None)
    assert {(row.task, row.way) for row in results.fair} == {(t.name, w) for t in fair.TASKS for w in fair.WAYS}
    assert all(row.equal for row in results.fair)
    text = output.read_text(encoding="utf-8")
    assert text.count("| yes |") == len(fair.TASKS) * len(fair.WAYS) + len(results.pushdown) and "**no**" not in text
    assert "Not measured in this run" in text
    assert len(results.pushdown) == 4 and all(row.equal for row in results.pushdown)
