"""``rdash risk-check``: the early-warning model's time-split validation, as text.

    rdash risk-check demo [--database-url URL] [--as-of YYYY-MM-DD]   the risk model on a database
    rdash risk-check ibm [--csv PATH]                                 the same method on IBM's real sample

The figures in docs/early_warning.md were printed by these two commands.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import polars as pl

from data_access.db.store import Scope, Store
from data_access.models import ibm
from data_access.models.risk import DPD_ONLY, LOGISTIC, RULES, TREES, RiskModel, train_risk_model

NAMES = {LOGISTIC: "logistic regression (L2)", TREES: "gradient-boosted trees", RULES: "rules only (count of signals)",
         DPD_ONLY: "days past due alone"}  # fmt: skip


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _calibration(curve: pl.DataFrame) -> list[str]:
    lines = ["  predicted bin   mean predicted   observed   count"]
    for row in curve.iter_rows(named=True):
        lines.append(f"  {row['low']:>4.0%} – {row['high']:<4.0%}   {row['predicted']:>14.1%}   {row['observed']:>8.1%}"
                     f"   {row['debtors']:>5,}")  # fmt: skip
    return lines


def model_report(model: RiskModel, seconds: float) -> str:
    """The validation of a trained risk model in plain text."""
    if not model.fitted:
        return f"No model: rules only ({model.reason}); {len(model.dates)} as-of dates, {model.events} events."
    v = model.validation
    assert v is not None
    lines = [
        f"Trained in {seconds:.1f} s on {model.rows:,} debtor-dates ({model.events:,} events), facts up to "
        f"{model.known_until}.",
        *([f"Trained on {model.sample[0]:,} of the book's {model.sample[1]:,} debtors (risk.training_debtors)."]
          if model.sample else []),
        f"Training dates: {len(v.train_dates)} from {v.train_dates[0]} to {v.train_dates[-1]} "
        f"({v.train_rows:,} debtor-dates, {v.train_events:,} events).",
        f"Validation dates: {len(v.validation_dates)} from {v.validation_dates[0]} to {v.validation_dates[-1]} "
        f"({v.validation_rows:,} debtor-dates, {v.validation_events:,} events).",
        "",
        f"  {'score':<32} {'ROC AUC':>8} {'AUC overdue':>12} {'top-50 prec.':>13} {'Brier':>7}",
    ]
    for kind in (LOGISTIC, TREES, RULES, DPD_ONLY):
        s = v.scores[kind]
        mark = " (kept)" if kind == v.chosen else ""
        lines.append(f"  {NAMES[kind] + mark:<32} {_number(s.auc):>8} {_number(s.auc_overdue):>12} "
                     f"{_number(s.precision_top, 2):>13} {_number(s.brier):>7}")  # fmt: skip
    lines += ["", f"Calibration of the kept model ({NAMES[v.chosen]}) on the validation dates:",
              *_calibration(v.model.calibration)]  # type: ignore[arg-type]
    return "\n".join(lines)


def demo_report(database_url: str, as_of: date | None = None) -> str:
    from data_access.book.portfolio import load_portfolio
    from data_access.settings import load_settings

    settings = load_settings()
    store = Store(database_url)
    book = load_portfolio(store, Scope.everything())
    promises, events = store.read("promises", Scope.everything()), store.read("credit_events", Scope.everything())
    from data_access.metrics.signals import SignalRules

    rules = SignalRules(grace_days=settings.promise_grace_days, limit_flag=settings.limit_utilisation_flag,
                        client_share=settings.early_warning_client_share)  # fmt: skip
    day = as_of or book.latest_date
    import sklearn.ensemble  # noqa: F401 - imported before the clock starts: the page's process has it loaded
    import sklearn.linear_model  # noqa: F401

    started = time.perf_counter()
    model = train_risk_model(book, promises, events, day, rules)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    report = f"Risk model at {day}, {book.invoices.height:,} invoices\n" + model_report(model, seconds)
    if model.fitted:
        report += "\n\n" + _who_went_ninety_plus(store, book, promises, events, model, rules)
    return report


def _who_went_ninety_plus(store, book, promises, events, model: RiskModel, rules) -> str:  # noqa: ANN001
    """How many validation events belong to debtors that defaulted (on the demo, every defaulter is escalated
    after its default: the escalations table marks them; the model never reads it)."""
    from data_access.models.risk import labelled

    v = model.validation
    dates = list(v.validation_dates)  # type: ignore[union-attr]
    frame = labelled(book, promises, events, dates, rules).filter(pl.col("event"))
    escalated = store.read("escalations", Scope.everything())["debtor_id"].unique()
    defaulted = frame.filter(pl.col("debtor_id").is_in(escalated.implode())).height
    return (f"Of the {frame.height:,} validation events, {defaulted:,} belong to debtors escalated as defaulters; the "
            f"rest are slow payers whose invoices passed 90 days past due.")


def ibm_report(path: Path | str = ibm.IBM_CSV) -> str:
    r = ibm.evaluate(path)
    lines = [
        f"IBM accounts-receivable sample ({path}): will an invoice be paid late?",
        f"Train: {r.train_invoices:,} invoices due before {r.cutoff} (issued {r.train_period[0]} – "
        f"{r.train_period[1]}), {r.train_late:,} paid late.",
        f"Validate: {r.validation_invoices:,} invoices issued {r.validation_period[0]} – {r.validation_period[1]}, "
        f"{r.validation_late:,} paid late.",
        "",
        f"  {'score':<40} {'ROC AUC':>8} {'Brier':>7}",
    ]
    for key, name in ((LOGISTIC, "logistic regression (L2)"), (TREES, "gradient-boosted trees"),
                      (f"{LOGISTIC}_no_dispute", "logistic regression, without Disputed"),
                      (f"{TREES}_no_dispute", "gradient-boosted trees, without Disputed")):  # fmt: skip
        mark = " (kept)" if key == r.chosen else ""
        lines.append(f"  {name + mark:<40} {_number(r.auc[key]):>8} {_number(r.brier[key]):>7}")
    lines.append(f"  {'earlier late share alone':<40} {_number(r.auc['baseline']):>8} {'—':>7}")
    lines += ["", f"Calibration of the kept model ({r.chosen}):", *_calibration(r.calibration[r.chosen])]
    return "\n".join(lines)
