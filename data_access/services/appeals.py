"""Appeals against a period's appraisal: a collector files, a manager decides, each step one audited write.

Filing records the period (a calendar month, quarter or year), the measures contested, the reason and an
evidence note; it is accepted only after the period has closed and within ``window_days`` of its end
(RDASH_APPEAL_WINDOW_DAYS), and only once per collector and period while an appeal is open. A decision
upholds the appeal (with a corrected figure for one of the contested measures, or a note) or rejects it
(with a reason); an appeal is decided once. The league table applies an upheld correction to the period's
score and rank and keeps the original beside it (``appraisal.with_appeals``).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, func, select

from data_access.db.schema import appeals, collectors
from data_access.db.writes import WriteRefused, audited_write
from data_access.metrics.appraisal import APPEAL_MEASURES
from data_access.metrics.recovery import Period
from data_access.metrics.targets import kind_of, window_closes

UPHELD, REJECTED = "upheld", "rejected"


def file_appeal(engine: Engine, *, collector_id: int, period: Period, measures: list[str], reason: str,
                evidence: str, filed_on: date, actor: str, window_days: int) -> int:  # fmt: skip
    """Record an open appeal; returns its id. Refused, writing nothing, outside the window or when invalid."""
    if kind_of(period) is None:
        raise WriteRefused(f"{period.start} to {period.end} is not a calendar month, quarter or year; appeal the "
                           "result of a whole period.")  # fmt: skip
    if filed_on <= period.end:
        raise WriteRefused(f"The period {period.start} to {period.end} has not closed yet; an appeal can be filed "
                           f"from {period.end + timedelta(days=1)}.")  # fmt: skip
    if filed_on > window_closes(period, window_days):
        raise WriteRefused(f"The window for appealing {period.start} to {period.end} closed on "
                           f"{window_closes(period, window_days)} ({window_days} days after the period ended); "
                           "this appeal can no longer be filed.")  # fmt: skip
    unknown = [m for m in measures if m not in APPEAL_MEASURES]
    if not measures or unknown:
        raise WriteRefused(f"Name the measures contested, from {', '.join(APPEAL_MEASURES)}"
                           + (f"; unknown: {', '.join(unknown)}." if unknown else "."))  # fmt: skip
    if not reason.strip():
        raise WriteRefused("Write the reason for the appeal: what is wrong with the result, and why.")
    with audited_write(engine, actor=actor, action="appeal_file", tables=("appeals",),
                       details={"collector_id": collector_id, "period_start": period.start.isoformat(),
                                "period_end": period.end.isoformat(), "measures": measures}) as writer:  # fmt: skip
        if not writer.query(select(collectors.c.collector_id).where(collectors.c.collector_id == collector_id)):
            raise WriteRefused(f"There is no collector #{collector_id}; pick one from the list.")
        if writer.query(select(appeals.c.appeal_id).where(
                appeals.c.collector_id == collector_id, appeals.c.period_start == period.start,
                appeals.c.period_end == period.end, appeals.c.status == "open")):  # fmt: skip
            raise WriteRefused(f"Collector #{collector_id} already has an open appeal against {period.start} to "
                               f"{period.end}; add to it when it is decided, or wait for the decision.")  # fmt: skip
        appeal_id = (writer.query(select(func.max(appeals.c.appeal_id).label("top")))[0]["top"] or 0) + 1
        writer.insert("appeals", {
            "appeal_id": appeal_id, "collector_id": collector_id, "period_start": period.start,
            "period_end": period.end, "filed_on": filed_on, "status": "open", "reason": reason.strip(),
            "decided_on": None, "metrics": ",".join(measures), "evidence": evidence.strip() or None,
            "filed_by": actor,
        })  # fmt: skip
    return appeal_id


def decide_appeal(engine: Engine, appeal_id: int, *, decision: str, note: str, decided_on: date, actor: str,
                  corrected_measure: str | None = None, corrected_value: float | None = None) -> None:  # fmt: skip
    """Uphold (a corrected figure for a contested measure, or a note) or reject (with a reason) an open appeal."""
    if decision not in (UPHELD, REJECTED):
        raise WriteRefused(f"A decision is {UPHELD!r} or {REJECTED!r}; got {decision!r}.")
    note = note.strip()
    if decision == REJECTED and not note:
        raise WriteRefused("Write the reason for rejecting the appeal; the collector will read it.")
    if decision == REJECTED and corrected_measure is not None:
        raise WriteRefused("A rejected appeal corrects nothing; clear the corrected figure or uphold the appeal.")
    if decision == UPHELD and corrected_measure is None and not note:
        raise WriteRefused("Uphold with a corrected figure for a contested measure, or a note saying what follows.")
    if (corrected_measure is None) != (corrected_value is None):
        raise WriteRefused("A correction needs both the measure and its corrected value.")
    if corrected_measure is not None:
        low, high = APPEAL_MEASURES[corrected_measure] if corrected_measure in APPEAL_MEASURES else (None, None)
        if low is None:
            raise WriteRefused(f"{corrected_measure!r} cannot be corrected; pick one of {', '.join(APPEAL_MEASURES)}.")
        if not low <= corrected_value <= high:  # type: ignore[operator]
            raise WriteRefused(f"The corrected {corrected_measure} must be between {low:g} and {high:g}; "
                               f"got {corrected_value:g}.")  # fmt: skip
    with audited_write(engine, actor=actor, action=f"appeal_{decision}", tables=("appeals",),
                       details={"appeal_id": appeal_id, "decision": decision,
                                "corrected_measure": corrected_measure, "corrected_value": corrected_value}) as writer:  # fmt: skip
        found = writer.query(select(appeals).where(appeals.c.appeal_id == appeal_id).with_for_update())
        if not found:
            raise WriteRefused(f"There is no appeal #{appeal_id}; pick one from the list.")
        appeal = found[0]
        if appeal["status"] != "open":
            raise WriteRefused(f"Appeal #{appeal_id} was already decided ({appeal['status']} on "
                               f"{appeal['decided_on']}); a decision is final.")  # fmt: skip
        if decided_on < appeal["filed_on"]:
            raise WriteRefused(f"The decision date {decided_on} is before the appeal was filed ({appeal['filed_on']}).")
        contested = (appeal["metrics"] or "").split(",")
        if corrected_measure is not None and appeal["metrics"] and corrected_measure not in contested:
            raise WriteRefused(f"The appeal contests {', '.join(contested)}, not {corrected_measure}; correct a "
                               "contested measure.")  # fmt: skip
        writer.update("appeals", {"appeal_id": appeal_id}, {
            "status": decision, "decided_on": decided_on, "decided_by": actor, "decision_note": note or None,
            "corrected_metric": corrected_measure, "corrected_value": corrected_value,
        })  # fmt: skip
