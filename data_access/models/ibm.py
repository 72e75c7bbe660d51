"""The early-warning method on data nobody here made: IBM's public accounts-receivable sample.

``shared/data/ibm_accounts_receivable.csv`` (README there): 2,466 settled invoices of 100 customers,
2012-01 .. 2013-12. The question, at invoice level: **will this invoice be paid late?** (``DaysLate > 0``),
from what is known on its invoice date D:

- the customer's earlier lateness, from its invoices whose outcome was known by D: settled by D (late or
  not), or past due and still unpaid at D (late, known as such);
- the customer's invoices past due and unpaid at D;
- the amount, paperless billing (the file's ``PaperlessBill``: electronic exactly when the invoice date is on
  or after the customer's ``PaperlessDate``), the country;
- ``Disputed``. The file does not date disputes, and a dispute is usually raised after the invoice is sent,
  so the report also gives every figure without it (``with_dispute=False``).

The same method as the demo's risk model (``data_access.models.risk``): a time split (train on invoices
due before the cut-off — their outcome was known by then — validate on invoices issued from the cut-off),
a regularised logistic regression against gradient-boosted trees, ROC AUC and a calibration table, and a
one-number baseline (the customer's earlier late share). ``rdash risk-check ibm`` prints the report;
docs/early_warning.md quotes it; tests/test_ibm_model.py holds it to a stated bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from data_access.models.risk import LOGISTIC, TREES, _fit, calibration, roc_auc
from data_access.settings import PROJECT_ROOT

IBM_CSV = PROJECT_ROOT.parent / "shared" / "data" / "ibm_accounts_receivable.csv"
CUTOFF = date(2013, 7, 1)  # train on invoices due before it, validate on invoices issued from it
COUNTRIES = (391, 406, 770, 818, 897)


def load(path: Path | str = IBM_CSV) -> pl.DataFrame:
    """The file with typed columns (dates M/D/YYYY; ids as text) and ``late`` = DaysLate > 0."""
    frame = pl.read_csv(path, schema_overrides={"invoiceNumber": pl.String, "customerID": pl.String})
    return frame.with_columns(
        *(pl.col(c).str.strip_chars().str.to_date("%m/%d/%Y") for c in ("PaperlessDate", "InvoiceDate", "DueDate",
                                                                        "SettledDate")),  # fmt: skip
        (pl.col("DaysLate") > 0).alias("late"),
    )


def features(invoices: pl.DataFrame) -> pl.DataFrame:
    """Per invoice, what was known on its invoice date D (see the module docstring), and ``late``."""
    base = invoices.select("invoiceNumber", "customerID", "InvoiceDate", "DueDate", "SettledDate", "DaysLate",
                           "InvoiceAmount", "PaperlessBill", "Disputed", "countryCode", "late")  # fmt: skip
    earlier = base.select(
        "customerID", pl.col("invoiceNumber").alias("other"), pl.col("InvoiceDate").alias("other_issued"),
        pl.col("DueDate").alias("other_due"), pl.col("SettledDate").alias("other_settled"),
        pl.col("DaysLate").alias("other_days_late"),
    )  # fmt: skip
    pairs = (
        base.select("invoiceNumber", "customerID", pl.col("InvoiceDate").alias("d")).join(earlier, on="customerID")
        .filter((pl.col("other") != pl.col("invoiceNumber")) & (pl.col("other_issued") <= pl.col("d")))
    )  # fmt: skip
    settled = pl.col("other_settled") <= pl.col("d")
    overdue_open = ~settled & (pl.col("other_due") < pl.col("d"))
    known_late = (settled & (pl.col("other_days_late") > 0)) | overdue_open
    known = settled | overdue_open
    history = pairs.group_by("invoiceNumber").agg(
        known.sum().alias("known"),
        known_late.sum().alias("known_late"),
        overdue_open.sum().alias("overdue_open"),
        pl.col("other_days_late").filter(settled).mean().alias("mean_days_late"),
        pl.col("other_days_late").filter(settled).sort_by(pl.col("other_settled").filter(settled)).last()
        .alias("last_days_late"),
    )  # fmt: skip
    return base.join(history, on="invoiceNumber", how="left").with_columns(
        pl.col("known", "known_late", "overdue_open").fill_null(0),
        pl.col("mean_days_late", "last_days_late").fill_null(0.0),
    )


FEATURES = ("history", "late_share", "known", "overdue_open", "mean_days_late", "last_days_late", "log_amount",
            "paperless", "disputed", *(f"country_{c}" for c in COUNTRIES))  # fmt: skip


def matrix(frame: pl.DataFrame, with_dispute: bool = True) -> np.ndarray:
    columns = frame.select(
        (pl.col("known") > 0).cast(pl.Float64).alias("history"),
        pl.when(pl.col("known") > 0).then(pl.col("known_late") / pl.col("known")).otherwise(0.0).alias("late_share"),
        pl.col("known").cast(pl.Float64), pl.col("overdue_open").cast(pl.Float64),
        pl.col("mean_days_late").cast(pl.Float64), pl.col("last_days_late").cast(pl.Float64),
        pl.col("InvoiceAmount").log1p().alias("log_amount"),
        (pl.col("PaperlessBill") == "Electronic").cast(pl.Float64).alias("paperless"),
        ((pl.col("Disputed") == "Yes") & with_dispute).cast(pl.Float64).alias("disputed"),
        *((pl.col("countryCode") == c).cast(pl.Float64).alias(f"country_{c}") for c in COUNTRIES),
    )  # fmt: skip
    return columns.to_numpy().astype(np.float64)


@dataclass(frozen=True)
class IbmReport:
    cutoff: date
    train_invoices: int
    train_late: int
    validation_invoices: int
    validation_late: int
    train_period: tuple[date, date]  # invoice dates of the training invoices
    validation_period: tuple[date, date]
    auc: dict[str, float | None]  # logistic, trees, baseline; and *_no_dispute
    brier: dict[str, float]
    calibration: dict[str, pl.DataFrame]
    chosen: str


def evaluate(path: Path | str = IBM_CSV, cutoff: date = CUTOFF) -> IbmReport:
    """Train on invoices due before ``cutoff``, validate on invoices issued on or after it."""
    frame = features(load(path))
    train = frame.filter(pl.col("DueDate") < cutoff)
    valid = frame.filter(pl.col("InvoiceDate") >= cutoff)
    y_train, y_valid = train["late"].to_numpy(), valid["late"].to_numpy()
    auc: dict[str, float | None] = {}
    brier: dict[str, float] = {}
    curves: dict[str, pl.DataFrame] = {}
    for with_dispute, suffix in ((True, ""), (False, "_no_dispute")):
        x_train, x_valid = matrix(train, with_dispute), matrix(valid, with_dispute)
        for kind in (LOGISTIC, TREES):
            p = _fit(kind, x_train, y_train).predict_proba(x_valid)[:, 1]
            auc[kind + suffix] = roc_auc(y_valid, p)
            brier[kind + suffix] = float(np.mean((p - y_valid) ** 2))
            curves[kind + suffix] = calibration(y_valid, p)
    share = valid.select(pl.when(pl.col("known") > 0).then(pl.col("known_late") / pl.col("known")).otherwise(0.0))
    auc["baseline"] = roc_auc(y_valid, share.to_series().to_numpy())
    chosen = TREES if (auc[TREES] or 0) > (auc[LOGISTIC] or 0) + 0.005 else LOGISTIC
    return IbmReport(
        cutoff=cutoff, train_invoices=train.height, train_late=int(y_train.sum()), validation_invoices=valid.height,
        validation_late=int(y_valid.sum()),
        train_period=(train["InvoiceDate"].min(), train["InvoiceDate"].max()),  # type: ignore[arg-type]
        validation_period=(valid["InvoiceDate"].min(), valid["InvoiceDate"].max()),  # type: ignore[arg-type]
        auc=auc, brier=brier, calibration=curves, chosen=chosen,
    )  # fmt: skip
