"""The loaded receivables book: the frames every metric is computed from.

``load_portfolio(store, scope)`` reads each table once through the store's single door; metric
functions then work on these frames only, so a changed filter never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from data_access.db.store import Scope, Store

PAYMENT, CREDIT, WRITE_OFF = "payment", "credit", "write_off"
# The tables a Portfolio is read from: a cache of the book is fresh while their versions are.
BOOK_TABLES = ("invoices", "payments", "credit_notes", "write_offs", "debtors", "clients", "collectors", "regions",
               "debtor_ratings", "assignments", "meta")  # fmt: skip


@dataclass(frozen=True)
class Portfolio:
    invoices: pl.DataFrame
    reductions: pl.DataFrame  # invoice_id, date, amount_cents, kind: payments, credit notes, write-offs
    debtors: pl.DataFrame
    clients: pl.DataFrame
    collectors: pl.DataFrame
    regions: pl.DataFrame
    ratings: pl.DataFrame
    assignments: pl.DataFrame
    currency: str
    data_version: int  # the sum of the versions of BOOK_TABLES when read

    @property
    def first_date(self) -> date | None:
        return self.invoices["issue_date"].min()  # type: ignore[return-value]

    @property
    def latest_date(self) -> date | None:
        """The newest fact in the book: the default as-of date. A hand-over of cases between collectors
        (an assignment's start) is a fact too, so after a rebalancing every page opens on the day the new
        owners took over, and shows them."""
        candidates = [self.invoices["issue_date"].max(), self.reductions["date"].max(),
                      self.assignments["start_date"].max() if self.assignments.height else None]  # fmt: skip
        known = [d for d in candidates if d is not None]
        return max(known) if known else None  # type: ignore[return-value]

    def for_debtors(self, debtor_ids: pl.Series) -> Portfolio:
        """The book of some debtors only: their invoices with those invoices' reductions, their ratings and
        their assignments (the reference tables whole)."""
        ids = debtor_ids.implode()
        invoices = self.invoices.filter(pl.col("debtor_id").is_in(ids))
        return replace(
            self, invoices=invoices,
            reductions=self.reductions.filter(pl.col("invoice_id").is_in(invoices["invoice_id"].implode())),
            debtors=self.debtors.filter(pl.col("debtor_id").is_in(ids)),
            ratings=self.ratings.filter(pl.col("debtor_id").is_in(ids)),
            assignments=self.assignments.filter(pl.col("debtor_id").is_in(ids)),
        )  # fmt: skip

    def in_language(self, language: str) -> Portfolio:
        """The book with its names in ``language``: where a table has a ``<column>_<language>`` column (the
        regions' ``name_zh``), its non-empty values replace ``<column>``; other names stay as stored."""
        if language == "en":
            return self

        def named(frame: pl.DataFrame) -> pl.DataFrame:
            suffix = f"_{language}"
            pairs = [(c[: -len(suffix)], c) for c in frame.columns if c.endswith(suffix) and c[: -len(suffix)] in frame.columns]
            return frame.with_columns(
                [pl.when(pl.col(local).str.strip_chars().str.len_chars() > 0).then(pl.col(local)).otherwise(pl.col(base))
                 .alias(base) for base, local in pairs]
            )  # fmt: skip

        return replace(self, debtors=named(self.debtors), clients=named(self.clients), collectors=named(self.collectors),
                       regions=named(self.regions))  # fmt: skip


def reductions_frame(payments: pl.DataFrame, credits: pl.DataFrame, write_offs: pl.DataFrame) -> pl.DataFrame:
    """Payments, credit notes and write-offs as one dated stream of reductions, sorted by date."""
    parts = [
        frame.select(
            "invoice_id", pl.col(date_column).alias("date"), "amount_cents", pl.lit(kind).alias("kind")
        )
        for frame, date_column, kind in (
            (payments, "payment_date", PAYMENT),
            (credits, "credit_note_date", CREDIT),
            (write_offs, "write_off_date", WRITE_OFF),
        )
    ]
    return pl.concat(parts).with_columns(pl.col("kind").cast(pl.Enum([PAYMENT, CREDIT, WRITE_OFF]))).sort("date")


def load_portfolio(store: Store, scope: Scope) -> Portfolio:
    read = lambda name: store.read(name, scope)  # noqa: E731 - one scope for every table
    meta = store.meta()
    return Portfolio(
        invoices=read("invoices"),
        reductions=reductions_frame(read("payments"), read("credit_notes"), read("write_offs")),
        debtors=read("debtors"),
        clients=read("clients"),
        collectors=read("collectors"),
        regions=read("regions"),
        ratings=read("debtor_ratings"),
        assignments=read("assignments"),
        currency=meta.get("currency", "CNY"),
        data_version=sum(store.versions().get(name, 0) for name in BOOK_TABLES),
    )
