"""Aging bucket edges: inclusive at the top, DPD <= 0 is current."""

import polars as pl
import pytest

from data_access.metrics.buckets import INVOICE_DATE, Buckets

EDGES = (0, 30, 60, 90, 180)


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [
        (-10, "Current"), (0, "Current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
        (61, "61-90"), (90, "61-90"), (91, "91-180"), (180, "91-180"), (181, "180+"), (5000, "180+"),
    ],
)  # fmt: skip
def test_days_past_due_fall_in_the_bucket_whose_top_edge_includes_them(dpd: int, bucket: str) -> None:
    buckets = Buckets.from_edges(EDGES)
    assert pl.select(buckets.label(pl.lit(dpd))).item() == bucket


def test_default_labels_follow_the_domain_brief() -> None:
    assert Buckets.from_edges(EDGES).labels == ("Current", "1-30", "31-60", "61-90", "91-180", "180+")


def test_invoice_date_aging_starts_at_zero_days_since_issue() -> None:
    buckets = Buckets.from_edges(EDGES, INVOICE_DATE)
    assert buckets.labels == ("0-30", "31-60", "61-90", "91-180", "180+")
    assert pl.select(buckets.label(pl.lit(0))).item() == "0-30"
    assert pl.select(buckets.label(pl.lit(31))).item() == "31-60"


def test_configured_edges_make_their_own_buckets() -> None:
    assert Buckets.from_edges((0, 15, 45)).labels == ("Current", "1-15", "16-45", "45+")
