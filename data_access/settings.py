"""Every setting of rdash, declared once with its default and a help text.

Settings are read from environment variables named ``RDASH_<NAME>``. The dashboard may also pass
values from Streamlit secrets (see ``dashboard/data.py``); nothing else reads the environment.
A test fails when a setting here is missing from ``docs/configuration.md``.

Each value is checked when the settings are loaded, against the rule declared with the setting: a
malformed value stops the app at start with a message naming the variable, the value given and the
expected form with an example, instead of failing later, far from its cause, inside a computation.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "rdash.sqlite"


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",") if part.strip())


def _words(text: str) -> tuple[str, ...]:
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC")  # rating grades, best first


@dataclass(frozen=True)
class Rule:
    """What a valid value is: a check of the parsed value, and the expected form for the message."""

    check: Callable[[Any], bool]
    expected: str  # completes "RDASH_<NAME>='<value>' must be ...", ending with an example


def _share(example: str) -> Rule:
    return Rule(lambda v: 0 <= v <= 1, f"a share between 0 and 1, e.g. {example}")


def _positive(example: str, unit: str = "days") -> Rule:
    return Rule(lambda v: v > 0, f"a positive whole number of {unit}, e.g. {example}")


def _count(example: str) -> Rule:
    return Rule(lambda v: v >= 0, f"a whole number, 0 or more, e.g. {example}")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    rule: Rule | None = None  # None: any value of the field's type


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DEFAULT_SQLITE_PATH}",
        "SQLAlchemy URL of the receivables database. The default SQLite file is created and seeded "
        "with the demo portfolio on first run; for PostgreSQL use postgresql+psycopg://user@host/db.",
    ),
    Setting("CURRENCY", "CNY", "Reporting currency code; one currency per database.",
            Rule(lambda v: len(v) == 3 and v.isascii() and v.isalpha(), "a three-letter currency code, e.g. CNY")),
    Setting(
        "BUCKET_EDGES",
        "0,30,60,90,180",
        "Upper edges (days past due, inclusive) of the aging buckets after Current. "
        "0,30,60,90,180 gives Current, 1-30, 31-60, 61-90, 91-180, 180+.",
        Rule(lambda v: len(v) > 0 and v[0] == 0 and list(v) == sorted(set(v)),
             "days past due that start at 0 and rise strictly, e.g. 0,30,60,90,180"),
    ),
    Setting(
        "RECOVERY_TARGETS",
        "0.90,0.80,0.70,0.50",
        "Tiered recovery-rate targets for overdue tiers 1-30, 31-60, 61-90 and over 90 days. "
        "The 31-60 target is not given by the appraisal scheme; 80 % is our default.",
        Rule(lambda v: len(v) == 4 and all(0 < x <= 1 for x in v),
             "four shares between 0 and 1 for tiers 1-30, 31-60, 61-90, 90+, e.g. 0.90,0.80,0.70,0.50"),
    ),
    Setting("PROMISE_GRACE_DAYS", "3", "Days after a promise date within which payment still counts.",
            _positive("3")),
    Setting("BAD_DEBT_TARGET", "0.02", "Annual (trailing 12 months) bad-debt rate target: below 2 %.", _share("0.02")),
    Setting("PROVISION_LOOKBACK_MONTHS", "12", "Months of roll rates averaged for the provision matrix.",
            _positive("12", "months")),
    Setting("FORWARD_SCALAR", "1.0", "Forward-looking scalar on provision loss rates (editable on the page).",
            Rule(lambda v: 0 < v < math.inf, "a number above 0, e.g. 1.0")),
    Setting("WRITE_OFF_CANDIDATE_DPD", "360", "Days past due after which an open invoice is a write-off candidate.",
            _positive("360")),
    Setting("WRITE_OFF_QUIET_DAYS", "90", "A write-off candidate has had no payment for this many days.",
            _positive("90")),
    Setting("CHARGE_BACK_DAYS", "90", "Recourse window: days from invoice date after which an overdue invoice can be charged back.",
            _positive("90")),
    Setting("LIMIT_UTILISATION_FLAG", "0.90", "Debtor credit-limit utilisation above this share is flagged.",
            _share("0.90")),
    Setting("ESCALATION_DAYS", "5", "Working days within which a hard case must reach the manager to count as timely.",
            _positive("5", "working days")),
    Setting("ESCALATION_TARGET", "0.90", "Target share of hard cases escalated in time (behaviour score).",
            _share("0.90")),
    Setting("KEPT_TARGET", "0.70", "Target promise-kept rate (behaviour score).", _share("0.70")),
    Setting("SATISFACTION_TARGET", "4.0", "Target mean customer-satisfaction score on the 1-5 survey scale (quality score).",
            Rule(lambda v: 1 <= v <= 5, "a score from 1 to 5 on the survey scale, e.g. 4.0")),
    Setting("CYCLE_IMPROVEMENT_TARGET", "0.10", "Target quarter-over-quarter reduction of the collection cycle (quality score).",
            _share("0.10")),
    Setting(
        "SCORE_WEIGHTS",
        "0.5,0.3,0.2",
        "Weights of the quantity, quality and behaviour components of the collector score.",
        Rule(lambda v: len(v) == 3 and all(x >= 0 for x in v) and abs(sum(v) - 1.0) <= 1e-9,
             "three weights adding up to 1 (quantity, quality, behaviour), e.g. 0.5,0.3,0.2"),
    ),
    Setting("APPEAL_WINDOW_DAYS", "10", "Days after a period closes within which a collector can appeal its appraisal "
            "(docs/targets.md).", _positive("10")),
    # Regional load and rebalancing (docs/workload.md)
    Setting("LOAD_BUCKET_WEIGHTS", "2,3,4,5,6",
            "Effort points a case takes per month by its oldest overdue bucket (1-30, 31-60, 61-90, 91-180, 180+ "
            "with the default buckets): one weight per overdue bucket of RDASH_BUCKET_EDGES (left at its default, "
            "it follows other bucket edges as 2, 3, 4, ...).",
            Rule(lambda v: len(v) > 0 and all(0 < x < math.inf for x in v),
                 "one positive weight per overdue bucket, e.g. 2,3,4,5,6")),
    Setting("LOAD_GRADE_WEIGHTS", "1,1,1,1,1.2,1.4,1.6",
            "Multiplier of a case's effort by its debtor's rating grade, AAA, AA, A, BBB, BB, B, CCC; an unrated "
            "debtor counts 1.",
            Rule(lambda v: len(v) == len(GRADES) and all(0 < x < math.inf for x in v),
                 "seven positive multipliers for AAA, AA, A, BBB, BB, B, CCC, e.g. 1,1,1,1,1.2,1.4,1.6")),
    Setting("LOAD_OVER", "1.0", "A collector whose load index (weighted load ÷ capacity) is above this is over capacity.",
            Rule(lambda v: 0 < v < math.inf, "a load index above 0, e.g. 1.0")),
    Setting("LOAD_UNDER", "0.6", "A collector whose load index is below this has room for more cases.",
            Rule(lambda v: 0 <= v < math.inf, "a load index of 0 or more, below RDASH_LOAD_OVER, e.g. 0.6")),
    Setting("HARD_CASE_DPD", "60", "A case more than this many days past due is long overdue (61+): a hard case "
            "for a senior.", _positive("60")),
    Setting("HARD_CASE_GRADES", "BB,B,CCC", "Rating grades of high-risk (low-rated) debtors: hard cases for a senior.",
            Rule(lambda v: len(v) > 0 and set(v) <= set(GRADES), "grades from AAA, AA, A, BBB, BB, B, CCC separated "
                 "by commas, e.g. BB,B,CCC")),
    Setting("REBALANCE_MIN_DAYS", "30", "Default minimum days a case stays with its owner before a suggestion may "
            "move it (editable on the page).", _count("30")),
    Setting("REBALANCE_MAX_MOVES", "25", "Default maximum number of moves in one suggestion (editable on the page).",
            _positive("25", "moves")),
    # Early warning (docs/early_warning.md)
    Setting("EARLY_WARNING_LEVELS", "0.30,0.10",
            "Red and amber thresholds of the early-warning list: a debtor whose predicted probability of reaching "
            "90+ days past due (or a write-off) within 90 days is at least the first is red, at least the second amber.",
            Rule(lambda v: len(v) == 2 and 0 < v[1] < v[0] <= 1,
                 "two probabilities, red above amber, between 0 and 1, e.g. 0.30,0.10")),
    Setting("EARLY_WARNING_RULE_LEVELS", "3,1",
            "When the database is too small to train the risk model, the list ranks by signals: a debtor with at "
            "least the first number of signals is red, at least the second amber.",
            Rule(lambda v: len(v) == 2 and 0 < v[1] < v[0], "two counts of signals, red above amber, e.g. 3,1")),
    Setting("EARLY_WARNING_CLIENT_SHARE", "0.20",
            "Early-warning signal: a debtor holding more than this share of one client's outstanding book.",
            _share("0.20")),
    Setting(
        "DATA_CHECK_SECONDS",
        "30",
        "How often the app asks the database whether its data version changed (writes by other systems).",
        _count("30"),
    ),
    Setting("MEMORY_BUDGET_MB", "2000",
            "Memory in MB (Polars' estimate) for the large results the pages reuse beside the book: month-end "
            "history, collection actions, target events, ... Past it the cheapest to compute again per MB are "
            "dropped, never one a page being drawn or on a screen uses, and computed again when a page needs "
            "them (docs/scaling.md §4). 0 keeps only what pages being drawn or on a screen use.",
            _count("2000")),
    Setting("CHROMIUM", "", "Chromium (or Chrome) that prints the meeting pack's PDF: a path or a command name. "
            "Empty: chromium, chromium-browser, google-chrome or chrome on the PATH; without one the pack has no PDF."),
    Setting("AGGREGATE_IN", "memory",
            "Where the Aging page's bucket totals and month-end trend are computed for the whole book: memory "
            "(from the book the app holds, the default) or database (as SQL inside PostgreSQL or SQLite; "
            "docs/scaling.md). Filtered views and the invoice-date basis are always computed in memory.",
            Rule(lambda v: v in ("memory", "database"), "memory or database, e.g. memory")),
    Setting("DEMO_INVOICES", "200000", "Invoices in the demo portfolio created on first run.", _count("200000")),
    Setting("DEMO_SEED", "7", "Random seed of the demo portfolio created on first run.", _count("7")),
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    database_url: str
    currency: str
    bucket_edges: tuple[int, ...]
    recovery_targets: tuple[float, ...]
    promise_grace_days: int
    bad_debt_target: float
    provision_lookback_months: int
    forward_scalar: float
    write_off_candidate_dpd: int
    write_off_quiet_days: int
    charge_back_days: int
    limit_utilisation_flag: float
    score_weights: tuple[float, ...]
    escalation_days: int
    escalation_target: float
    kept_target: float
    satisfaction_target: float
    cycle_improvement_target: float
    appeal_window_days: int
    load_bucket_weights: tuple[float, ...]
    load_grade_weights: tuple[float, ...]
    load_over: float
    load_under: float
    hard_case_dpd: int
    hard_case_grades: tuple[str, ...]
    rebalance_min_days: int
    rebalance_max_moves: int
    early_warning_levels: tuple[float, ...]
    early_warning_rule_levels: tuple[int, ...]
    early_warning_client_share: float
    data_check_seconds: int
    memory_budget_mb: int
    chromium: str
    aggregate_in: str
    demo_invoices: int
    demo_seed: int

    @property
    def is_default_sqlite(self) -> bool:
        return self.database_url == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def load_settings(overrides: dict[str, str] | None = None) -> Settings:
    """Settings from defaults, then ``RDASH_*`` environment variables, then ``overrides``."""
    raw = {s.name: s.default for s in SETTINGS}
    for s in SETTINGS:
        env = os.environ.get(f"RDASH_{s.name}")
        if env:
            raw[s.name] = env
    for key, value in (overrides or {}).items():
        name = key.upper().removeprefix("RDASH_")
        if name not in raw:
            raise ValueError(f"Unknown setting {key!r}; known settings: {', '.join(sorted(raw))}")
        raw[name] = str(value)
    rules = {s.name: s.rule for s in SETTINGS}
    values = {}
    for f in fields(Settings):  # each value parsed by its field's declared type, then checked by its rule
        name, text = f.name.upper(), raw[f.name.upper()]
        rule = rules[name]
        expected = rule.expected if rule else f"a valid {f.type}"
        try:
            value = _PARSERS[str(f.type)](text)
        except ValueError:  # unreadable: the same message as a value out of range
            raise ValueError(f"RDASH_{name}={text!r} must be {expected}") from None
        if rule and not rule.check(value):
            raise ValueError(f"RDASH_{name}={text!r} must be {expected}")
        values[f.name] = value
    settings = _check_together(Settings(**values), raw)
    return replace(settings, currency=settings.currency.upper())


def _check_together(settings: Settings, raw: dict[str, str]) -> Settings:
    """Rules between settings: one load weight per overdue bucket (the default follows the buckets: 2, 3, 4,
    ... effort points from the newest overdue bucket on); the under-load mark below the over-load one."""
    overdue = len(settings.bucket_edges)
    defaults = {s.name: s.default for s in SETTINGS}
    if len(settings.load_bucket_weights) != overdue and raw["LOAD_BUCKET_WEIGHTS"] == defaults["LOAD_BUCKET_WEIGHTS"]:
        settings = replace(settings, load_bucket_weights=tuple(float(n + 2) for n in range(overdue)))
    if len(settings.load_bucket_weights) != overdue:
        raise ValueError(f"RDASH_LOAD_BUCKET_WEIGHTS={raw['LOAD_BUCKET_WEIGHTS']!r} must be one positive weight per "
                         f"overdue bucket: RDASH_BUCKET_EDGES={raw['BUCKET_EDGES']!r} gives {overdue}, "
                         f"e.g. {','.join(str(n + 2) for n in range(overdue))}")  # fmt: skip
    if settings.load_under >= settings.load_over:
        raise ValueError(f"RDASH_LOAD_UNDER={raw['LOAD_UNDER']!r} must be below RDASH_LOAD_OVER={raw['LOAD_OVER']!r}, "
                         f"e.g. 0.6 with 1.0")  # fmt: skip
    return settings


_PARSERS = {"str": str, "int": int, "float": float, "tuple[int, ...]": _ints, "tuple[float, ...]": _floats,
            "tuple[str, ...]": _words}


def setting_names() -> list[str]:
    return [f"RDASH_{s.name}" for s in SETTINGS]


assert {f.name for f in fields(Settings)} == {s.name.lower() for s in SETTINGS}
