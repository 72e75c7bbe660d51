"""Exports as a person gets them: click Download in the real app, open the file, read the numbers.

Runs against the same kind of server as tests/test_browser.py (Debian's chromium, skipped on a laptop
without it, required in CI).
"""

from __future__ import annotations

import csv
import io

from tests.test_browser import SHOTS, browser, open_page, server  # noqa: F401 - fixtures are shared


def test_the_aging_bucket_csv_holds_the_screens_names_units_and_exact_amounts(server, browser, demo_sqlite_url) -> None:  # noqa: F811
    from data_access.db.store import Scope, Store
    from data_access.metrics import aging
    from data_access.metrics.asof import invoice_state
    from data_access.metrics.buckets import Buckets
    from tests.conftest import DEMO_END

    page = open_page(browser, f"{server}/aging?region=2", "aging_for_download.png")
    with page.expect_download() as caught:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    download = caught.value
    assert download.suggested_filename.startswith("aging-buckets_2026-10-31_region-2")
    text = open(download.path(), encoding="utf-8-sig").read()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any("South China" in line for line in comments) and any("2026-10-31" in line for line in comments)
    rows = list(csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    assert rows[0][:3] == ["Bucket", "Amount (CNY)", "Invoices"]
    # The amounts, to the cent, from the database by an independent route (the metric functions on a fresh read).
    store = Store(demo_sqlite_url)
    from data_access.book.portfolio import load_portfolio

    book = load_portfolio(store, Scope.of_regions(2))
    buckets = Buckets.from_edges((0, 30, 60, 90, 180))
    expected = aging.bucket_totals(invoice_state(book, DEMO_END, buckets), buckets)
    cents = {str(b): c for b, c in expected.select("bucket", "amount_cents").iter_rows()}
    for row in rows[1:]:
        whole, fraction = row[1].split(".")
        assert int(whole) * 100 + int(fraction) == cents[row[0]], row
    page.close()
