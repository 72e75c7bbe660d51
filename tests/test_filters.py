"""Filters: applied to frames, parsed from and written to the URL, described in words."""

from datetime import date

import polars as pl

from dashboard.filters import Options, View, describe, parse_url, to_url
from data_access.book.filters import Filters

OPTIONS = Options(
    regions={1: "East China", 2: "South China"},
    clients={7: "Client 0007"},
    industries={"Construction": "Construction", "Retail": "Retail"},
    collectors={3: "王伟 (C003)"},
    grades={"A": "A", "B": "B"},
    first_date=date(2024, 1, 1),
    last_date=date(2026, 10, 31),
)


def test_a_url_round_trips_through_the_view() -> None:
    params = {"as_of": "2026-06-30", "region": "2,1", "grade": "B", "industry": "Construction"}
    view = parse_url(params, OPTIONS)
    assert view.as_of == date(2026, 6, 30)
    assert view.filters == Filters(region_ids=(2, 1), industries=("Construction",), grades=("B",))
    assert to_url(view, OPTIONS) == params | {"region": "2,1"}


def test_the_default_view_leaves_the_url_empty() -> None:
    assert to_url(View(as_of=OPTIONS.last_date, filters=Filters()), OPTIONS) == {}


def test_unknown_and_malformed_values_are_dropped_and_named() -> None:
    view = parse_url({"region": "1,9,x", "as_of": "2030-01-01"}, OPTIONS)
    assert view.filters.region_ids == (1,)
    assert view.as_of == OPTIONS.last_date
    assert view.ignored == (
        "as_of=2030-01-01 is not a date in the data (2024-01-01 to 2026-10-31)",
        "Region=9 is unknown",
        "Region=x is unknown",
    )


def test_the_description_names_every_active_filter_and_the_date() -> None:
    view = View(as_of=date(2026, 6, 30), filters=Filters(region_ids=(1,), collector_ids=(3,)))
    assert describe(view, OPTIONS) == "Region East China · Collector 王伟 (C003) · as of 2026-06-30"
    assert describe(View(as_of=date(2026, 6, 30), filters=Filters()), OPTIONS) == "All receivables · as of 2026-06-30"


def test_filters_combine_with_and_across_fields_and_or_within_one() -> None:
    frame = pl.DataFrame({"region_id": [1, 1, 2, 2], "grade": ["A", "B", "A", "B"], "debtor_id": [1, 2, 3, 4]})
    chosen = Filters(region_ids=(1, 2), grades=("B",)).apply(frame)
    assert chosen["debtor_id"].to_list() == [2, 4]


def test_restrict_selects_debtors_by_their_dimensions_and_invoices_by_client() -> None:
    dims = pl.DataFrame({"debtor_id": [1, 2], "region_id": [1, 2], "industry": ["Retail", "Retail"],
                         "grade": ["A", "A"], "collector_id": [3, 3]})  # fmt: skip
    snaps = pl.DataFrame({"debtor_id": [1, 2, 1], "client_id": [7, 7, 8]})
    assert Filters(region_ids=(1,)).restrict(snaps, dims).rows() == [(1, 7), (1, 8)]
    assert Filters(region_ids=(1,), client_ids=(7,)).restrict(snaps, dims).rows() == [(1, 7)]
