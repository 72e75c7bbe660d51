"""The global filters: which slice of the book a page shows, applied one way to every table.

``Filters`` is what the user chose (regions, clients, debtor industries, collectors, rating
grades). ``Filters.resolve(book, dims)`` turns it, at one date, into a ``Selection``: the debtors
whose region, industry, grade and assigned collector at that date match, the clients chosen, and
the invoices of both. ``Selection.apply(table, frame)`` then filters a frame of any table through
that table's rule in ``data_access.db.rules`` (its debtor, client and collector columns, directly
or through its invoice), so the as-of state, month-end snapshots, roll flows, the monthly book,
promises, legal cases and the league table's collectors are all cut the same way. A filter never
reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import polars as pl

from data_access.book.portfolio import Portfolio
from data_access.db.rules import filters_applicable, rule_of

# filter field -> the name of the filter in rules.FILTER_NEEDS and in the URL
FILTER_NAMES = {"region_ids": "region", "client_ids": "client", "industries": "industry",
                "collector_ids": "collector", "grades": "grade"}  # fmt: skip


@dataclass(frozen=True)
class Filters:
    region_ids: tuple[int, ...] = ()
    client_ids: tuple[int, ...] = ()
    industries: tuple[str, ...] = ()
    collector_ids: tuple[int, ...] = ()
    grades: tuple[str, ...] = ()

    # filter field -> the debtor-dimension column it constrains (debtor_dimensions at a date)
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

    def not_applicable_to(self, table: str) -> list[str]:
        """Names of the active filters that cannot select rows of ``table`` (said next to the filter)."""
        possible = filters_applicable(table)
        return [FILTER_NAMES[name] for name in self.active if FILTER_NAMES[name] not in possible]

    def resolve(self, book: Portfolio, dims: pl.DataFrame) -> Selection:
        """The debtors, clients and invoices these filters keep, with dimensions ``dims`` of one date."""
        debtor_level = replace(self, client_ids=())
        debtors = dims.filter(debtor_level.predicate())["debtor_id"] if debtor_level.active else None
        invoices = None
        if self.active:
            kept = book.invoices.lazy()
            if debtors is not None:
                kept = kept.filter(pl.col("debtor_id").is_in(debtors.implode()))
            if self.client_ids:
                kept = kept.filter(pl.col("client_id").is_in(list(self.client_ids)))
            invoices = kept.select("invoice_id", "debtor_id").collect()
        regions = dict(book.collectors.select("collector_id", "region_id").iter_rows())
        return Selection(self, debtors, invoices, regions)

    def key(self) -> tuple:
        """A hashable form, for cache keys."""
        return tuple(sorted(self.active.items()))


@dataclass(frozen=True)
class Selection:
    """Filters resolved at one date. ``debtor_ids`` is None when no debtor-level filter is set;
    ``invoices`` (invoice_id, debtor_id) is None when no filter is set at all."""

    filters: Filters
    debtor_ids: pl.Series | None
    invoices: pl.DataFrame | None
    collector_regions: dict[int, int]

    def apply(self, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows of ``frame`` (rows of ``table``, or rows derived from it with its columns) in the slice."""
        filters = self.filters
        if not filters.active:
            return frame
        rule = rule_of(table)
        if rule.debtor is None:  # rows of a collector (collectors, appeals, incidents, targets)
            return self._by_collector(frame, rule.collector)
        if isinstance(rule.debtor, tuple):  # a fact on an invoice: keep the slice's invoices
            column, parent = rule.debtor
            if parent != "invoices":
                raise ValueError(f"{table} reaches its debtor through {parent}: filter {parent} first, then join")
            return frame.filter(pl.col(column).is_in(self.invoices["invoice_id"].implode()))  # type: ignore[index]
        if self.debtor_ids is not None:
            frame = frame.filter(pl.col(rule.debtor).is_in(self.debtor_ids.implode()))
        if filters.client_ids:
            if isinstance(rule.client, str) and rule.client in frame.columns:
                frame = frame.filter(pl.col(rule.client).is_in(list(filters.client_ids)))
            elif isinstance(rule.client, tuple) and rule.client[0] in frame.columns:
                frame = frame.filter(pl.col(rule.client[0]).is_in(self.invoices["invoice_id"].implode()))  # type: ignore[index]
            else:  # a fact about a debtor: keep the debtors that owe the chosen clients' invoices
                frame = frame.filter(pl.col(rule.debtor).is_in(self.invoices["debtor_id"].implode()))  # type: ignore[index]
        return frame

    def _by_collector(self, frame: pl.DataFrame, column: str | tuple[str, str] | None) -> pl.DataFrame:
        filters = self.filters
        if column is None or not isinstance(column, str):
            return frame
        if filters.collector_ids:
            frame = frame.filter(pl.col(column).is_in(list(filters.collector_ids)))
        if filters.region_ids:
            if "region_id" in frame.columns:
                frame = frame.filter(pl.col("region_id").is_in(list(filters.region_ids)))
            else:
                kept = [c for c, r in self.collector_regions.items() if r in filters.region_ids]
                frame = frame.filter(pl.col(column).is_in(kept))
        return frame

    def book(self, book: Portfolio) -> Portfolio:
        """The book with only the slice's invoices and their reductions (for monthly figures)."""
        if not self.filters.active:
            return book
        invoices = self.apply("invoices", book.invoices)
        reductions = book.reductions.join(invoices.select("invoice_id"), on="invoice_id", how="semi")
        return replace(book, invoices=invoices, reductions=reductions)
