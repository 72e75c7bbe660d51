"""The demo generator is deterministic and carries the relationships the pages are meant to find."""

from datetime import date, timedelta

import polars as pl
import pytest

from data_access.metrics.buckets import Buckets
from data_access.db.schema import metadata
from data_access.demo.generator import CNY, GRADES, generate, generate_tables
from data_access.book.portfolio import Portfolio, reductions_frame
from data_access.metrics.snapshots import month_ends, snapshots

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate(200_000, seed=7, end=END)


def as_portfolio(tables: dict[str, pl.DataFrame]) -> Portfolio:
    return Portfolio(
        invoices=tables["invoices"],
        reductions=reductions_frame(tables["payments"], tables["credit_notes"], tables["write_offs"]),
        debtors=tables["debtors"], clients=tables["clients"], collectors=tables["collectors"],
        regions=tables["regions"], ratings=tables["debtor_ratings"], assignments=tables["assignments"],
        currency="CNY", data_version=1,
    )  # fmt: skip


def test_the_same_seed_gives_the_same_portfolio() -> None:
    first, second = generate(3_000, seed=5, end=END), generate(3_000, seed=5, end=END)
    for name, frame in first.items():
        assert frame.equals(second[name]), name
    assert not generate(3_000, seed=6, end=END)["invoices"].equals(first["invoices"])


def test_tables_come_one_at_a_time_parents_before_children() -> None:
    """A loader writes each table as it comes (PostgreSQL checks every foreign key at once), so a table's
    parents must have come before it."""
    seen: list[str] = []
    for name, _frame in generate_tables(1_000, seed=1, end=END):
        parents = {key.column.table.name for key in metadata.tables[name].foreign_keys} - {name}
        assert parents <= set(seen), (name, parents - set(seen))
        seen.append(name)
    assert len(seen) == len(set(seen)) == 21


def test_default_size_has_the_shape_the_brief_asks_for(demo) -> None:
    assert demo["invoices"].height == 200_000
    assert demo["regions"].height == 10
    assert demo["collectors"].height == 80
    assert demo["clients"].height == 400
    assert demo["debtors"].height == 6_060
    assert demo["invoices"]["issue_date"].min() >= END - timedelta(days=3 * 365)


def first_grade(demo) -> pl.DataFrame:
    return demo["debtor_ratings"].sort("rated_on").group_by("debtor_id").agg(pl.col("grade").first())


def test_default_rate_rises_monotonically_as_the_rating_falls(demo) -> None:
    written_off = demo["write_offs"].join(demo["invoices"], on="invoice_id")["debtor_id"].unique()
    rates = (
        first_grade(demo)
        .with_columns(pl.col("debtor_id").is_in(written_off.implode()).alias("defaulted"))
        .group_by("grade").agg(pl.col("defaulted").mean())
    )  # fmt: skip
    by_grade = dict(rates.iter_rows())
    ordered = [by_grade[g] for g in GRADES]
    # The top grades have a handful of defaults at most; from A down the rise is strict.
    assert max(by_grade["AAA"], by_grade["AA"]) <= by_grade["A"], ordered
    assert ordered[2:] == sorted(ordered[2:]) and len(set(ordered[2:])) == len(ordered[2:]), ordered
    assert by_grade["CCC"] > 10 * by_grade["A"]


def days_late(demo) -> pl.DataFrame:
    last_payment = demo["payments"].group_by("invoice_id").agg(pl.col("payment_date").max())
    return demo["invoices"].join(last_payment, on="invoice_id").with_columns(
        (pl.col("payment_date") - pl.col("due_date")).dt.total_days().clip(lower_bound=0).alias("late")
    )


def test_lower_ratings_pay_later(demo) -> None:
    late = days_late(demo).join(first_grade(demo), on="debtor_id").group_by("grade").agg(pl.col("late").mean())
    by_grade = dict(late.iter_rows())
    assert by_grade["CCC"] > by_grade["BBB"] > by_grade["AAA"]


def test_seniors_get_the_harder_books_and_collect_faster_on_the_same_grade(demo) -> None:
    owners = demo["assignments"].sort("start_date").group_by("debtor_id").agg(pl.col("collector_id").first())
    book = owners.join(first_grade(demo), on="debtor_id").join(demo["collectors"], on="collector_id")
    low = book.with_columns(pl.col("grade").is_in(["BB", "B", "CCC"]).alias("low")).group_by("level").agg(
        pl.col("low").mean()
    )
    low_share = dict(low.iter_rows())
    assert low_share["senior"] > low_share["mid"] > low_share["junior"]
    same_grade = days_late(demo).join(book.select("debtor_id", "grade", "level"), on="debtor_id").filter(
        pl.col("grade") == "BB"
    )
    late = dict(same_grade.group_by("level").agg(pl.col("late").mean()).iter_rows())
    assert late["senior"] < late["junior"]


def test_credit_events_precede_most_defaults_and_also_raise_false_alarms(demo) -> None:
    first_write_off = demo["write_offs"].join(demo["invoices"], on="invoice_id").group_by("debtor_id").agg(
        pl.col("write_off_date").min()
    )
    warned = (
        demo["credit_events"].join(first_write_off, on="debtor_id")
        .filter(pl.col("event_date") < pl.col("write_off_date"))["debtor_id"].n_unique()
    )  # fmt: skip
    assert warned / first_write_off.height > 0.6
    false_alarms = demo["credit_events"].join(first_write_off, on="debtor_id", how="anti")
    assert false_alarms.height > 0.3 * demo["credit_events"].height


def test_regions_differ_in_load_per_collector(demo) -> None:
    per_region = demo["invoices"].join(demo["debtors"], on="debtor_id").group_by("region_id").len("invoices").join(
        demo["collectors"].group_by("region_id").len("collectors"), on="region_id"
    ).with_columns((pl.col("invoices") / pl.col("collectors")).alias("load"))
    assert per_region["load"].max() > 2 * per_region["load"].min()


def test_fewer_invoices_are_issued_around_chinese_new_year(demo) -> None:
    per_day = demo["invoices"].group_by("issue_date").len()
    around = pl.any_horizontal(
        [pl.col("issue_date").is_between(c - timedelta(days=7), c + timedelta(days=13)) for c in CNY]
    )
    assert per_day.filter(around)["len"].mean() < 0.6 * per_day.filter(~around)["len"].mean()


def test_bad_debt_rate_moves_around_the_two_percent_target(demo) -> None:
    portfolio = as_portfolio(demo)
    ends = month_ends(END, 24)
    month_end_book = snapshots(portfolio, ends, Buckets.from_edges((0, 30, 60, 90, 180))).group_by("month_end").agg(
        pl.col("balance_cents").sum()
    ).sort("month_end")
    write_offs = demo["write_offs"].filter(pl.col("write_off_date") > ends[-13])["amount_cents"].sum()
    rate = write_offs / month_end_book.tail(12)["balance_cents"].mean()
    assert 0.015 <= rate <= 0.035, rate


def test_construction_deteriorates_in_one_year(demo) -> None:
    by_year = (
        demo["write_offs"].join(demo["invoices"], on="invoice_id").join(demo["debtors"], on="debtor_id")
        .group_by(pl.col("due_date").dt.year().alias("year"), pl.col("industry") == "Construction")
        .agg(pl.col("amount_cents").sum())
    )  # fmt: skip
    construction = by_year.filter(pl.col("industry"))["amount_cents"].sum()
    assert construction > 0.2 * by_year["amount_cents"].sum()  # one industry in ten


def test_promises_are_kept_partly_kept_and_broken(demo) -> None:
    grace = 3
    paid = demo["promises"].join(demo["payments"], on="invoice_id").filter(
        (pl.col("payment_date") >= pl.col("made_on"))
        & (pl.col("payment_date") <= pl.col("promised_date") + timedelta(days=grace))
    ).group_by("promise_id").agg(pl.col("amount_cents_right").sum().alias("paid"))
    status = demo["promises"].join(paid, on="promise_id", how="left").with_columns(
        pl.when(pl.col("paid").fill_null(0) >= pl.col("amount_cents")).then(pl.lit("kept"))
        .when(pl.col("paid").fill_null(0) > 0).then(pl.lit("partial")).otherwise(pl.lit("broken")).alias("status")
    )  # fmt: skip
    counts = dict(status.group_by("status").len().iter_rows())
    assert set(counts) == {"kept", "partial", "broken"}
    assert min(counts.values()) > 0.02 * status.height


def test_escalation_ladders_are_climbed_in_order(demo) -> None:
    ladder = demo["collection_actions"].sort("invoice_id", "action_date", "escalation_level").group_by(
        "invoice_id", maintain_order=True
    ).agg(pl.col("escalation_level"))
    assert ladder["escalation_level"].list.eval(pl.element().diff().fill_null(0).min() >= 0).explode().all()


def test_rare_compliance_incidents_some_confirmed(demo) -> None:
    incidents = demo["compliance_incidents"]
    assert 0 < incidents.height < demo["collectors"].height
    assert 0 < incidents["confirmed"].sum() < incidents.height


@pytest.mark.parametrize("quarter_end", [date(2026, 6, 30), date(2026, 9, 30)])
def test_seniors_come_out_ahead_on_difficulty_adjusted_recovery(demo, quarter_end) -> None:
    from data_access.metrics import appraisal

    portfolio = as_portfolio(demo)
    entries, cash = appraisal.recovery_by_collector(portfolio, appraisal.period_containing("quarter", quarter_end))
    adjusted = appraisal.difficulty_adjusted(entries, cash).join(portfolio.collectors.select("collector_id", "level"),
                                                                 on="collector_id")  # fmt: skip
    by_level = dict(adjusted.group_by("level").agg(
        (pl.col("actual_cents").sum() / pl.col("expected_cents").sum()).alias("adjusted")).iter_rows())  # fmt: skip
    assert by_level["senior"] > by_level["mid"] > by_level["junior"]
