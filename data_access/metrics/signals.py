"""Early-warning signals and exposure of each debtor, at one or many as-of dates, from facts dated <= each date.

``debtor_signals(book, promises, credit_events, dates, rules)`` gives one row per (as-of date, debtor with
an outstanding balance then): its exposure (outstanding, overdue, worst days past due, weighted days past
due), its rating now and 90 days before, the early-warning signals of the scheme (DOMAIN §2.5) and the
measures the risk model reads. The same function serves the page (one or two dates) and the model's
training (a date every 30 days over the history), so what is trained on is what is scored.

Every figure at a date D uses only facts dated on or before D (tests/test_early_warning_property.py):
invoices issued by D, reductions dated by D, ratings rated by D, credit events dated by D, promises
judged by D (promised date + grace <= D). Definitions, with their windows, are in docs/early_warning.md.

It is vectorised over dates: an invoice is paired with the as-of dates on which it is open (issued, not
yet fully reduced), and an event with the dates whose window holds it; nothing loops over dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from data_access.book.portfolio import PAYMENT, Portfolio
from data_access.metrics.asof import remainder_cents
from data_access.metrics.recovery import promise_results

WINDOW_DAYS = 90  # "recent": rating downgrades, credit events, promises, partial payments
HISTORY_DAYS = 180  # payment history: invoices settled in the last 180 days
RISING_STEP_DAYS = 30  # days late rising: weighted DPD at D-90 < D-60 < D-30 < D
QUIET_CAP_DAYS = 365  # days since the last payment, capped (and for a debtor never paid)
GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC")
EVENT_TYPES = ("litigation", "business_anomaly", "negative_news", "executive_change", "bankruptcy")

# The signals of the early-warning list, in the order they are shown; each is a boolean column.
SIGNALS = ("rating_downgrade", *EVENT_TYPES, "broken_promises", "partial_payments", "days_late_rising",
           "limit_utilisation", "client_concentration")  # fmt: skip


@dataclass(frozen=True)
class SignalRules:
    """The thresholds the signals use (from settings)."""

    grace_days: int = 3  # RDASH_PROMISE_GRACE_DAYS
    limit_flag: float = 0.90  # RDASH_LIMIT_UTILISATION_FLAG: utilisation above it is a signal
    client_share: float = 0.20  # RDASH_EARLY_WARNING_CLIENT_SHARE: share of one client's book above it


def _days(dates: list[date]) -> np.ndarray:
    return np.array([(d - date(1970, 1, 1)).days for d in dates], dtype=np.int64)


def _date_grid(dates: list[date]) -> pl.DataFrame:
    return pl.DataFrame({"k": np.arange(len(dates)), "as_of": dates}, schema={"k": pl.Int64, "as_of": pl.Date})


def _spans(frame: pl.DataFrame, dates: list[date], start: str, end: str | None) -> pl.DataFrame:
    """``frame`` rows paired with every as-of date D in [start, end) (``end`` None or null: no end).

    Dates must be sorted ascending. Returns the rows with an ``as_of`` column, one row per pair.
    """
    grid = _days(dates)
    day = lambda column: frame[column].cast(pl.Date).to_physical().to_numpy().astype(np.int64)  # noqa: E731
    lo = np.searchsorted(grid, day(start), side="left")
    if end is None:
        hi = np.full(frame.height, grid.size)
    else:
        ends = frame[end].cast(pl.Date).to_physical()
        hi = np.where(ends.is_null().to_numpy(), grid.size,
                      np.searchsorted(grid, ends.fill_null(0).to_numpy().astype(np.int64), side="left"))  # fmt: skip
    hi = np.maximum(hi, lo)
    return (
        frame.with_columns(pl.int_ranges(pl.Series(lo), pl.Series(hi)).alias("k"))
        .explode("k", empty_as_null=False)
        .drop_nulls("k")
        .join(_date_grid(dates), on="k")
        .drop("k")
    )


def _windowed(events: pl.DataFrame, dates: list[date], days: int | None) -> pl.DataFrame:
    """Events (``debtor_id``, ``date``, ``kind``) counted per (as_of, debtor_id, kind) when dated in
    (D - days, D]; ``days`` None counts every event dated by D."""
    if events.is_empty():
        return pl.DataFrame(schema={"as_of": pl.Date, "debtor_id": pl.Int64, "kind": pl.String, "n": pl.UInt32})
    framed = events.with_columns(
        pl.col("date").cast(pl.Date), (pl.col("date").cast(pl.Date) + timedelta(days=days or 0)).alias("until")
    )
    paired = _spans(framed, dates, "date", None if days is None else "until")
    return paired.group_by("as_of", "debtor_id", "kind").agg(pl.len().alias("n"))


def _running(book: Portfolio) -> pl.DataFrame:
    """Per invoice and reduction date: everything reduced up to and including that date (all kinds)."""
    return (
        book.reductions.group_by("invoice_id", "date").agg(pl.col("amount_cents").sum().alias("day_cents"))
        .sort("invoice_id", "date")
        .with_columns(pl.col("day_cents").cum_sum().over("invoice_id").alias("reduced_cents"))
    )  # fmt: skip


def _invoices_closed(book: Portfolio, running: pl.DataFrame) -> pl.DataFrame:
    """Each invoice with ``closed_on``: the first date its reductions reach its amount (null while open)."""
    closed = (
        running.join(book.invoices.select("invoice_id", "amount_cents"), on="invoice_id")
        .filter(pl.col("reduced_cents") >= pl.col("amount_cents"))
        .group_by("invoice_id").agg(pl.col("date").min().alias("closed_on"))
    )  # fmt: skip
    return book.invoices.select("invoice_id", "debtor_id", "client_id", "issue_date", "due_date", "amount_cents",
                                "disputed").join(closed, on="invoice_id", how="left")  # fmt: skip


def open_invoices_at(book: Portfolio, dates: list[date], running: pl.DataFrame | None = None,
                     closed: pl.DataFrame | None = None) -> pl.DataFrame:  # fmt: skip
    """Every invoice with an outstanding balance at each as-of date: (as_of, invoice, debtor, client,
    due date, outstanding_cents, dpd, disputed). Outstanding = amount - reductions dated <= D (> 0)."""
    dates = sorted(set(dates))
    running = _running(book) if running is None else running
    closed = _invoices_closed(book, running) if closed is None else closed
    pairs = _spans(closed, dates, "issue_date", "closed_on")
    if pairs.is_empty():
        return pairs.with_columns(pl.lit(0, pl.Int64).alias("outstanding_cents"), pl.lit(0, pl.Int32).alias("dpd"))
    reduced = running.select("invoice_id", pl.col("date").alias("reduced_on"), "reduced_cents").sort("reduced_on")
    return (
        pairs.sort("as_of")
        .join_asof(reduced, left_on="as_of", right_on="reduced_on", by="invoice_id", strategy="backward",
                   check_sortedness=False)
        .with_columns(
            (pl.col("amount_cents") - pl.col("reduced_cents").fill_null(0)).alias("outstanding_cents"),
            (pl.col("as_of") - pl.col("due_date")).dt.total_days().cast(pl.Int32).alias("dpd"),
        )
        .drop("reduced_on", "reduced_cents")
    )


def exposure_at(open_pairs: pl.DataFrame) -> pl.DataFrame:
    """Per (as_of, debtor): outstanding, overdue, worst and weighted days past due, open and overdue invoices."""
    overdue = pl.col("dpd") > 0
    return open_pairs.group_by("as_of", "debtor_id").agg(
        pl.col("outstanding_cents").sum(),
        pl.col("outstanding_cents").filter(overdue).sum().alias("overdue_cents"),
        pl.col("outstanding_cents").filter(pl.col("dpd").is_between(31, 60)).sum().alias("dpd_31_60_cents"),
        pl.col("outstanding_cents").filter(pl.col("dpd").is_between(61, 90)).sum().alias("dpd_61_90_cents"),
        pl.col("dpd").max().alias("worst_dpd"),
        ((pl.col("outstanding_cents") * pl.col("dpd").clip(lower_bound=0)).sum() / pl.col("outstanding_cents").sum())
        .alias("weighted_dpd"),
        pl.len().alias("open_invoices"),
        overdue.sum().cast(pl.Int64).alias("overdue_invoices"),
        (pl.col("disputed") & overdue).sum().cast(pl.Int64).alias("disputed_overdue"),
    )  # fmt: skip


def _ratings(book: Portfolio, rows: pl.DataFrame, credit_events: pl.DataFrame, dates: list[date]) -> pl.DataFrame:
    """Grade at D and at D-90 (latest rating dated by then), and downgrades dated in (D-90, D]: a rating
    worse than the debtor's previous one, or a ``rating_downgrade`` credit event."""
    order = {g: i for i, g in enumerate(GRADES)}
    ratings = (
        book.ratings.select("debtor_id", pl.col("rated_on").cast(pl.Date), "grade")
        .with_columns(pl.col("grade").replace_strict(order, default=None, return_dtype=pl.Int32).alias("grade_index"))
        .sort("debtor_id", "rated_on")
        .with_columns((pl.col("grade_index") > pl.col("grade_index").shift(1).over("debtor_id")).fill_null(False)
                      .alias("worse"))
    )  # fmt: skip
    at = lambda column, suffix: (  # noqa: E731 - the latest rating dated by ``column``
        rows.select("as_of", "debtor_id", pl.col(column).alias("on")).sort("on")
        .join_asof(ratings.select("debtor_id", "rated_on", "grade", "grade_index").sort("rated_on"),
                   left_on="on", right_on="rated_on", by="debtor_id", strategy="backward",
                   check_sortedness=False)
        .select("as_of", "debtor_id", pl.col("grade").alias(f"grade{suffix}"),
                pl.col("grade_index").alias(f"grade_index{suffix}"), pl.col("rated_on").alias(f"rated_on{suffix}"))
    )  # fmt: skip
    now = at("as_of", "")
    before = at("before", "_before")
    downgrades = pl.concat([
        ratings.filter(pl.col("worse")).select("debtor_id", pl.col("rated_on").alias("date")),
        credit_events.filter(pl.col("event_type") == "rating_downgrade")
        .select("debtor_id", pl.col("event_date").cast(pl.Date).alias("date")),
    ]).with_columns(pl.lit("downgrade").alias("kind"))  # fmt: skip
    counted = _windowed(downgrades, dates, WINDOW_DAYS).select("as_of", "debtor_id", pl.col("n").alias("downgrades"))
    return now.join(before, on=["as_of", "debtor_id"], how="left").join(counted, on=["as_of", "debtor_id"],
                                                                        how="left")  # fmt: skip


def _promises(book: Portfolio, promises: pl.DataFrame, dates: list[date], grace_days: int) -> pl.DataFrame:
    """Promises judged in (D-90, D], by result: a promise is judged on its promised date + grace days."""
    if promises.is_empty():
        return pl.DataFrame(schema={"as_of": pl.Date, "debtor_id": pl.Int64, "kind": pl.String, "n": pl.UInt32})
    judged = promise_results(promises, book, grace_days, max(dates))
    events = judged.select(
        "debtor_id", (pl.col("promised_date") + timedelta(days=grace_days)).alias("date"),
        pl.col("status").alias("kind"), "made_on",
    )  # fmt: skip
    paired = _spans(events.with_columns((pl.col("date") + timedelta(days=WINDOW_DAYS)).alias("until")), dates, "date",
                    "until")  # fmt: skip
    # A promise is known once made; one judged on a date before it was made (bad data) counts from then.
    return paired.filter(pl.col("made_on") <= pl.col("as_of")).group_by("as_of", "debtor_id", "kind").agg(
        pl.len().alias("n"))


def _partial_payments(book: Portfolio, running: pl.DataFrame, dates: list[date]) -> pl.DataFrame:
    """Payments dated in (D-90, D] on an invoice already past due that left it open (short payments)."""
    payments = book.reductions.filter(pl.col("kind") == PAYMENT).select("invoice_id", "date").unique()
    partial = (
        payments.join(running.select("invoice_id", "date", "reduced_cents"), on=["invoice_id", "date"])
        .join(book.invoices.select("invoice_id", "debtor_id", "due_date", "amount_cents", "issue_date"), on="invoice_id")
        .filter((pl.col("date") > pl.col("due_date")) & (pl.col("reduced_cents") < pl.col("amount_cents")))
        # known once both the payment and the invoice exist
        .select("debtor_id", pl.max_horizontal("date", "issue_date").alias("date"), pl.lit("partial").alias("kind"))
    )  # fmt: skip
    return _windowed(partial, dates, WINDOW_DAYS).select("as_of", "debtor_id", pl.col("n").alias("partial_payments_90d"))


def _history(closed: pl.DataFrame, dates: list[date]) -> pl.DataFrame:
    """Invoices closed in (D-180, D]: how many, how many after their due date, mean days late by amount."""
    settled = closed.filter(pl.col("closed_on").is_not_null()).select(
        "debtor_id", "amount_cents",
        pl.max_horizontal("closed_on", "issue_date").alias("date"),
        (pl.col("closed_on") - pl.col("due_date")).dt.total_days().clip(lower_bound=0).alias("days_late"),
    ).with_columns((pl.col("date") + timedelta(days=HISTORY_DAYS)).alias("until"))  # fmt: skip
    paired = _spans(settled, dates, "date", "until")
    return paired.group_by("as_of", "debtor_id").agg(
        pl.len().alias("settled_180d"),
        (pl.col("days_late") > 0).sum().alias("late_180d"),
        ((pl.col("days_late") * pl.col("amount_cents")).sum() / pl.col("amount_cents").sum()).alias("days_late_180d"),
    )


def _last_payment(book: Portfolio, rows: pl.DataFrame) -> pl.DataFrame:
    """Days from the debtor's latest payment dated by D to D (capped; never paid = the cap)."""
    paid = (
        book.reductions.filter(pl.col("kind") == PAYMENT).join(book.invoices.select("invoice_id", "debtor_id"),
                                                               on="invoice_id")
        .select("debtor_id", pl.col("date").cast(pl.Date).alias("paid_on")).unique().sort("paid_on")
    )  # fmt: skip
    return (
        rows.select("as_of", "debtor_id").sort("as_of")
        .join_asof(paid, left_on="as_of", right_on="paid_on", by="debtor_id", strategy="backward",
                   check_sortedness=False)
        .with_columns((pl.col("as_of") - pl.col("paid_on")).dt.total_days().fill_null(QUIET_CAP_DAYS)
                      .clip(upper_bound=QUIET_CAP_DAYS).alias("days_since_payment"))
        .drop("paid_on")
    )  # fmt: skip


def client_books(book: Portfolio, dates: list[date]) -> pl.DataFrame:
    """Each client's outstanding book at each as-of date: (as_of, client_id, client_cents).

    One array pass over the reductions per date (``asof.remainder_cents``), not the invoice-date pairs: the
    risk model's training passes the whole book's client books with a sample of its debtors, whose shares
    of a client's book must still be shares of all of it. Reductions are positive, so an invoice's
    remainder at D is positive exactly when it is open at D, as in ``open_invoices_at``."""
    clients = book.invoices["client_id"]
    per_date = []
    for day in sorted(set(dates)):
        remainder = remainder_cents(book, day)
        open_rows = remainder > 0
        per_date.append(pl.DataFrame({"client_id": clients.filter(pl.Series(open_rows)),
                                      "client_cents": remainder[open_rows]})
                        .group_by("client_id").agg(pl.col("client_cents").sum())
                        .with_columns(pl.lit(day, pl.Date).alias("as_of")))  # fmt: skip
    return pl.concat(per_date).select("as_of", "client_id", "client_cents") if per_date else pl.DataFrame(
        schema={"as_of": pl.Date, "client_id": pl.Int64, "client_cents": pl.Int64})


def _client_share(open_pairs: pl.DataFrame, books: pl.DataFrame) -> pl.DataFrame:
    """The largest share the debtor holds of one client's outstanding book at D (``books``: ``client_books``)."""
    pairs = open_pairs.group_by("as_of", "client_id", "debtor_id").agg(pl.col("outstanding_cents").sum()).join(
        books, on=["as_of", "client_id"], how="left")
    # Divided in numpy: Polars multiplied by the reciprocal when the client books held one row, a last digit
    # away from the quotient, so one date alone and many dates together disagreed.
    # A client book missing from ``books`` leaves the share unknown (null), never NaN, which compares as true.
    share = pl.Series("share", pairs["outstanding_cents"].to_numpy() / pairs["client_cents"].to_numpy()).fill_nan(None)
    return pairs.with_columns(share).group_by("as_of", "debtor_id").agg(pl.col("share").max().alias("client_share"))


def of_debtors(book: Portfolio, promises: pl.DataFrame, credit_events: pl.DataFrame, debtor_ids: pl.Series
               ) -> tuple[Portfolio, pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """The book, promises and credit events of some debtors only (the inputs of ``debtor_signals``)."""
    keep = pl.col("debtor_id").is_in(debtor_ids.implode())
    return book.for_debtors(debtor_ids), promises.filter(keep), credit_events.filter(keep)


# A book of more invoices than this is computed in parts of whole debtors: at 10M invoices the pairs of
# invoices and dates behind two dates' signals held 5 GB at once; a part of 2M invoices holds about 1 GB.
PART_INVOICES = 2_000_000


def debtor_signals(book: Portfolio, promises: pl.DataFrame, credit_events: pl.DataFrame, dates: list[date],
                   rules: SignalRules = SignalRules(), books: pl.DataFrame | None = None) -> pl.DataFrame:  # fmt: skip
    """One row per (as_of, debtor) with an outstanding balance at that date: exposure, rating, signals
    (boolean columns named as in ``SIGNALS``, and ``signals``: how many are on) and model measures.

    Every measure but the client share reads only the debtor's own facts, so ``book`` may hold some debtors
    only (``Portfolio.for_debtors``), with ``books`` the whole book's ``client_books`` at ``dates``. A large
    book is computed so, in parts of whole debtors (debtor id modulo the number of parts, PART_INVOICES
    invoices a part on average), which bounds the memory without changing a figure. A promise counts in the
    part of its own debtor, with the payments of that part's invoices: where a promise names an invoice of
    another debtor (the schema does not forbid it; the demo never does it), its payments are not seen."""
    parts = -(-book.invoices.height // PART_INVOICES)
    if parts <= 1:
        return _signals(book, promises, credit_events, dates, rules, books)
    books = client_books(book, dates) if books is None else books
    frames = []
    for part in range(parts):
        debtors = book.debtors.filter(pl.col("debtor_id") % parts == part)["debtor_id"]
        frame = _signals(*of_debtors(book, promises, credit_events, debtors), dates, rules, books)
        if frame.height:
            frames.append(frame)
    return pl.concat(frames).sort("as_of", "debtor_id") if frames else empty_signals()


def _signals(book: Portfolio, promises: pl.DataFrame, credit_events: pl.DataFrame, dates: list[date],
             rules: SignalRules, books: pl.DataFrame | None) -> pl.DataFrame:  # fmt: skip
    dates = sorted(set(dates))
    rising_dates = sorted({d - timedelta(days=RISING_STEP_DAYS * k) for d in dates for k in range(4)})
    running = _running(book)
    closed = _invoices_closed(book, running)
    open_pairs = open_invoices_at(book, rising_dates, running, closed)
    exposure = exposure_at(open_pairs)
    rows = exposure.filter(pl.col("as_of").is_in(dates) & (pl.col("outstanding_cents") > 0)).with_columns(
        (pl.col("as_of") - timedelta(days=WINDOW_DAYS)).alias("before"))
    if rows.is_empty():
        return empty_signals()
    weighted = exposure.select("as_of", "debtor_id", "weighted_dpd")
    for k in (1, 2, 3):  # weighted DPD 30, 60 and 90 days earlier (0 when nothing was open then)
        rows = rows.join(
            weighted.with_columns(pl.col("as_of") + timedelta(days=RISING_STEP_DAYS * k))
            .rename({"weighted_dpd": f"weighted_dpd_{k}"}), on=["as_of", "debtor_id"], how="left",
        ).with_columns(pl.col(f"weighted_dpd_{k}").fill_null(0.0))  # fmt: skip

    events = credit_events.select("debtor_id", pl.col("event_date").alias("date"), pl.col("event_type").alias("kind"))
    counts = pl.concat([
        _windowed(events.filter(pl.col("kind") != "bankruptcy"), dates, WINDOW_DAYS),
        _windowed(events.filter(pl.col("kind") == "bankruptcy"), dates, None),  # a bankruptcy stays known
        _promises(book, promises, dates, rules.grace_days),
    ]).pivot("kind", index=["as_of", "debtor_id"], values="n", aggregate_function="sum")  # fmt: skip
    count_columns = {**{t: f"{t}_events" for t in EVENT_TYPES}, "broken": "broken_promises_90d",
                     "partial": "partial_promises_90d", "kept": "kept_promises_90d"}  # fmt: skip
    counts = counts.rename({k: v for k, v in count_columns.items() if k in counts.columns})
    limits = book.debtors.select("debtor_id", "credit_limit_cents")

    frame = (
        rows.join(_ratings(book, rows, credit_events, dates), on=["as_of", "debtor_id"], how="left")
        .join(counts, on=["as_of", "debtor_id"], how="left")
        .join(_partial_payments(book, running, dates), on=["as_of", "debtor_id"], how="left")
        .join(_history(closed, dates), on=["as_of", "debtor_id"], how="left")
        .join(_last_payment(book, rows), on=["as_of", "debtor_id"], how="left")
        .join(_client_share(open_pairs.filter(pl.col("as_of").is_in(dates)),
                            client_books(book, dates) if books is None else books),
              on=["as_of", "debtor_id"], how="left")  # fmt: skip
        .join(limits, on="debtor_id", how="left")
    )
    for column in (*count_columns.values(), "downgrades", "partial_payments_90d", "settled_180d", "late_180d"):
        frame = frame.with_columns((pl.col(column) if column in frame.columns else pl.lit(0)).fill_null(0)
                                   .cast(pl.Int64).alias(column))  # fmt: skip
    frame = frame.with_columns(
        pl.when(pl.col("credit_limit_cents") > 0).then(pl.col("outstanding_cents") / pl.col("credit_limit_cents"))
        .alias("limit_utilisation_share"),
        pl.col("days_late_180d").fill_null(0.0),
    )  # fmt: skip
    signal = {
        "rating_downgrade": pl.col("downgrades") > 0,
        **{t: pl.col(f"{t}_events") > 0 for t in EVENT_TYPES},
        "broken_promises": pl.col("broken_promises_90d") > 0,
        "partial_payments": pl.col("partial_payments_90d") > 0,
        "days_late_rising": (pl.col("weighted_dpd_3") < pl.col("weighted_dpd_2"))
        & (pl.col("weighted_dpd_2") < pl.col("weighted_dpd_1")) & (pl.col("weighted_dpd_1") < pl.col("weighted_dpd")),
        "limit_utilisation": (pl.col("limit_utilisation_share") > rules.limit_flag).fill_null(False),
        "client_concentration": (pl.col("client_share") > rules.client_share).fill_null(False),
    }  # fmt: skip
    frame = frame.with_columns(expr.alias(name) for name, expr in signal.items())
    return frame.with_columns(pl.sum_horizontal(pl.col(s).cast(pl.Int32) for s in SIGNALS).alias("signals")).select(
        SIGNAL_COLUMNS).sort("as_of", "debtor_id")


SIGNAL_COLUMNS = (
    "as_of", "debtor_id", "outstanding_cents", "overdue_cents", "dpd_31_60_cents", "dpd_61_90_cents", "worst_dpd",
    "weighted_dpd", "weighted_dpd_1", "weighted_dpd_2", "weighted_dpd_3", "open_invoices", "overdue_invoices",
    "disputed_overdue", "grade", "grade_index", "rated_on", "grade_before", "grade_index_before", "downgrades",
    *(f"{t}_events" for t in EVENT_TYPES), "broken_promises_90d", "partial_promises_90d", "kept_promises_90d", "partial_payments_90d", "settled_180d",
    "late_180d", "days_late_180d", "days_since_payment", "client_share", "credit_limit_cents",
    "limit_utilisation_share", *SIGNALS, "signals",
)  # fmt: skip


def empty_signals() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {c: pl.Int64 for c in SIGNAL_COLUMNS}
    schema.update({"as_of": pl.Date(), "rated_on": pl.Date(), "grade": pl.String(), "grade_before": pl.String(),
                   "worst_dpd": pl.Int32(), "signals": pl.Int32()})  # fmt: skip
    for c in ("weighted_dpd", "weighted_dpd_1", "weighted_dpd_2", "weighted_dpd_3", "days_late_180d", "client_share",
              "limit_utilisation_share"):
        schema[c] = pl.Float64()
    for c in SIGNALS:
        schema[c] = pl.Boolean()
    return pl.DataFrame(schema=schema)
