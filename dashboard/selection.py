"""A picked table row is a debtor, a collector or a region, never a position.

``st.dataframe`` reports a selection as row positions and, for a keyed table, keeps them while the rows
change (its identity is its key): a pick made in row 3 would follow row 3 to whichever debtor is there
after a filter changes. ``pick_row`` keeps the pick as the row's id instead:

- the id lives in a URL parameter (``debtor=5098``), so a copied link reopens the same pick;
- the table's widget key carries a fingerprint of its rows, so when the rows change the table starts
  afresh with the picked id's row selected wherever it now is;
- when the id is no longer in the table, the pick is cleared and the page says so; an id the data does
  not know (a bad link) is named like any other ignored link value.

Use it for every table whose selection opens something (a drill-down, a scorecard).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from dashboard.filters import note_ignored, shown_value
from dashboard.i18n import t

Draw = Callable[[str, list[int]], Any]  # (widget key, rows selected at first drawing) -> st.dataframe's state


def fingerprint(ids: list[str]) -> str:
    """A short digest of the table's rows in order: a new one means a new table for the widget."""
    return f"{zlib.crc32(chr(31).join(ids).encode()):08x}{len(ids)}"


def pick_row(frame: pl.DataFrame, *, id_column: str, param: str, key: str, what: str, draw: Draw,
             name_of: Callable[[str], str | None] | None = None) -> dict | None:  # fmt: skip
    """Draw a single-row selectable table and return its picked row (a dict), kept by its id.

    ``draw(widget_key, rows)`` draws ``frame`` as a selectable table under ``widget_key`` with ``rows``
    selected when it first appears, and returns the dataframe's selection state. ``param`` is the URL
    parameter holding the picked id (as text); ``key`` the table's base widget key. ``what`` names the
    parameter in the note on an id the data does not know ("Debtor=`99999` is unknown"); ``name_of(id)``
    names an id that is not in this table ("Debtor 05098", ``None`` when the data does not know it), for
    the note that says the pick was cleared.
    """
    ids = [str(v) for v in frame[id_column].to_list()]
    wanted = st.query_params.get(param) or None
    memory, generation = f"_pick_{param}", f"_pick_{param}_generation"
    if wanted != st.session_state.get(memory):  # the URL changed from outside (a link, back): it wins
        st.session_state[generation] = st.session_state.get(generation, 0) + 1
    widget_key = f"{key}.{fingerprint(ids)}.{st.session_state.get(generation, 0)}"
    position = ids.index(wanted) if wanted in ids else None
    if wanted is not None and position is None:
        name = name_of(wanted) if name_of else None
        if name is None:  # a bad link: named with the link's other values, under the title
            note_ignored(t("filters.unknown", field=what, value=shown_value(wanted)))
        else:  # said where the pick was, above its table
            st.info(t("selection.gone", name=name), icon=":material/deselect:")
    state = draw(widget_key, [] if position is None else [position])
    rows = [r for r in state.selection.rows if 0 <= r < len(ids)]
    chosen = ids[rows[0]] if rows else None
    _remember(param, chosen)
    return frame.row(rows[0], named=True) if chosen is not None else None


def unlisted(param: str, *, name_of: Callable[[str], str | None], what: str) -> None:
    """The table that would hold the pick is not drawn (it has no rows): clear the pick and say so."""
    wanted = st.query_params.get(param) or None
    if wanted is None:
        return
    name = name_of(wanted)
    if name is None:
        note_ignored(t("filters.unknown", field=what, value=shown_value(wanted)))
    else:
        st.info(t("selection.gone", name=name), icon=":material/deselect:")
    forget(param)


def forget(param: str) -> None:
    """Clear a pick (e.g. the dimension whose rows it named was changed); its table starts afresh."""
    generation = f"_pick_{param}_generation"
    st.session_state[generation] = st.session_state.get(generation, 0) + 1
    _remember(param, None)


def _remember(param: str, chosen: str | None) -> None:
    if chosen is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    st.session_state[f"_pick_{param}"] = chosen
