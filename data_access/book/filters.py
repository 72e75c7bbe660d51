"""The global filters: which slice of the book a page shows.

Filters select debtors by their region, industry, rating grade and assigned collector at the
as-of date, and invoices by client. They apply to any frame carrying those columns (the as-of
state, month-end snapshots, drill-downs), always after loading: a filter never reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import polars as pl

from data_access.book.portfolio import Portfolio


@dataclass(frozen=True)
class Filters:
    region_ids: tuple[int, ...] = ()
    client_ids: tuple[int, ...] = ()
    industries: tuple[str, ...] = ()
    collector_ids: tuple[int, ...] = ()
    grades: tuple[str, ...] = ()

    # filter field -> the frame column it constrains
    COLUMNS = {
        "region_ids": "region_id",
        "client_ids": "client_id",
        "industries": "industry",
        "collector_ids": "collector_id",
        "grades": "grade",
    }

    @property
    def active(self) -> dict[str, tuple]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def predicate(self) -> pl.Expr:
        conditions = [pl.col(self.COLUMNS[name]).is_in(list(values)) for name, values in self.active.items()]
        return pl.all_horizontal(conditions) if conditions else pl.lit(True)

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Filter a frame that carries every filtered column (e.g. a state with dimensions)."""
        return frame.filter(self.predicate()) if self.active else frame

    def restrict(self, frame: pl.DataFrame, dimensions: pl.DataFrame) -> pl.DataFrame:
        """Filter a frame with only debtor_id and client_id, using debtor dimensions at the as-of date."""
        debtor_level = Filters(**{k: v for k, v in self.active.items() if k != "client_ids"})
        if debtor_level.active:
            allowed = dimensions.filter(debtor_level.predicate())["debtor_id"]
            frame = frame.filter(pl.col("debtor_id").is_in(allowed.implode()))
        if self.client_ids:
            frame = frame.filter(pl.col("client_id").is_in(list(self.client_ids)))
        return frame

    def restrict_book(self, book: Portfolio, dimensions: pl.DataFrame) -> Portfolio:
        """The book with only the selected invoices and their reductions (for monthly figures)."""
        if not self.active:
            return book
        invoices = self.restrict(book.invoices, dimensions)
        reductions = book.reductions.join(invoices.select("invoice_id"), on="invoice_id", how="semi")
        return replace(book, invoices=invoices, reductions=reductions)

    def key(self) -> tuple:
        """A hashable form, for cache keys."""
        return tuple(sorted(self.active.items()))
