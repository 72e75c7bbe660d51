"""Column headers people read, on screen, in downloads and in the meeting pack (no Streamlit here)."""

from __future__ import annotations

from dashboard.i18n import t

# Column id -> i18n key of its header. Money columns end in _cents (integer cents in data_access).
COLUMN_KEYS = {
    "bucket": "col.bucket", "invoices": "col.invoices", "share": "col.share", "total": "col.total",
    "overdue_share": "col.overdue_share", "debtor": "col.debtor", "region": "col.region", "industry": "col.industry",
    "grade": "col.grade", "collector": "col.collector", "client": "col.client", "max_dpd": "col.max_dpd",
    "weighted_dpd": "col.weighted_dpd", "invoice_number": "col.invoice_number", "issue_date": "col.issue_date",
    "due_date": "col.due_date", "dpd": "col.dpd", "amount_cents": "col.amount", "outstanding_cents": "col.outstanding",
    "overdue_cents": "col.overdue", "paid_cents": "col.paid", "credited_cents": "col.credited",
    "written_off_cents": "col.written_off", "month_end": "col.month_end", "tier": "col.tier",
    "receivables": "col.receivables", "entry_cents": "col.entry", "collected_cents": "col.collected",
    "rate": "col.rate", "target": "col.target", "met": "col.met", "stay_rate": "col.stay_rate",
    "roll_rate": "col.roll_rate", "chain_to_write_off": "col.chain_to_write_off", "post_write_off_recovery": "col.post_write_off_recovery",
    "scalar": "col.scalar", "loss_rate": "col.loss_rate", "ecl_cents": "col.ecl", "stage": "col.stage",
    "cases": "col.cases", "claimed_cents": "col.claimed", "recovered_cents": "col.recovered",
    "recovered_share": "col.recovered_share", "median_age_days": "col.median_age_days",
    "last_payment": "col.last_payment", "events": "col.events", "latest_event": "col.latest_event",
    "latest_event_date": "col.latest_event_date", "sales_cents": "col.sales", "credits_cents": "col.credits",
    "dilution": "col.dilution", "share_of_client": "col.share_of_client", "credit_limit_cents": "col.credit_limit",
    "utilisation": "col.utilisation", "over_flag": "col.over_flag", "age_days": "col.age_days",
    "recourse": "col.recourse", "rank": "col.rank", "rank_change": "col.rank_change", "level": "col.level",
    "cases_closed": "col.cases_closed", "recovery_rate": "col.recovery_rate",
    "recovery_target": "col.recovery_target", "adjusted": "col.adjusted", "cycle_days": "col.cycle_days",
    "cycle_improvement": "col.cycle_improvement", "agreement_rate": "col.agreement_rate", "kept_rate": "col.kept_rate",
    "satisfaction": "col.satisfaction", "escalation_timely": "col.escalation_timely", "incidents": "col.incidents",
    "incident_kinds": "col.incident_kinds", "score": "col.score", "status": "col.status",
    "hard_share": "col.hard_share", "low_grade_share": "col.low_grade_share", "period": "col.period",
    "selection": "col.selection", "channel": "col.channel", "outcome": "col.outcome", "reported_on": "col.reported_on",
    "kind": "col.kind", "confirmed": "col.confirmed", "confirmed_on": "col.confirmed_on", "filed_on": "col.filed_on",
    "reason": "col.reason", "description": "col.description", "decided_on": "col.decided_on",
    "period_start": "col.period_start", "period_end": "col.period_end",
    # targets and appeals (issue 11)
    "original_score": "col.original_score",
    "original_rank": "col.original_rank",
    "metrics": "targets.col.metrics",
    "evidence": "targets.col.evidence",
    "decision_note": "targets.col.decision_note",
    "corrected_metric": "targets.col.corrected_metric",
    "corrected_value": "targets.col.corrected_value",
    "filed_by": "targets.col.filed_by",
    "decided_by": "targets.col.decided_by",
}  # fmt: skip


def header(name: str, labels: dict[str, str]) -> str:
    """A column's header on screen and in exports: the page's label, else the i18n one, else its name."""
    return labels.get(name) or (t(COLUMN_KEYS[name]) if name in COLUMN_KEYS else name)


