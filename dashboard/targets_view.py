"""The target editor's working copy: a period's targets as the manager edits them, checked on every edit.

The rows live in ``st.session_state`` in their stored form (``data_access.metrics.targets.EDIT_COLUMNS``:
ids, shares 0-1, amounts in cents) and are shown in people's form (names, percent, currency units). Each
edit in the ``st.data_editor`` comes back through ``on_change``: it is applied to the working copy, every
row is validated again (``targets.validate``) and the editor is drawn anew with each row's problems in
its own column, next to the row. Nothing reaches the database until the manager saves a set with no
problem (``data.save_targets``, one audited write).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import polars as pl
import streamlit as st

from dashboard.i18n import localized, t
from data_access.metrics.recovery import TIERS
from data_access.metrics.targets import AMOUNT, EDIT_COLUMNS, METRICS, SHARE, Problem, identity, validate

STATE = "targets_work"


@dataclass
class Names:
    """Ids and the names the editor shows for them."""

    regions: dict[int, str]
    collectors: dict[int, str]
    collector_regions: dict[int, int]

    def metric_label(self, code: str | None) -> str | None:
        return None if code is None else t(f"targets.metric.{code}")

    def metric_code(self, label: str | None) -> str | None:
        return next((c for c in METRICS if t(f"targets.metric.{c}") == label), label)


def work(period_key: str) -> dict | None:
    found = st.session_state.get(STATE)
    return found if found and found["period"] == period_key else None


def start(period_key: str, rows: list[dict], version: int, names: Names) -> dict:
    # A new generation each time: the editor is drawn under a key it never had, so no old edits cling to it.
    generation = st.session_state.get(STATE, {}).get("generation", -1) + 1
    state = {"period": period_key, "rows": rows, "version": version, "generation": generation, "problems": []}
    state["problems"] = validate(rows, names.collector_regions, set(names.regions))
    st.session_state[STATE] = state
    return state


def drop() -> None:
    st.session_state.pop(STATE, None)


def for_people(rows: list[dict], problems: list[Problem], names: Names) -> pl.DataFrame:
    """The working rows as the editor shows them, with each row's problems beside it."""
    by_row: dict[int, list[str]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(localized(p.message))
    shown = []
    for i, r in enumerate(rows):
        metric = METRICS.get(r.get("target_type") or "")
        if metric is not None and metric.unit == AMOUNT:
            number = None if r.get("value_cents") is None else float(Decimal(int(r["value_cents"])) / 100)
        elif metric is not None and metric.unit == SHARE:
            number = None if r.get("value") is None else round(float(r["value"]) * 100, 6)
        else:
            number = r.get("value")
        shown.append({
            "target_id": r.get("target_id"), "metric": names.metric_label(r.get("target_type")),
            "tier": r.get("tier"), "region": names.regions.get(r.get("region_id")),  # type: ignore[arg-type]
            "collector": names.collectors.get(r.get("collector_id")),  # type: ignore[arg-type]
            "target": number, "unit": t(f"targets.unit.{metric.unit}") if metric else None,
            "check": " · ".join(by_row.get(i, [])) or "✓",  # beside the number, where the eye is
            "owner": r.get("owner"), "rationale": r.get("rationale"), "basis": r.get("basis"),
        })  # fmt: skip
    schema = {"target_id": pl.Int64, "metric": pl.String, "tier": pl.String, "region": pl.String,
              "collector": pl.String, "target": pl.Float64, "unit": pl.String, "check": pl.String,
              "owner": pl.String, "rationale": pl.String, "basis": pl.String}  # fmt: skip
    return pl.DataFrame(shown, schema=schema, orient="row")


def stored(row: dict, names: Names) -> dict:
    """A row in people's form back in its stored form (the reverse of ``for_people``)."""
    code = names.metric_code(row.get("metric"))
    metric = METRICS.get(code or "")
    number = row.get("target")
    value = cents = None
    if number is not None and metric is not None:
        if metric.unit == AMOUNT:
            try:
                exact = Decimal(str(number)) * 100
                cents = int(exact) if exact == exact.to_integral_value() else float(exact)
            except InvalidOperation:
                cents = None
        elif metric.unit == SHARE:
            value = float(number) / 100
        else:
            value = float(number)
    region_id = next((i for i, n in names.regions.items() if n == row.get("region")), None)
    collector_id = next((i for i, n in names.collectors.items() if n == row.get("collector")), None)
    return {"target_id": row.get("target_id"), "target_type": code, "tier": row.get("tier") or None,
            "region_id": region_id, "collector_id": collector_id, "value": value, "value_cents": cents,
            "owner": row.get("owner"), "rationale": row.get("rationale") or "", "basis": row.get("basis")}  # fmt: skip


def apply_edits(editor_key: str, names: Names) -> None:
    """``on_change`` of the editor: fold its edits into the working copy and check every row again."""
    state, edits = st.session_state[STATE], st.session_state[editor_key]
    shown = for_people(state["rows"], [], names).to_dicts()
    for index, change in edits.get("edited_rows", {}).items():
        shown[int(index)].update(change)
    for added in edits.get("added_rows", []):
        shown.append({"target_id": None, **added})
    deleted = set(edits.get("deleted_rows", []))
    rows = [stored(r, names) for i, r in enumerate(shown) if i not in deleted]
    state["rows"] = rows
    state["problems"] = validate(rows, names.collector_regions, set(names.regions))
    state["generation"] += 1


def pending(editor_key: str) -> bool:
    edits = st.session_state.get(editor_key)
    return bool(edits) and any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def merge(rows: list[dict], extra: list[dict]) -> list[dict]:
    """``extra`` rows over the working rows: a row for the same scope and metric takes the new value and
    basis (keeping its id), others are added. A collector's row is the collector's with or without its region
    (``targets.identity``), so a suggestion (no region) updates a saved row that names the region."""
    index = {identity(r): i for i, r in enumerate(rows)}
    merged = [dict(r) for r in rows]
    for row in extra:
        if identity(row) in index:
            merged[index[identity(row)]].update(value=row["value"], basis=row.get("basis"))
        else:
            merged.append(row)
    return merged


def editor_columns(names: Names) -> dict:
    """Column settings of the editor: choices from the metrics, tiers, regions and collectors."""
    return {
        "target_id": None,
        "metric": st.column_config.SelectboxColumn(t("targets.col.metric"), options=[t(f"targets.metric.{c}")
                                                   for c in METRICS], required=True, width="medium"),
        "tier": st.column_config.SelectboxColumn(t("col.tier"), options=list(TIERS)),
        "region": st.column_config.SelectboxColumn(t("col.region"), options=sorted(names.regions.values())),
        "collector": st.column_config.SelectboxColumn(t("col.collector"), options=sorted(names.collectors.values())),
        "target": st.column_config.NumberColumn(t("col.target"), format="%.2f", help=t("targets.target_help")),
        "unit": st.column_config.TextColumn(t("targets.col.unit"), disabled=True, width="small"),
        "owner": st.column_config.TextColumn(t("targets.col.owner"), help=t("targets.owner_help")),
        "rationale": st.column_config.TextColumn(t("targets.col.rationale"), help=t("targets.rationale_help")),
        "basis": st.column_config.TextColumn(t("targets.col.basis"), disabled=True),
        "check": st.column_config.TextColumn(t("targets.col.check"), disabled=True, width="large"),
    }  # fmt: skip


__all__ = ["EDIT_COLUMNS", "Names", "apply_edits", "drop", "editor_columns", "for_people", "merge", "pending", "start",
           "stored", "work"]  # fmt: skip
