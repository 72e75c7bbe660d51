"""Aging buckets from the configured edges: labels, and the expression that assigns them.

Edges are inclusive upper bounds in days: (0, 30, 60, 90, 180) gives Current (DPD <= 0), 1-30,
31-60, 61-90, 91-180 and 180+. Aged by invoice date, the first bucket is 0-30 (days since issue).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

CURRENT = "Current"
DUE_DATE = "due"
INVOICE_DATE = "invoice"
BASES = (DUE_DATE, INVOICE_DATE)


@dataclass(frozen=True)
class Buckets:
    edges: tuple[int, ...]  # inclusive upper bounds; the last bucket is open-ended
    labels: tuple[str, ...]

    @classmethod
    def from_edges(cls, edges: tuple[int, ...], basis: str = DUE_DATE) -> Buckets:
        if basis not in BASES:
            raise ValueError(f"Unknown aging basis {basis!r}; use one of {BASES}")
        if basis == INVOICE_DATE:
            # Days since issue are never negative: the first bucket runs from 0 to the next edge.
            edges = edges[1:]
            labels = [f"0-{edges[0]}"]
        else:
            labels = [CURRENT]
        labels += [f"{lo + 1}-{hi}" for lo, hi in zip(edges, edges[1:], strict=False)]
        labels.append(f"{edges[-1]}+")
        return cls(edges=tuple(edges), labels=tuple(labels))

    @property
    def dtype(self) -> pl.Enum:
        return pl.Enum(self.labels)

    def index(self, days: pl.Expr) -> pl.Expr:
        """0-based bucket index for a days column: the number of edges strictly below it."""
        return pl.sum_horizontal([(days > edge).cast(pl.Int8) for edge in self.edges]).cast(pl.Int8)

    def label(self, days: pl.Expr) -> pl.Expr:
        return pl.lit(pl.Series(self.labels, dtype=self.dtype)).gather(self.index(days))
