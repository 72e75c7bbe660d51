"""Hand-built receivables books for exact-number tests: a few invoices, no database.

Also generated books and histories for the property tests (Hypothesis): ``generated_books`` and
``histories``, which give a world recorded up to a date D and the same world after later facts.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

import polars as pl
from hypothesis import strategies as st

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
        collectors=pl.DataFrame({"collector_id": [1], "name": ["Collector 1"], "region_id": [1], "level": ["senior"]}),
        regions=pl.DataFrame({"region_id": [1], "name": ["East China"]}),
        ratings=pl.DataFrame({"debtor_id": debtor_ids, "rated_on": [date(2000, 1, 1)] * len(debtor_ids),
                              "grade": ["BBB"] * len(debtor_ids)}),  # fmt: skip
        assignments=pl.DataFrame({"debtor_id": debtor_ids, "collector_id": [1] * len(debtor_ids),
                                  "start_date": [date(2000, 1, 1)] * len(debtor_ids),
                                  "end_date": pl.Series([None] * len(debtor_ids), dtype=pl.Date)}),  # fmt: skip
        currency="CNY",
        data_version=1,
    )


# Generated books and histories for property tests ------------------------------------------------

START = date(2025, 7, 1)  # generated histories begin here (ratings and assignments a year before)
DEBTORS = (1, 2, 3)
COLLECTORS = {1: 1, 2: 2}  # collector_id -> region_id
STAGES = ("filed", "hearing", "judgment", "enforcement", "closed")

TABLE_SCHEMAS = {
    "promises": {"promise_id": pl.Int64, "debtor_id": pl.Int64, "invoice_id": pl.Int64, "collector_id": pl.Int64,
                 "made_on": pl.Date, "promised_date": pl.Date, "amount_cents": pl.Int64},
    "collection_actions": {"action_id": pl.Int64, "debtor_id": pl.Int64, "collector_id": pl.Int64,
                           "action_date": pl.Date, "outcome": pl.String},
    "satisfaction_surveys": {"survey_id": pl.Int64, "debtor_id": pl.Int64, "collector_id": pl.Int64,
                             "survey_date": pl.Date, "score": pl.Int64},
    "escalations": {"escalation_id": pl.Int64, "debtor_id": pl.Int64, "collector_id": pl.Int64,
                    "flagged_on": pl.Date, "escalated_on": pl.Date},
    "compliance_incidents": {"incident_id": pl.Int64, "collector_id": pl.Int64, "reported_on": pl.Date,
                             "kind": pl.String, "confirmed": pl.Boolean, "confirmed_on": pl.Date},
    "appeals": {"appeal_id": pl.Int64, "collector_id": pl.Int64, "period_start": pl.Date, "period_end": pl.Date,
                "filed_on": pl.Date, "status": pl.String, "decided_on": pl.Date},
    "legal_cases": {"case_id": pl.Int64, "debtor_id": pl.Int64, "opened_on": pl.Date, "stage": pl.String,
                    "claimed_cents": pl.Int64, "recovered_cents": pl.Int64},
    "legal_case_stages": {"stage_id": pl.Int64, "case_id": pl.Int64, "stage": pl.String, "entered_on": pl.Date,
                          "recovered_cents": pl.Int64},
    "credit_events": {"event_id": pl.Int64, "debtor_id": pl.Int64, "event_date": pl.Date, "event_type": pl.String},
}  # fmt: skip


@dataclass
class Facts:
    """Rows of every dated table as plain tuples (columns as in ``TABLE_SCHEMAS``), before framing."""

    invoices: list[tuple] = field(default_factory=list)  # (invoice_id, issue, due, amount, debtor_id)
    payments: list[tuple] = field(default_factory=list)  # (invoice_id, date, amount) for each kind
    credits: list[tuple] = field(default_factory=list)
    write_offs: list[tuple] = field(default_factory=list)
    ratings: list[tuple] = field(default_factory=list)  # (debtor_id, rated_on, grade)
    assignments: list[list] = field(default_factory=list)  # [debtor_id, collector_id, start, end or None]
    tables: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name in TABLE_SCHEMAS})


class World(NamedTuple):
    book: Portfolio
    tables: dict[str, pl.DataFrame]


def world(facts: Facts) -> World:
    """Frames from facts: the book (as ``book`` builds it, with ratings, assignments and two
    collectors in two regions) and the other tables."""
    iso = date.isoformat
    b = book(
        [(i, iso(issued), iso(due), amount) for i, issued, due, amount, _ in facts.invoices],
        payments=[(i, iso(day), a) for i, day, a in facts.payments],
        credits=[(i, iso(day), a) for i, day, a in facts.credits],
        write_offs=[(i, iso(day), a) for i, day, a in facts.write_offs],
        debtor_of={i: debtor for i, *_, debtor in facts.invoices},
    )  # fmt: skip
    b = replace(
        b,
        debtors=pl.DataFrame({"debtor_id": list(DEBTORS), "name": [f"Debtor {i}" for i in DEBTORS],
                              "industry": ["Retail", "Steel", "Retail"], "region_id": [1, 2, 1],
                              "credit_limit_cents": [0] * len(DEBTORS)}),
        collectors=pl.DataFrame({"collector_id": list(COLLECTORS), "name": ["A", "B"],
                                 "region_id": list(COLLECTORS.values()), "level": ["junior", "senior"]}),
        regions=pl.DataFrame({"region_id": [1, 2], "name": ["East China", "North China"]}),
        ratings=_frame(facts.ratings, {"debtor_id": pl.Int64, "rated_on": pl.Date, "grade": pl.String}),
        assignments=_frame([tuple(row) for row in facts.assignments],
                           {"debtor_id": pl.Int64, "collector_id": pl.Int64, "start_date": pl.Date,
                            "end_date": pl.Date}),
    )  # fmt: skip
    return World(b, {name: _frame(rows, TABLE_SCHEMAS[name]) for name, rows in facts.tables.items()})


class _Generator:
    """Draws facts into ``facts``, numbering rows per table."""

    def __init__(self, draw: st.DrawFn, facts: Facts) -> None:
        self.draw, self.facts = draw, facts

    def day(self, low: date, high: date) -> date:
        return low + timedelta(days=self.draw(st.integers(0, max((high - low).days, 0))))

    def maybe(self) -> bool:
        return self.draw(st.booleans())

    def next_id(self, rows: list) -> int:
        return len(rows) + 1

    def reductions(self, invoice_id: int, amount: int, low: date, high: date) -> None:
        """Up to two of each kind; a payment may exceed the amount (an overpayment)."""
        for kind, most in (("payments", amount + amount // 5), ("credits", amount), ("write_offs", amount)):
            for _ in range(self.draw(st.integers(0, 2))):
                getattr(self.facts, kind).append((invoice_id, self.day(low, high), self.draw(st.integers(1, most))))

    def invoice(self, low: date, high: date, reductions_until: date, *, not_before: date | None = None) -> tuple:
        """An invoice issued in [low, high] with reductions up to ``reductions_until``, some dated up to 20
        days before its issue (never before ``not_before``)."""
        issued = self.day(low, high)
        row = (self.next_id(self.facts.invoices), issued, issued + timedelta(days=self.draw(st.integers(0, 60))),
               self.draw(st.integers(100, 100_000)), self.draw(st.sampled_from(DEBTORS)))  # fmt: skip
        self.facts.invoices.append(row)
        earliest = max(issued - timedelta(days=20), not_before or issued - timedelta(days=20))
        self.reductions(row[0], row[3], earliest, reductions_until)
        return row

    def row(self, table: str, *values: object) -> None:
        rows = self.facts.tables[table]
        rows.append((self.next_id(rows), *values))


@st.composite
def generated_books(draw: st.DrawFn) -> Portfolio:
    """A small book over about a year: up to six invoices of three debtors with payments, credit notes
    and write-offs, some dated before their invoice's issue (real data has them), some overpaying it."""
    g = _Generator(draw, Facts())
    for _ in range(draw(st.integers(1, 6))):
        g.invoice(START, START + timedelta(days=300), START + timedelta(days=420))
    return world(g.facts).book


class History(NamedTuple):
    as_of: date
    then: World  # the facts recorded by the as-of date
    later: World  # the same history with facts dated after it: new rows, and rows that moved on


@st.composite
def histories(draw: st.DrawFn) -> History:
    """A world recorded up to a date D, and the same world later, after facts dated after D.

    Later facts: invoices issued after D, payments, credit notes and write-offs after D, ratings,
    reassignments starting after D, promises, actions and surveys after D, escalations flagged or
    escalated after D, incidents reported or confirmed after D, appeals filed or decided after D,
    legal cases opened and stages entered after D, credit events after D.
    """
    as_of = START + timedelta(days=draw(st.integers(150, 330)))
    after, horizon = as_of + timedelta(days=1), as_of + timedelta(days=120)
    then = Facts()
    g = _Generator(draw, then)
    collectors = st.sampled_from(list(COLLECTORS))

    for debtor in DEBTORS:  # assignments and ratings known by D
        first = draw(collectors)
        then.ratings.append((debtor, START - timedelta(days=365), draw(st.sampled_from(("AA", "BBB", "BB", "CCC")))))
        then.assignments.append([debtor, first, START - timedelta(days=365), None])
        if g.maybe():
            moved = g.day(START, as_of)
            then.assignments[-1][3] = moved
            then.assignments.append([debtor, 3 - first, moved, None])
        if g.maybe():
            then.ratings.append((debtor, g.day(START, as_of), draw(st.sampled_from(("A", "B")))))
    for _ in range(draw(st.integers(1, 6))):
        g.invoice(START - timedelta(days=90), as_of, as_of)
    for _ in range(draw(st.integers(0, 3))):
        invoice_id, _, _, amount, debtor = draw(st.sampled_from(then.invoices))
        made = g.day(START, as_of)
        g.row("promises", debtor, invoice_id, draw(collectors), made,
              made + timedelta(days=draw(st.integers(0, 25))), draw(st.integers(1, amount)))  # fmt: skip
    outcomes = st.sampled_from(("contacted", "promise", "refused", "no_answer"))
    for table, values in (("collection_actions", outcomes), ("satisfaction_surveys", st.integers(1, 5))):
        for _ in range(draw(st.integers(0, 3))):
            g.row(table, draw(st.sampled_from(DEBTORS)), draw(collectors), g.day(START, as_of), draw(values))
    for _ in range(draw(st.integers(0, 3))):
        g.row("credit_events", draw(st.sampled_from(DEBTORS)), g.day(START, as_of), "litigation")

    # Records that move on after they are written: the later world holds their later state.
    pending: list[tuple[str, int, tuple]] = []  # (table, index, later row)
    for _ in range(draw(st.integers(0, 4))):
        flagged = g.day(START, as_of)
        escalated = flagged + timedelta(days=draw(st.integers(0, 15))) if g.maybe() else None
        row = (draw(st.sampled_from(DEBTORS)), draw(collectors), flagged)
        g.row("escalations", *row, escalated if escalated is None or escalated <= as_of else None)
        pending.append(("escalations", len(then.tables["escalations"]) - 1,
                        (len(then.tables["escalations"]), *row, escalated)))
    for _ in range(draw(st.integers(0, 3))):
        reported = g.day(START, as_of)
        confirmed = reported + timedelta(days=draw(st.integers(0, 30))) if g.maybe() else None
        row = (draw(collectors), reported, "privacy_breach")
        known = confirmed is not None and confirmed <= as_of
        g.row("compliance_incidents", *row, known, confirmed if known else None)
        pending.append(("compliance_incidents", len(then.tables["compliance_incidents"]) - 1,
                        (len(then.tables["compliance_incidents"]), *row, confirmed is not None, confirmed)))
    for _ in range(draw(st.integers(0, 2))):
        filed = g.day(START, as_of)
        start = date(filed.year, 3 * ((filed.month - 1) // 3) + 1, 1)
        row = (draw(collectors), start, start + timedelta(days=89), filed)
        decided = filed + timedelta(days=draw(st.integers(0, 40))) if g.maybe() else None
        status = draw(st.sampled_from(("upheld", "rejected"))) if decided else "open"
        known = decided is not None and decided <= as_of
        g.row("appeals", *row, status if known else "open", decided if known else None)
        pending.append(("appeals", len(then.tables["appeals"]) - 1,
                        (len(then.tables["appeals"]), *row, status, decided)))
    stages_later: list[tuple] = []
    for _ in range(draw(st.integers(0, 3))):
        case_id = len(then.tables["legal_cases"]) + 1
        opened = g.day(START - timedelta(days=90), as_of)
        claimed, entered, recovered = draw(st.integers(1_000, 500_000)), opened, 0
        history = []
        for stage in STAGES[: draw(st.integers(0, len(STAGES)))]:
            entered += timedelta(days=draw(st.integers(0, 90)))
            recovered += draw(st.integers(0, claimed // 4)) if stage in ("enforcement", "closed") else 0
            history.append((case_id, stage, entered, recovered))
        known = [h for h in history if h[2] <= as_of]
        now = known[-1] if known else (case_id, "filed", opened, 0)
        g.row("legal_cases", draw(st.sampled_from(DEBTORS)), opened, now[1], claimed, now[3])
        later_now = history[-1] if history else now
        pending.append(("legal_cases", case_id - 1, (case_id, then.tables["legal_cases"][-1][1], opened,
                                                      later_now[1], claimed, later_now[3])))  # fmt: skip
        for h in known:
            g.row("legal_case_stages", *h)
        stages_later += [h for h in history if h[2] > as_of]

    # The later world: a copy, the records that moved on, and new facts dated after D.
    later = copy.deepcopy(then)
    for table, index, row in pending:
        later.tables[table][index] = row
    g.facts = later
    for h in stages_later:
        g.row("legal_case_stages", *h)
    for invoice_id, _, _, amount, _ in list(then.invoices):
        if g.maybe():
            g.reductions(invoice_id, amount, after, horizon)
    for _ in range(draw(st.integers(0, 3))):
        g.invoice(after, horizon, horizon + timedelta(days=60), not_before=after)
    for debtor in DEBTORS:
        if g.maybe():
            later.ratings.append((debtor, g.day(after, horizon), "CCC"))
        current = next(row for row in reversed(later.assignments) if row[0] == debtor)
        if g.maybe():  # reassigned after D: the current assignment ends then, a new one starts
            moved = g.day(after, horizon)
            current[3] = moved
            later.assignments.append([debtor, 3 - current[1], moved, None])
    invoice = draw(st.sampled_from(later.invoices))
    made = g.day(after, horizon)
    g.row("promises", invoice[4], invoice[0], 1, made, made + timedelta(days=draw(st.integers(0, 10))),
          draw(st.integers(1, invoice[3])))
    g.row("collection_actions", 1, 1, g.day(after, horizon), "promise")
    g.row("satisfaction_surveys", 2, 2, g.day(after, horizon), 1)
    g.row("credit_events", 1, g.day(after, horizon), "bankruptcy")
    flagged = g.day(after, horizon)
    g.row("escalations", 1, draw(collectors), flagged,
          flagged + timedelta(days=draw(st.integers(0, 20))) if g.maybe() else None)
    reported = g.day(after, horizon)
    g.row("compliance_incidents", draw(collectors), reported, "abusive_language", True,
          reported + timedelta(days=draw(st.integers(0, 10))))
    filed = g.day(after, horizon)
    g.row("appeals", draw(collectors), as_of.replace(day=1), as_of, filed, "rejected",
          filed + timedelta(days=5))
    opened = g.day(after, horizon)
    g.row("legal_cases", 2, opened, "filed", 10_000, 0)
    g.row("legal_case_stages", len(later.tables["legal_cases"]), "filed", opened, 0)
    return History(as_of, world(then), world(later))


@st.composite
def reassigned_books(draw: st.DrawFn) -> Portfolio:
    """``generated_books`` whose debtors change hands: each debtor is held from a year before the start
    by collector 1, 2 or 3 (3 has no collectors row), then up to four times handed to another holder,
    back to an earlier one, or to nobody for a stretch; hand-over days are often the 1st of a month
    (an entry day of a period's pool) or the day of a payment, credit note or write-off, and sometimes
    two fall on the same day."""
    g = _Generator(draw, Facts())
    for _ in range(draw(st.integers(1, 6))):
        g.invoice(START, START + timedelta(days=300), START + timedelta(days=420))
    holders = st.sampled_from([1, 2, 3, None])
    month_starts = [date(START.year + (START.month - 1 + k) // 12, (START.month - 1 + k) % 12 + 1, 1)
                    for k in range(14)]  # fmt: skip
    reductions = (g.facts.payments, g.facts.credits, g.facts.write_offs)
    reduction_days = sorted({row[1] for rows in reductions for row in rows})
    day = st.one_of(st.sampled_from(month_starts), st.integers(0, 420).map(lambda n: START + timedelta(days=n)),
                    *([st.sampled_from(reduction_days)] if reduction_days else []))
    rows = []
    for debtor in DEBTORS:
        held_from, holder = START - timedelta(days=365), draw(st.sampled_from([1, 2, 3]))
        for handed_on in sorted(draw(st.lists(day, max_size=4))):
            if holder is not None:
                rows.append((debtor, holder, held_from, handed_on))
            held_from, holder = handed_on, draw(holders)
        if holder is not None:
            rows.append((debtor, holder, held_from, None))
    b = world(g.facts).book
    return replace(b, assignments=_frame(rows, {"debtor_id": pl.Int64, "collector_id": pl.Int64,
                                                "start_date": pl.Date, "end_date": pl.Date}))  # fmt: skip
