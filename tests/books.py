"""Hand-built receivables books for exact-number tests: a few invoices, no database."""

from __future__ import annotations

from datetime import date

import polars as pl

from data_access.book.portfolio import Portfolio, reductions_frame


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def book(
    invoices: list[tuple[int, str, str, int]],
    payments: list[tuple[int, str, int]] = (),  # type: ignore[assignment]
    credits: list[tuple[int, str, int]] = (),  # type: ignore[assignment]
    write_offs: list[tuple[int, str, int]] = (),  # type: ignore[assignment]
    debtor_of: dict[int, int] | None = None,
) -> Portfolio:
    """A Portfolio from (invoice_id, issue date, due date, amount in cents) and dated reductions.

    Every invoice belongs to debtor 1 (or ``debtor_of[invoice_id]``) and client 1, in region 1.
    """
    debtor_of = debtor_of or {}
    d = date.fromisoformat
    inv = pl.DataFrame(
        {
            "invoice_id": [i for i, *_ in invoices],
            "invoice_number": [f"T-{i}" for i, *_ in invoices],
            "client_id": [1] * len(invoices),
            "debtor_id": [debtor_of.get(i, 1) for i, *_ in invoices],
            "issue_date": [d(issued) for _, issued, _, _ in invoices],
            "due_date": [d(due) for _, _, due, _ in invoices],
            "amount_cents": [amount for *_, amount in invoices],
            "advance_cents": [0] * len(invoices),
            "recourse": [True] * len(invoices),
            "disputed": [False] * len(invoices),
        }
    )
    schema = {"invoice_id": pl.Int64, "day": pl.Date, "amount_cents": pl.Int64}

    def reductions(rows, date_column: str) -> pl.DataFrame:
        return _frame([(i, d(day), amount) for i, day, amount in rows], schema).rename({"day": date_column})

    debtor_ids = sorted(set(inv["debtor_id"]))
    return Portfolio(
        invoices=inv,
        reductions=reductions_frame(
            reductions(payments, "payment_date"), reductions(credits, "credit_note_date"),
            reductions(write_offs, "write_off_date"),
        ),  # fmt: skip
        debtors=pl.DataFrame({"debtor_id": debtor_ids, "name": [f"Debtor {i}" for i in debtor_ids],
                              "industry": ["Retail"] * len(debtor_ids), "region_id": [1] * len(debtor_ids),
                              "credit_limit_cents": [0] * len(debtor_ids)}),  # fmt: skip
        clients=pl.DataFrame({"client_id": [1], "name": ["Client 1"]}),
        collectors=pl.DataFrame({"collector_id": [1], "name": ["Collector 1"], "level": ["senior"]}),
        regions=pl.DataFrame({"region_id": [1], "name": ["East China"]}),
        ratings=pl.DataFrame({"debtor_id": debtor_ids, "rated_on": [date(2000, 1, 1)] * len(debtor_ids),
                              "grade": ["BBB"] * len(debtor_ids)}),  # fmt: skip
        assignments=pl.DataFrame({"debtor_id": debtor_ids, "collector_id": [1] * len(debtor_ids),
                                  "start_date": [date(2000, 1, 1)] * len(debtor_ids),
                                  "end_date": pl.Series([None] * len(debtor_ids), dtype=pl.Date)}),  # fmt: skip
        currency="CNY",
        data_version=1,
    )
