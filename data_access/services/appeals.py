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
from data_access.messages import Message
from data_access.metrics.appraisal import APPEAL_MEASURES
from data_access.metrics.recovery import Period
from data_access.metrics.targets import kind_of, window_closes

UPHELD, REJECTED = "upheld", "rejected"


def _name(measure: str) -> Message:
    """A measure by its code in English, by its column title on the page (``col.<measure>``)."""
    return Message(f"col.{measure}", measure)


def _names(measures) -> list[Message]:  # noqa: ANN001 - any iterable of codes
    return [_name(m) for m in measures]


def file_appeal(engine: Engine, *, collector_id: int, period: Period, measures: list[str], reason: str,
                evidence: str, filed_on: date, actor: str, window_days: int) -> int:  # fmt: skip
    """Record an open appeal; returns its id. Refused, writing nothing, outside the window or when invalid."""
    if kind_of(period) is None:
        raise WriteRefused(Message("appeals.refused.period", "{start} to {end} is not a calendar month, quarter or "
                                   "year; appeal the result of a whole period.", start=period.start,
                                   end=period.end))  # fmt: skip
    if filed_on <= period.end:
        raise WriteRefused(Message("appeals.refused.open_period", "The period {start} to {end} has not closed yet; an "
                                   "appeal can be filed from {first}.", start=period.start, end=period.end,
                                   first=period.end + timedelta(days=1)))  # fmt: skip
    if filed_on > window_closes(period, window_days):
        raise WriteRefused(Message("appeals.refused.window", "The window for appealing {start} to {end} closed on "
                                   "{closed} ({days} days after the period ended); this appeal can no longer be "
                                   "filed.", start=period.start, end=period.end,
                                   closed=window_closes(period, window_days), days=window_days))  # fmt: skip
    unknown = [m for m in measures if m not in APPEAL_MEASURES]
    if not measures or unknown:
        if unknown:
            raise WriteRefused(Message("appeals.refused.unknown_measures", "Name the measures contested, from "
                                       "{measures}; unknown: {unknown}.", measures=_names(APPEAL_MEASURES),
                                       unknown=", ".join(unknown)))  # fmt: skip
        raise WriteRefused(Message("appeals.refused.no_measures", "Name the measures contested, from {measures}.",
                                   measures=_names(APPEAL_MEASURES)))  # fmt: skip
    if not reason.strip():
        raise WriteRefused(Message("appeals.refused.no_reason", "Write the reason for the appeal: what is wrong with "
                                   "the result, and why."))  # fmt: skip
    with audited_write(engine, actor=actor, action="appeal_file", tables=("appeals",),
                       details={"collector_id": collector_id, "period_start": period.start.isoformat(),
                                "period_end": period.end.isoformat(), "measures": measures}) as writer:  # fmt: skip
        if not writer.query(select(collectors.c.collector_id).where(collectors.c.collector_id == collector_id)):
            raise WriteRefused(Message("targets.problem.no_collector", "There is no collector #{id}; pick one from "
                                       "the list.", id=collector_id))  # fmt: skip
        if writer.query(select(appeals.c.appeal_id).where(
                appeals.c.collector_id == collector_id, appeals.c.period_start == period.start,
                appeals.c.period_end == period.end, appeals.c.status == "open")):  # fmt: skip
            raise WriteRefused(Message("appeals.refused.already_open", "Collector #{id} already has an open appeal "
                                       "against {start} to {end}; add to it when it is decided, or wait for the "
                                       "decision.", id=collector_id, start=period.start, end=period.end))  # fmt: skip
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
        raise WriteRefused(Message("appeals.refused.decision", "A decision is 'upheld' or 'rejected'; got "
                                   "{decision}.", decision=repr(decision)))  # fmt: skip
    note = note.strip()
    if decision == REJECTED and not note:
        raise WriteRefused(Message("appeals.refused.no_rejection_reason", "Write the reason for rejecting the "
                                   "appeal; the collector will read it."))  # fmt: skip
    if decision == REJECTED and corrected_measure is not None:
        raise WriteRefused(Message("appeals.refused.rejected_correction", "A rejected appeal corrects nothing; clear "
                                   "the corrected figure or uphold the appeal."))  # fmt: skip
    if decision == UPHELD and corrected_measure is None and not note:
        raise WriteRefused(Message("appeals.refused.empty_upheld", "Uphold with a corrected figure for a contested "
                                   "measure, or a note saying what follows."))  # fmt: skip
    if (corrected_measure is None) != (corrected_value is None):
        raise WriteRefused(Message("appeals.refused.half_correction", "A correction needs both the measure and its "
                                   "corrected value."))  # fmt: skip
    if corrected_measure is not None:
        low, high = APPEAL_MEASURES[corrected_measure] if corrected_measure in APPEAL_MEASURES else (None, None)
        if low is None:
            raise WriteRefused(Message("appeals.refused.not_correctable", "{measure} cannot be corrected; pick one "
                                       "of {measures}.", measure=repr(corrected_measure),
                                       measures=_names(APPEAL_MEASURES)))  # fmt: skip
        if not low <= corrected_value <= high:  # type: ignore[operator]
            raise WriteRefused(Message("appeals.refused.out_of_range", "The corrected {measure} must be between "
                                       "{low} and {high}; got {value}.", measure=_name(corrected_measure),
                                       low=f"{low:g}", high=f"{high:g}", value=f"{corrected_value:g}"))  # fmt: skip
    with audited_write(engine, actor=actor, action=f"appeal_{decision}", tables=("appeals",),
                       details={"appeal_id": appeal_id, "decision": decision,
                                "corrected_measure": corrected_measure, "corrected_value": corrected_value}) as writer:  # fmt: skip
        found = writer.query(select(appeals).where(appeals.c.appeal_id == appeal_id).with_for_update())
        if not found:
            raise WriteRefused(Message("appeals.refused.no_appeal", "There is no appeal #{id}; pick one from the "
                                       "list.", id=appeal_id))  # fmt: skip
        appeal = found[0]
        if appeal["status"] != "open":
            raise WriteRefused(Message("appeals.refused.decided", "Appeal #{id} was already decided ({status} on "
                                       "{on}); a decision is final.", id=appeal_id,
                                       status=Message(f"appeal.{appeal['status']}", appeal["status"]),
                                       on=appeal["decided_on"]))  # fmt: skip
        if decided_on < appeal["filed_on"]:
            raise WriteRefused(Message("appeals.refused.before_filing", "The decision date {on} is before the appeal "
                                       "was filed ({filed}).", on=decided_on, filed=appeal["filed_on"]))  # fmt: skip
        contested = (appeal["metrics"] or "").split(",")
        if corrected_measure is not None and appeal["metrics"] and corrected_measure not in contested:
            raise WriteRefused(Message("appeals.refused.not_contested", "The appeal contests {contested}, not "
                                       "{measure}; correct a contested measure.", contested=_names(contested),
                                       measure=_name(corrected_measure)))  # fmt: skip
        writer.update("appeals", {"appeal_id": appeal_id}, {
            "status": decision, "decided_on": decided_on, "decided_by": actor, "decision_note": note or None,
            "corrected_metric": corrected_measure, "corrected_value": corrected_value,
        })  # fmt: skip
