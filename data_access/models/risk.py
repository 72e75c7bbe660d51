"""The early-warning risk model: the probability that a debtor's exposure reaches 90+ days past due or is
written off within the next 90 days, from facts dated on or before the as-of date.

The pipeline (docs/early_warning.md):

1. **As-of dates** every 30 days (day numbers divisible by 30, so they do not move with the page's date),
   from 180 days after the first invoice (a payment history to read) to 90 days before the as-of date D
   (the last date whose outcome is known at D). The book is cut at that last date + 90 days first, so no
   fact dated after D can reach the model (tests/test_early_warning_property.py).
2. At each date t, the **eligible debtors** (an outstanding balance, nothing more than 90 days past due),
   their measures (``signals.debtor_signals``: facts dated <= t) and their **outcome** (``outcomes``: an
   invoice open at t still unpaid on its 91st day past due, or a write-off, by t + 90).
3. A **time split**: the last few dates validate; the dates whose outcome was known before the first of them
   (t + 90 <= first validation date) train.
4. A regularised **logistic regression** and **gradient-boosted trees** (``HistGradientBoostingClassifier``)
   fitted on the training dates and compared on the validation dates — ROC AUC, precision in the top 50 of
   each date's list, calibration — with the **rules-only** score (count of signals) and with days past due
   alone. The logistic regression is kept unless the trees beat its AUC by more than 0.005 (it explains
   itself exactly); the kept kind is then refitted on every date for scoring.
5. Too little history or too few outcomes: no model; the list uses the rules-only score and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple
from datetime import date, timedelta

import numpy as np
import polars as pl

from data_access.book.portfolio import WRITE_OFF, Portfolio
from data_access.metrics.signals import SignalRules, client_books, debtor_signals, of_debtors, open_invoices_at

HORIZON_DAYS = 90  # the outcome window after the as-of date
DEFAULT_DPD = 90  # "90+ days past due": more than 90
GRID_DAYS = 30  # one training date every 30 days
WARM_UP_DAYS = 180  # the first training date leaves this much history before it
MAX_VALIDATION_DATES = 6  # the newest dates (about six months) validate
MIN_TRAINING_DATES = 3
MIN_EVENTS = 30  # outcomes of each kind needed to train
MIN_VALIDATION_EVENTS = 10
TOP_N = 50  # precision in the top 50 of each date's list
TREES_MARGIN = 0.005  # the trees must beat the logistic regression's AUC by more than this to be kept
# Beyond this many debtors the model trains on a fixed sample of them: at 10M invoices (303,030 debtors) the
# debtor-dates of every training date held 8 GB at their peak and the fit took minutes; 40,000 of them gave
# 660,000 debtor-dates, about as many as the whole 1M-invoice demo's 30,303 debtors (docs/early_warning.md).
MAX_TRAINING_DEBTORS = 40_000
LOGISTIC, TREES, RULES, DPD_ONLY = "logistic", "trees", "rules", "dpd"
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Feature:
    """One input of the model: ``expr`` computes it from a ``debtor_signals`` frame; ``shown`` is the value
    people read in an explanation (the raw measure), ``kind`` how to word it."""

    name: str
    expr: pl.Expr
    kind: str  # count, days, share, grade, notches, flag, money
    shown: pl.Expr | None = None


def _share(numerator: str) -> pl.Expr:
    return (pl.col(numerator) / pl.col("outstanding_cents")).fill_null(0.0)


FEATURES: tuple[Feature, ...] = (
    Feature("grade", pl.col("grade_index").fill_null(3), "grade", pl.col("grade")),
    Feature("rating_change", (pl.col("grade_index") - pl.col("grade_index_before")).fill_null(0), "notches"),
    Feature("downgrades", pl.col("downgrades"), "count"),
    Feature("litigation", pl.col("litigation_events"), "count"),
    Feature("business_anomaly", pl.col("business_anomaly_events"), "count"),
    Feature("negative_news", pl.col("negative_news_events"), "count"),
    Feature("executive_change", pl.col("executive_change_events"), "count"),
    Feature("bankruptcy", pl.col("bankruptcy_events"), "count"),
    Feature("broken_promises", pl.col("broken_promises_90d"), "count"),
    Feature("partial_promises", pl.col("partial_promises_90d"), "count"),
    Feature("kept_promises", pl.col("kept_promises_90d"), "count"),
    Feature("partial_payments", pl.col("partial_payments_90d"), "count"),
    Feature("outstanding", (pl.col("outstanding_cents") / 100 + 1).log10(), "money", pl.col("outstanding_cents")),
    Feature("overdue_share", _share("overdue_cents"), "share"),
    Feature("share_31_60", _share("dpd_31_60_cents"), "share"),
    Feature("share_61_90", _share("dpd_61_90_cents"), "share"),
    Feature("worst_dpd", pl.col("worst_dpd").clip(-30, DEFAULT_DPD), "days", pl.col("worst_dpd")),
    Feature("weighted_dpd", pl.col("weighted_dpd"), "days"),
    Feature("weighted_dpd_change", pl.col("weighted_dpd") - pl.col("weighted_dpd_3"), "days"),
    Feature("days_late_rising", pl.col("days_late_rising").cast(pl.Int8), "flag"),
    Feature("overdue_invoices", pl.col("overdue_invoices").log1p(), "count", pl.col("overdue_invoices")),
    Feature("disputed_overdue", pl.col("disputed_overdue"), "count"),
    Feature("late_share", pl.when(pl.col("settled_180d") > 0).then(pl.col("late_180d") / pl.col("settled_180d"))
            .otherwise(0.0), "share"),  # fmt: skip
    Feature("settled", pl.col("settled_180d").log1p(), "count", pl.col("settled_180d")),
    Feature("days_late_history", pl.col("days_late_180d"), "days"),
    Feature("days_since_payment", pl.col("days_since_payment"), "days"),
    Feature("limit_utilisation", pl.col("limit_utilisation_share").fill_null(0.0).clip(0, 3), "share",
            pl.col("limit_utilisation_share")),  # fmt: skip
    Feature("client_share", pl.col("client_share").fill_null(0.0), "share"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)


def feature_frame(signals: pl.DataFrame) -> pl.DataFrame:
    """The model's inputs, one column per feature, in ``FEATURES`` order (floats)."""
    return signals.select(f.expr.cast(pl.Float64).alias(f.name) for f in FEATURES)


def feature_matrix(signals: pl.DataFrame) -> np.ndarray:
    return feature_frame(signals).to_numpy().astype(np.float64)


def eligible(signals: pl.DataFrame) -> pl.DataFrame:
    """Debtors the model scores: an outstanding balance and nothing more than 90 days past due."""
    return signals.filter((pl.col("outstanding_cents") > 0) & (pl.col("worst_dpd") <= DEFAULT_DPD))


# Dates and outcomes ----------------------------------------------------------------------------------


def training_dates(first: date, as_of: date) -> list[date]:
    """As-of dates every GRID_DAYS days (day numbers divisible by it), from WARM_UP_DAYS after ``first`` to
    HORIZON_DAYS before ``as_of``: each one's outcome is known by ``as_of``."""
    low = (first - EPOCH).days + WARM_UP_DAYS
    high = (as_of - EPOCH).days - HORIZON_DAYS
    start = -(-low // GRID_DAYS) * GRID_DAYS
    return [EPOCH + timedelta(days=d) for d in range(start, high + 1, GRID_DAYS)]


def until(book: Portfolio, promises: pl.DataFrame, events: pl.DataFrame, day: date
          ) -> tuple[Portfolio, pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """The book and tables as they stood at the end of ``day``: every fact dated later left out."""
    cut = replace(
        book,
        invoices=book.invoices.filter(pl.col("issue_date") <= day),
        reductions=book.reductions.filter(pl.col("date") <= day),
        ratings=book.ratings.filter(pl.col("rated_on") <= day),
        assignments=book.assignments.filter(pl.col("start_date") <= day),
    )
    return cut, promises.filter(pl.col("made_on") <= day), events.filter(pl.col("event_date") <= day)


def outcomes(book: Portfolio, dates: list[date]) -> pl.DataFrame:
    """Per (as_of, debtor): ``event`` = within the next 90 days an invoice open at the as-of date is still
    unpaid on its 91st day past due (it reaches 90+ DPD), or a write-off is booked on one.

    An invoice not yet due at t cannot pass 90 days past due by t + 90, so only invoices overdue at t can
    (docs/early_warning.md). Uses facts dated up to t + 90: only for training and validation.
    """
    pairs = open_invoices_at(book, dates)
    reduced = (
        book.reductions.group_by("invoice_id", "date").agg(pl.col("amount_cents").sum().alias("day_cents"))
        .sort("invoice_id", "date").with_columns(pl.col("day_cents").cum_sum().over("invoice_id").alias("reduced"))
        .join(book.invoices.select("invoice_id", "amount_cents"), on="invoice_id")
        .filter(pl.col("reduced") >= pl.col("amount_cents"))
        .group_by("invoice_id").agg(pl.col("date").min().alias("closed_on"))
    )  # fmt: skip
    day_91 = pl.col("due_date") + timedelta(days=DEFAULT_DPD + 1)
    crosses = (
        pairs.filter(pl.col("dpd") > 0).join(reduced, on="invoice_id", how="left")
        .filter(pl.col("closed_on").is_null() | (pl.col("closed_on") > day_91))
        .select("as_of", "debtor_id")
    )  # fmt: skip
    written = (
        book.reductions.filter(pl.col("kind") == WRITE_OFF).select("invoice_id", pl.col("date").alias("written_on"))
        .join(pairs.select("as_of", "invoice_id", "debtor_id"), on="invoice_id")
        .filter((pl.col("written_on") > pl.col("as_of"))
                & (pl.col("written_on") <= pl.col("as_of") + timedelta(days=HORIZON_DAYS)))
        .select("as_of", "debtor_id")
    )  # fmt: skip
    return pl.concat([crosses, written]).unique().with_columns(pl.lit(True).alias("event"))


def labelled(book: Portfolio, promises: pl.DataFrame, events: pl.DataFrame, dates: list[date],
             rules: SignalRules, books: pl.DataFrame | None = None) -> pl.DataFrame:  # fmt: skip
    """Eligible debtors at each date with their signals and ``event`` (their outcome); ``books``: the whole
    book's client books when ``book`` holds a sample of its debtors (``debtor_signals``)."""
    rows = eligible(debtor_signals(book, promises, events, dates, rules, books))
    return rows.join(outcomes(book, dates), on=["as_of", "debtor_id"], how="left").with_columns(
        pl.col("event").fill_null(False))


# Validation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """How one scorer did on the validation dates."""

    name: str
    auc: float | None  # ROC AUC over every validation row
    auc_overdue: float | None  # among debtors with something overdue (the ones that can have the event)
    precision_top: float | None  # events among each date's top TOP_N, averaged over the dates
    brier: float | None = None  # mean squared error of the probability (models only)
    calibration: pl.DataFrame | None = None  # bin, predicted, observed, debtors (models only)


@dataclass(frozen=True)
class Validation:
    train_dates: tuple[date, ...]
    validation_dates: tuple[date, ...]
    train_rows: int
    train_events: int
    validation_rows: int
    validation_events: int
    scores: dict[str, Scores]
    chosen: str

    @property
    def model(self) -> Scores:
        return self.scores[self.chosen]


def roc_auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """ROC AUC (ties count half); None when only one class is present."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score)) if 0 < y.sum() < y.size else None


def precision_in_top(frame: pl.DataFrame, score: np.ndarray, n: int = TOP_N) -> float | None:
    """Per as-of date, the share of events among the ``n`` highest scores (ties: larger outstanding first),
    averaged over the dates."""
    ranked = frame.select("as_of", "event", "outstanding_cents").with_columns(pl.Series("score", score))
    tops = ranked.sort(["score", "outstanding_cents"], descending=True).group_by("as_of").head(n)
    per_date = tops.group_by("as_of").agg(pl.col("event").mean())
    return float(per_date["event"].mean()) if per_date.height else None  # type: ignore[arg-type]


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pl.DataFrame:
    """Predicted against observed rates in equal-width probability bins (empty bins left out)."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    return (
        pl.DataFrame({"bin": which, "p": p, "y": y.astype(float)})
        .group_by("bin").agg(pl.col("p").mean().alias("predicted"), pl.col("y").mean().alias("observed"),
                             pl.len().alias("debtors"))
        .sort("bin")
        .with_columns((pl.col("bin") / bins).alias("low"), ((pl.col("bin") + 1) / bins).alias("high"))
    )  # fmt: skip


def _scores(name: str, frame: pl.DataFrame, score: np.ndarray, probability: bool) -> Scores:
    y = frame["event"].to_numpy().astype(bool)
    overdue = frame["overdue_cents"].to_numpy() > 0
    return Scores(
        name=name, auc=roc_auc(y, score), auc_overdue=roc_auc(y[overdue], score[overdue]),
        precision_top=precision_in_top(frame, score),
        brier=float(np.mean((score - y) ** 2)) if probability else None,
        calibration=calibration(y, score) if probability else None,
    )  # fmt: skip


def _fit(kind: str, x: np.ndarray, y: np.ndarray):  # noqa: ANN202 - a fitted scikit-learn estimator
    """Fit on one thread: on a busy two-core server, OpenMP and BLAS threads fighting other work for the cores
    made fitting several times slower (the trees on 100,000 rows: 2.5 s on one thread, 13 s on two)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _estimator(kind).fit(x, y)


def _estimator(kind: str):  # noqa: ANN202 - a scikit-learn estimator
    if kind == LOGISTIC:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        # L2-regularised (C = 0.5 on standardised inputs)
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000))
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=60, learning_rate=0.12, max_leaf_nodes=15, min_samples_leaf=40,
                                          l2_regularization=1.0, early_stopping=False, random_state=0)  # fmt: skip


# The model --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RiskModel:
    """A fitted model (``kind`` logistic or trees), or the rules-only fallback (``kind`` rules, ``reason``)."""

    kind: str
    estimator: object | None = None
    reference: np.ndarray | None = None  # training medians: a tree explanation's "typical debtor"
    validation: Validation | None = None
    dates: tuple[date, ...] = ()  # the as-of dates trained on
    known_until: date | None = None  # the newest fact the model could use (last training date + 90 days)
    reason: str | None = None  # why rules-only: "history" (too few dates) or "events" (too few outcomes)
    rows: int = 0
    events: int = 0
    sample: tuple[int, int] | None = None  # (debtors trained on, debtors in the book) when a sample was drawn

    @property
    def fitted(self) -> bool:
        return self.estimator is not None

    def probability(self, signals: pl.DataFrame) -> np.ndarray | None:
        """P(90+ DPD or write-off within 90 days) for each row of a ``debtor_signals`` frame; None when rules-only."""
        if not self.fitted or signals.is_empty():
            return None if not self.fitted else np.zeros(0)
        return self.estimator.predict_proba(feature_matrix(signals))[:, 1]  # type: ignore[union-attr]

    def contributions(self, signals: pl.DataFrame) -> pl.DataFrame:
        """Each feature's push on each row's log-odds against the typical debtor, largest first per row.

        Logistic regression: coefficient × standardised value (they add up, with the intercept, to the
        row's log-odds). Trees: the row's log-odds minus its log-odds with that one feature set to the
        training median (what-if; they need not add up). Columns: row, feature, value, contribution.
        """
        if not self.fitted or signals.is_empty():
            return pl.DataFrame(schema={"row": pl.Int64, "feature": pl.String, "value": pl.Float64,
                                        "contribution": pl.Float64})  # fmt: skip
        x = feature_matrix(signals)
        if self.kind == LOGISTIC:
            scaler, logistic = self.estimator.steps[0][1], self.estimator.steps[-1][1]  # type: ignore[union-attr]
            push = (x - scaler.mean_) / scaler.scale_ * logistic.coef_[0]
        else:
            base = _logit(self.estimator.predict_proba(x)[:, 1])  # type: ignore[union-attr]
            push = np.empty_like(x)
            for j in range(x.shape[1]):
                typical = x.copy()
                typical[:, j] = self.reference[j]  # type: ignore[index]
                push[:, j] = base - _logit(self.estimator.predict_proba(typical)[:, 1])  # type: ignore[union-attr]
        n, k = x.shape
        return pl.DataFrame({
            "row": np.repeat(np.arange(n), k), "feature": np.tile(np.array(FEATURE_NAMES), n),
            "value": x.ravel(), "contribution": push.ravel(),
        }).sort(["row", pl.col("contribution").abs()], descending=[False, True])  # fmt: skip


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def split(dates: list[date]) -> tuple[list[date], list[date]]:
    """Training and validation dates: the newest quarter of the dates (2 to 6) validate; the dates whose
    outcome was known by the first validation date (t + 90 <= it) train."""
    n_valid = min(MAX_VALIDATION_DATES, max(2, len(dates) // 4))
    valid = dates[-n_valid:]
    train = [d for d in dates if d + timedelta(days=HORIZON_DAYS) <= valid[0]]
    return train, valid


def training_debtors(debtor_ids: pl.Series, limit: int = MAX_TRAINING_DEBTORS) -> pl.Series | None:
    """The debtors the model trains on: None (all of them) up to ``limit``; beyond it the ``limit`` debtors
    whose ids have the smallest hash (``_mixed``), sorted. A fixed rule, not a random draw: the same book
    trains on the same debtors on any machine, and a new debtor changes the sample by at most one."""
    ids = debtor_ids.unique().to_numpy().astype(np.int64)
    if ids.size <= limit:
        return None
    chosen = ids[np.argsort(_mixed(ids), kind="stable")[:limit]]
    return pl.Series("debtor_id", np.sort(chosen))


def _mixed(ids: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser of each id: a fixed, well-spread hash (numbers wrap around at 64 bits)."""
    z = ids.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class TrainingSet(NamedTuple):
    """What the model trains on: the book, promises and credit events (of the sampled debtors when a sample
    was drawn), the whole book's client books at the training dates (None: ``book`` is the whole book), and
    (debtors sampled, debtors in the book) or None."""

    book: Portfolio
    promises: pl.DataFrame
    events: pl.DataFrame
    books: pl.DataFrame | None
    sample: tuple[int, int] | None


def training_set(book: Portfolio, promises: pl.DataFrame, events: pl.DataFrame, dates: list[date]) -> TrainingSet:
    """The whole book up to MAX_TRAINING_DEBTORS debtors; beyond, the sampled debtors' facts (``training_debtors``)."""
    sample = training_debtors(book.debtors["debtor_id"], MAX_TRAINING_DEBTORS)
    if sample is None:
        return TrainingSet(book, promises, events, None, None)
    books = client_books(book, dates)  # a sampled debtor's share of a client's book is a share of all of it
    return TrainingSet(*of_debtors(book, promises, events, sample), books, (sample.len(), book.debtors.height))


def train_risk_model(book: Portfolio, promises: pl.DataFrame, events: pl.DataFrame, as_of: date,
                     rules: SignalRules = SignalRules()) -> RiskModel:  # fmt: skip
    """Fit, validate on a time split and keep the better model for scoring at ``as_of`` (docstring above)."""
    first = book.invoices["issue_date"].min()
    dates = training_dates(first, as_of) if first is not None else []  # type: ignore[arg-type]
    train_on, valid_on = split(dates) if dates else ([], [])
    if len(train_on) < MIN_TRAINING_DATES:
        return RiskModel(RULES, reason="history", dates=tuple(dates))
    known_until = dates[-1] + timedelta(days=HORIZON_DAYS)
    training = training_set(book, promises, events, dates)
    book, promises, events = until(training.book, training.promises, training.events, known_until)
    frame = labelled(book, promises, events, dates, rules, training.books)
    train = frame.filter(pl.col("as_of").is_in(train_on))
    valid = frame.filter(pl.col("as_of").is_in(valid_on))
    y_train, y_valid = train["event"].to_numpy(), valid["event"].to_numpy()
    enough = (MIN_EVENTS <= y_train.sum() <= y_train.size - MIN_EVENTS
              and MIN_VALIDATION_EVENTS <= y_valid.sum() <= y_valid.size - MIN_VALIDATION_EVENTS)  # fmt: skip
    if not enough:
        return RiskModel(RULES, reason="events", dates=tuple(dates), rows=frame.height,
                         events=int(frame["event"].sum()), sample=training.sample)  # fmt: skip
    x_train, x_valid = feature_matrix(train), feature_matrix(valid)
    scores = {}
    for kind in (LOGISTIC, TREES):
        estimator = _fit(kind, x_train, y_train)
        scores[kind] = _scores(kind, valid, estimator.predict_proba(x_valid)[:, 1], probability=True)
    scores[RULES] = _scores(RULES, valid, valid["signals"].to_numpy().astype(float), probability=False)
    scores[DPD_ONLY] = _scores(DPD_ONLY, valid, valid["worst_dpd"].to_numpy().astype(float), probability=False)
    logistic_auc, trees_auc = scores[LOGISTIC].auc or 0.0, scores[TREES].auc or 0.0
    chosen = TREES if trees_auc > logistic_auc + TREES_MARGIN else LOGISTIC
    validation = Validation(
        train_dates=tuple(train_on), validation_dates=tuple(valid_on), train_rows=train.height,
        train_events=int(y_train.sum()), validation_rows=valid.height, validation_events=int(y_valid.sum()),
        scores=scores, chosen=chosen,
    )  # fmt: skip
    x_all = feature_matrix(frame)
    estimator = _fit(chosen, x_all, frame["event"].to_numpy())
    return RiskModel(
        chosen, estimator=estimator, reference=np.median(x_all, axis=0), validation=validation, dates=tuple(dates),
        known_until=known_until, rows=frame.height, events=int(frame["event"].sum()), sample=training.sample,
    )  # fmt: skip
