"""The early-warning list: expected loss and ranking, levels, the recommended action of each rule, the
rules-only fallback, the week comparison and one debtor's timeline, on hand-made rows."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from data_access.metrics import early_warning as ew
from data_access.metrics.signals import SIGNALS, empty_signals
from data_access.models.risk import LOGISTIC, RULES, RiskModel
from tests.books import book
from tests.test_signals import D, hand_built

LEVELS = ew.Levels(red=0.30, amber=0.10, rules_red=3, rules_amber=1)


class Fixed:
    """An estimator that gives each row, in order, the probability it was made with."""

    def __init__(self, probabilities: list[float]) -> None:
        self.p = np.array(probabilities)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        assert x.shape[0] == self.p.size
        return np.column_stack([1 - self.p, self.p])


def signal_rows(*rows: dict) -> pl.DataFrame:
    """Signals rows with every column at zero / False / null unless given."""
    schema = empty_signals().schema
    defaults = {name: (False if dtype == pl.Boolean else None if name in ("grade", "grade_before", "rated_on",
                                                                         "limit_utilisation_share", "client_share")
                       else date(2026, 6, 30) if dtype == pl.Date else 0) for name, dtype in schema.items()}  # fmt: skip
    return pl.DataFrame([defaults | {"outstanding_cents": 1, "grade": "BBB"} | row for row in rows], schema=schema)


def dims(ids: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"debtor_id": ids, "debtor": [f"Debtor {i}" for i in ids], "region_id": [1] * len(ids),
                         "region": ["East China"] * len(ids), "industry": ["Retail"] * len(ids),
                         "collector_id": [7] * len(ids), "collector": ["Wang"] * len(ids)})  # fmt: skip


def test_expected_loss_is_exposure_times_probability_and_ranks_the_list() -> None:
    rows = signal_rows(
        {"debtor_id": 1, "outstanding_cents": 1_000_000, "worst_dpd": 10},
        {"debtor_id": 2, "outstanding_cents": 200_000, "worst_dpd": 40},
        {"debtor_id": 3, "outstanding_cents": 500_000, "worst_dpd": 60},
        {"debtor_id": 4, "outstanding_cents": 900_000, "worst_dpd": 120},  # past 90 days: not scored
        {"debtor_id": 5, "outstanding_cents": 300_001, "worst_dpd": -5},
    )  # fmt: skip
    model = RiskModel(LOGISTIC, estimator=Fixed([0.10, 0.90, 0.35, 0.05]))  # debtors 1, 2, 3, 5
    listed = ew.watch_list(rows, model, LEVELS, dims([1, 2, 3, 4, 5]))
    assert listed["debtor_id"].to_list() == [2, 3, 1, 5]
    assert listed["expected_loss_cents"].to_list() == [180_000, 175_000, 100_000, 15_000]  # 300,001 × 0.05 rounds
    assert listed["level"].to_list() == ["red", "red", "amber", "green"]  # 0.10 is amber: thresholds are inclusive
    assert listed["score"].to_list() == [90.0, 35.0, 10.0, 5.0]
    assert ew.in_default(rows, dims([1, 2, 3, 4, 5]))["debtor_id"].to_list() == [4]


def test_rules_only_ranks_by_signals_and_has_no_probability() -> None:
    rows = signal_rows(
        {"debtor_id": 1, "signals": 1, "overdue_cents": 50, "outstanding_cents": 100},
        {"debtor_id": 2, "signals": 3, "overdue_cents": 0, "outstanding_cents": 100},
        {"debtor_id": 3, "signals": 1, "overdue_cents": 80, "outstanding_cents": 100},
        {"debtor_id": 4, "signals": 0, "overdue_cents": 90, "outstanding_cents": 100},
    )  # fmt: skip
    listed = ew.watch_list(rows, RiskModel(RULES, reason="events"), LEVELS, dims([1, 2, 3, 4]))
    assert listed["debtor_id"].to_list() == [2, 3, 1, 4]
    assert listed["level"].to_list() == ["red", "amber", "amber", "green"]
    assert listed["probability"].is_null().all() and listed["expected_loss_cents"].is_null().all()


def test_each_rule_recommends_its_action_and_the_first_rule_that_holds_wins() -> None:
    overdue = {"overdue_cents": 100}
    cases = {
        "bankruptcy": {"bankruptcy": True, "broken_promises_90d": 3, **overdue},  # also wilful: bankruptcy first
        "wilful_default": {"broken_promises_90d": 2, "broken_promises": True, **overdue},
        "cash_flow_trouble": {"broken_promises_90d": 2, "partial_payments_90d": 1, "partial_payments": True, **overdue},
        "rising_risk": {"days_late_rising": True, **overdue},
        "signals_without_overdue": {"litigation": True, "signals": 1},
        "overdue": {"client_concentration": True, "signals": 1, **overdue},
        "no_signal": {},
    }  # fmt: skip
    rows = signal_rows(*({"debtor_id": i, **case} for i, case in enumerate(cases.values(), start=1)))
    listed = ew.recommend(rows.with_columns(pl.lit("green").alias("level"))).sort("debtor_id")
    assert listed["rule"].to_list() == list(cases)
    assert listed["action"].to_list() == ["legal_review", "legal_review", "repayment_plan", "escalate", "watch",
                                          "ladder", "none"]  # fmt: skip
    # A red debtor with nothing else is escalated: rising risk.
    red = ew.recommend(signal_rows({"debtor_id": 9, **overdue}).with_columns(pl.lit("red").alias("level")))
    assert red["rule"].to_list() == ["rising_risk"]
    # A business anomaly while overdue is cash-flow trouble; a partly kept promise too.
    for case in ({"business_anomaly": True}, {"partial_promises_90d": 1}):
        row = ew.recommend(signal_rows({"debtor_id": 9, **overdue, **case}).with_columns(pl.lit("green").alias("level")))
        assert row["action"].to_list() == ["repayment_plan"]


def test_the_signals_on_are_listed_by_name_in_order() -> None:
    rows = signal_rows({"debtor_id": 1, "client_concentration": True, "litigation": True, "worst_dpd": 5})
    listed = ew.watch_list(rows, RiskModel(RULES), LEVELS, dims([1]))
    assert listed["signal_list"].to_list() == [["litigation", "client_concentration"]]
    assert SIGNALS.index("litigation") < SIGNALS.index("client_concentration")


def test_the_week_comparison_names_who_joined_and_who_left_and_why() -> None:
    def listed(levels: dict[int, str]) -> pl.DataFrame:
        ids = list(levels)
        return dims(ids).with_columns(pl.Series("level", list(levels.values())), pl.lit(1_000).alias("outstanding_cents"),
                                      pl.lit(0.5).alias("probability"))  # fmt: skip

    before = listed({1: "red", 2: "amber", 3: "amber", 4: "green", 5: "red"})
    now = listed({1: "red", 2: "green", 4: "amber", 6: "red"})  # 3 is now past 90 days, 5 paid off
    exposed_now = pl.DataFrame({"debtor_id": [1, 2, 3, 4, 6], "worst_dpd": [30, 5, 120, 40, 60]})
    new, left = ew.week_changes(now, before, exposed_now)
    assert sorted(new["debtor_id"].to_list()) == [4, 6]
    assert dict(new.select("debtor_id", "level_before").iter_rows()) == {4: "green", 6: None}
    assert dict(left.select("debtor_id", "why").iter_rows()) == {2: "now_green", 3: "now_default", 5: "no_exposure"}


def test_the_timeline_holds_only_the_debtors_facts_dated_in_the_window() -> None:
    b, promises, events = hand_built()
    actions = pl.DataFrame({"action_id": [1, 2], "debtor_id": [1, 1], "invoice_id": [1, 1],
                            "action_date": [date(2026, 4, 2), date(2026, 7, 1)], "channel": ["phone", "sms"],
                            "outcome": ["promise", "no_answer"]})  # fmt: skip
    line = ew.timeline(b, {"promises": promises, "collection_actions": actions, "credit_events": events}, 1, D)
    facts = [(r["date"].isoformat(), r["lane"], r["what"], r["amount_cents"]) for r in line.iter_rows(named=True)]
    assert facts == [  # a year back from D: the 2025 ratings are left out; the action of 07-01 is after D
        ("2026-01-05", "promise", "broken", 10_000), ("2026-03-01", "event", "negative_news", None),
        ("2026-03-01", "invoice", "issued", 100_000),
        ("2026-04-02", "action", "phone: promise", None), ("2026-05-05", "promise", "broken", 40_000),
        ("2026-05-10", "payment", "payment", 30_000), ("2026-05-10", "promise", "partial", 50_000),
        ("2026-05-15", "rating", "BB", None), ("2026-06-01", "event", "litigation", None),
        ("2026-06-29", "promise", "pending", 10_000),
    ]  # fmt: skip
    assert ew.timeline(book([(1, "2026-01-01", "2026-02-01", 100)]), {}, 1, D).height == 1


def test_every_word_the_page_builds_from_data_exists() -> None:
    from dashboard.i18n import STRINGS
    from data_access.models.risk import DPD_ONLY, FEATURES, LOGISTIC, TREES

    english = STRINGS["en"]
    keys = [f"ew.signal.{s}" for s in SIGNALS] + [f"ew.level.{lv}" for lv in ew.LEVELS]
    keys += [f"ew.{kind}.{name}" for kind in ("rule", "rule_when") for name in ew.RULES]
    keys += [f"ew.action.{action}" for _rule, action, _condition in ew.ACTION_RULES]
    keys += [f"ew.lane.{lane}" for lane in ew.TIMELINE_LANES] + [f"ew.rules_only.{r}" for r in ("history", "events")]
    keys += [f"ew.kind.{k}" for k in (LOGISTIC, TREES, RULES, DPD_ONLY)]
    keys += [f"ew.factors_caption.{k}" for k in (LOGISTIC, TREES)] + [f"ew.why.{w}" for w in ("now_green",
                                                                                             "now_default", "no_exposure")]
    keys += [f"ew.factor.{f.name}_{flag}" if f.kind == "flag" else f"ew.factor.{f.name}" for f in FEATURES
             for flag in ("yes", "no")]
    assert [k for k in keys if k not in english] == []
