"""Every setting of rdash, declared once with its default and a help text.

Settings are read from environment variables named ``RDASH_<NAME>``. The dashboard may also pass
values from Streamlit secrets (see ``dashboard/data.py``); nothing else reads the environment.
A test fails when a setting here is missing from ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "rdash.sqlite"


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DEFAULT_SQLITE_PATH}",
        "SQLAlchemy URL of the receivables database. The default SQLite file is created and seeded "
        "with the demo portfolio on first run; for PostgreSQL use postgresql+psycopg://user@host/db.",
    ),
    Setting("CURRENCY", "CNY", "Reporting currency code; one currency per database."),
    Setting(
        "BUCKET_EDGES",
        "0,30,60,90,180",
        "Upper edges (days past due, inclusive) of the aging buckets after Current. "
        "0,30,60,90,180 gives Current, 1-30, 31-60, 61-90, 91-180, 180+.",
    ),
    Setting(
        "RECOVERY_TARGETS",
        "0.90,0.80,0.70,0.50",
        "Tiered recovery-rate targets for overdue tiers 1-30, 31-60, 61-90 and over 90 days. "
        "The 31-60 target is not given by the appraisal scheme; 80 % is our default.",
    ),
    Setting("PROMISE_GRACE_DAYS", "3", "Days after a promise date within which payment still counts."),
    Setting("BAD_DEBT_TARGET", "0.02", "Annual (trailing 12 months) bad-debt rate target: below 2 %."),
    Setting("PROVISION_LOOKBACK_MONTHS", "12", "Months of roll rates averaged for the provision matrix."),
    Setting("FORWARD_SCALAR", "1.0", "Forward-looking scalar on provision loss rates (editable on the page)."),
    Setting("WRITE_OFF_CANDIDATE_DPD", "360", "Days past due after which an open invoice is a write-off candidate."),
    Setting("WRITE_OFF_QUIET_DAYS", "90", "A write-off candidate has had no payment for this many days."),
    Setting("CHARGE_BACK_DAYS", "90", "Recourse window: days from invoice date after which an overdue invoice can be charged back."),
    Setting("LIMIT_UTILISATION_FLAG", "0.90", "Debtor credit-limit utilisation above this share is flagged."),
    Setting("ESCALATION_DAYS", "5", "Working days within which a hard case must reach the manager to count as timely."),
    Setting("ESCALATION_TARGET", "0.90", "Target share of hard cases escalated in time (behaviour score)."),
    Setting("KEPT_TARGET", "0.70", "Target promise-kept rate (behaviour score)."),
    Setting("SATISFACTION_TARGET", "4.0", "Target mean customer-satisfaction score on the 1-5 survey scale (quality score)."),
    Setting("CYCLE_IMPROVEMENT_TARGET", "0.10", "Target quarter-over-quarter reduction of the collection cycle (quality score)."),
    Setting(
        "SCORE_WEIGHTS",
        "0.5,0.3,0.2",
        "Weights of the quantity, quality and behaviour components of the collector score.",
    ),
    Setting(
        "DATA_CHECK_SECONDS",
        "30",
        "How often the app asks the database whether its data version changed (writes by other systems).",
    ),
    Setting("DEMO_INVOICES", "200000", "Invoices in the demo portfolio created on first run."),
    Setting("DEMO_SEED", "7", "Random seed of the demo portfolio created on first run."),
)


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
    data_check_seconds: int
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
    values = {}
    for f in fields(Settings):  # each value parsed by its field's declared type
        text = raw[f.name.upper()]
        try:
            values[f.name] = _PARSERS[str(f.type)](text)
        except ValueError:
            raise ValueError(f"RDASH_{f.name.upper()}={text!r} is not a valid {f.type}") from None
    settings = Settings(**values)
    edges = settings.bucket_edges
    if not edges or edges[0] != 0 or list(edges) != sorted(set(edges)):
        raise ValueError(
            f"RDASH_BUCKET_EDGES={raw['BUCKET_EDGES']!r} must start at 0 and rise strictly, e.g. 0,30,60,90,180"
        )
    weights = settings.score_weights
    if len(weights) != 3 or abs(sum(weights) - 1.0) > 1e-9:
        raise ValueError(f"RDASH_SCORE_WEIGHTS={raw['SCORE_WEIGHTS']!r} must be three weights adding up to 1")
    return replace(settings, currency=settings.currency.upper())


_PARSERS = {"str": str, "int": int, "float": float, "tuple[int, ...]": _ints, "tuple[float, ...]": _floats}


def setting_names() -> list[str]:
    return [f"RDASH_{s.name}" for s in SETTINGS]


assert {f.name for f in fields(Settings)} == {s.name.lower() for s in SETTINGS}
