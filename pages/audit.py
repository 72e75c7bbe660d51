"""Audit log: every write to the database, who made it, what it changed, and whether the chain is intact.

For administrators (until sign-in exists, everyone using the app). The view filters do not apply:
the log lists writes, not receivables.
"""

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.components import empty_state, money_table
from dashboard.i18n import localized, t
from dashboard.shell import freshness, open_page
from data_access.book import audit_trail

cockpit = open_page(t("audit.title"), rows="audit_log")
if cockpit.context.scope.regions is not None:  # the log spans every region: administrators only
    st.error(t("audit.admins_only"), icon=":material/lock:")
    st.stop()
log_key = cockpit.context.table_key("audit_log")

# Verification status
if flash := st.session_state.pop("audit_flash", None):
    st.success(flash, icon=":material/approval:")
ok, count, head, problem = data.audit_verdict(log_key)
if ok:
    st.success(t("audit.intact", entries=f"{count:,}", head=head), icon=":material/verified:")
else:
    st.error(t("audit.broken", problem=localized(problem)), icon=":material/gpp_bad:")

entries = audit_trail.entries(data.table(log_key))
if entries.is_empty():
    empty_state(t("audit.empty"))
    freshness(cockpit)
    st.stop()

# Filters of the log itself
left, middle, right, dates = st.columns([2, 2, 2, 3])
actors = left.multiselect(t("audit.actor"), sorted(entries["actor"].unique()), placeholder=t("filters.placeholder"))
actions = middle.multiselect(t("audit.action"), sorted(entries["action"].unique()), placeholder=t("filters.placeholder"))
tables = right.multiselect(t("audit.table"), sorted({n for v in entries["tables"] for n in v.split(",") if n}),
                        placeholder=t("filters.placeholder"))  # fmt: skip
first, last = entries["at"].min().date(), entries["at"].max().date()  # type: ignore[union-attr]
period = dates.date_input(t("audit.period"), (first, last), min_value=first, max_value=last)
start, end = (period + (None, None))[:2] if isinstance(period, tuple) else (period, period)
shown = audit_trail.filter_entries(entries, actors=actors, actions=actions, tables=tables, start=start, end=end)
st.caption(t("audit.shown", shown=f"{shown.height:,}", total=f"{entries.height:,}"))
picked = money_table(shown.drop("hash").with_columns(pl.col("at").dt.strftime("%Y-%m-%d %H:%M:%S UTC")),
                     currency=cockpit.currency, key="audit_entries", selectable=True, height=360,
                     labels={"audit_id": t("audit.col.id"), "at": t("audit.col.at"), "actor": t("audit.actor"),
                             "action": t("audit.action"), "tables": t("audit.col.tables"),
                             "details": t("audit.col.details"), "rows_changed": t("audit.col.rows_changed")})  # fmt: skip

# One entry's changes, before and after
if picked.selection.rows:
    entry = shown.row(picked.selection.rows[0], named=True)
    st.subheader(t("audit.changes_of", id=entry["audit_id"], action=entry["action"]))
    st.caption(t("audit.hash", hash=entry["hash"]))
    changes = audit_trail.changes_frame(data.table(log_key).filter(pl.col("audit_id") == entry["audit_id"])["changes"].item())
    money_table(changes, currency=cockpit.currency, key="audit_changes", height=300,
                labels={c: t(f"audit.col.{c}") for c in changes.columns})  # fmt: skip
else:
    st.caption(t("audit.pick"))

# Seal the head for the minutes
st.subheader(t("audit.checkpoint"))
st.caption(t("audit.checkpoint_help"))
with st.form("checkpoint", clear_on_submit=True):
    note = st.text_input(t("audit.note"), placeholder=t("audit.note_placeholder"))
    if st.form_submit_button(t("audit.record"), icon=":material/approval:"):
        try:
            sealed = data.record_checkpoint(cockpit.context, note)
        except ValueError as refused:  # WriteRefused: says what is wrong and how to fix it
            st.error(localized(refused))
        else:
            st.session_state["audit_flash"] = t("audit.recorded", head=sealed)
            st.rerun()

freshness(cockpit)
