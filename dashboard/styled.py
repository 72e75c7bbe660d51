"""A pandas Styler for ``st.dataframe`` whose cell colours and texts are given a column at a time.

Streamlit draws a Styler from pandas' translation of it (``Styler._compute`` then ``Styler._translate``,
in streamlit/elements/lib/pandas_styler_utils.py). pandas builds that translation cell by cell in Python,
a dictionary and a formatter call per cell: for the league table of 4,000 collectors, 100,000 cells, it
took 1.0 s of every rerun, most of the Collectors page's server time at 10M invoices. Here the same
translation is built a column at a time from one boolean mask per column and colour: the cells whose text
is not their plain ``str()`` (floats, dates, missing values, the re-texted ones) still get an entry each,
but formatted in a list (0.36 s for the same league).

It is the translation pandas itself would give for a Styler with the same colours and texts and pandas'
default formatting elsewhere: tests/test_styled.py checks that through Streamlit's own marshalling, on
generated frames, against a Styler built the ordinary way. It is made for ``st.dataframe`` only: pandas'
own renderers (``to_html``) would not see the colours or texts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandas.api.types import is_complex, is_float

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


def column_styler(
    data: pd.DataFrame, *, colours: dict[str, list[tuple[np.ndarray, str]]],
    texts: dict[str, list[tuple[np.ndarray, Callable[[object], str]]]],
) -> Styler:  # fmt: skip
    """``data`` as a Styler for ``st.dataframe``: in column ``c``, the rows of each ``(mask, css)`` of
    ``colours[c]`` get that css (one declaration, "background-color: #dcefe3"), and the rows of each
    ``(mask, text)`` of ``texts[c]`` show ``text(value)``; every other cell shows pandas' default text.
    Column names are unique; the masks of one column do not overlap (pandas would let the last one win)."""
    if not data.columns.is_unique:
        raise ValueError(f"column_styler needs unique column names, got {list(data.columns)}")
    for column, pairs in (*colours.items(), *texts.items()):
        if column not in data.columns:
            raise KeyError(f"column_styler: no column {column!r} to style in {list(data.columns)}")
        if len(pairs) > 1 and (np.sum([mask for mask, _ in pairs], axis=0) > 1).any():
            raise ValueError(f"column_styler: the masks of column {column!r} overlap")
    styler = data.style
    translation = {"table_styles": [], "cellstyle": _cell_styles(data, colours), "body": _body(data, texts)}
    # Streamlit calls these two before reading the translation; the translation is already made.
    styler._compute = lambda: styler  # type: ignore[method-assign]
    styler._translate = lambda *_args, **_kwargs: translation  # type: ignore[method-assign]
    return styler


def mask(compared: pd.Series) -> np.ndarray:
    """A pandas comparison as the boolean array ``column_styler`` takes; a missing value compares false."""
    return compared.to_numpy(dtype=bool, na_value=False)


def _cell_styles(data: pd.DataFrame, colours: dict[str, list[tuple[np.ndarray, str]]]) -> list[dict]:
    """pandas' ``cellstyle``: one entry per distinct style, its cells in row-major order, entries in the order
    of their first cell (as ``Styler._translate`` groups them)."""
    cells: dict[str, list[tuple[int, int]]] = {}
    for column, pairs in colours.items():
        c = data.columns.get_loc(column)
        for where, css in pairs:
            name, _, value = css.partition(":")
            if not name.strip() or not value.strip() or ";" in value.rstrip(" ;"):
                raise ValueError(f"column_styler: one declaration per colour, like 'background-color: #dcefe3', got {css!r}")
            cells.setdefault(css, []).extend((int(r), c) for r in np.flatnonzero(where))
    entries = []
    for css, where in cells.items():
        if not where:
            continue
        where.sort()
        name, _, value = css.partition(":")
        props = [(name.strip(), value.strip().rstrip(";").strip())]
        entries.append((where[0], {"props": props, "selectors": [f"row{r}_col{c}" for r, c in where]}))
    return [entry for _first, entry in sorted(entries, key=lambda e: e[0])]


def _body(data: pd.DataFrame, texts: dict[str, list[tuple[np.ndarray, Callable[[object], str]]]]) -> list[list[dict]]:
    """pandas' ``body``, reduced to the cells whose text differs from ``astype(str)``: Streamlit starts from
    ``data.astype(str)`` (which keeps missing values missing) and overwrites the cells the body names, so
    the others need no entry."""
    precision = pd.get_option("styler.format.precision")
    rows: list[list[dict]] = [[] for _ in range(len(data))]
    for c, column in enumerate(data.columns):
        series = data[column]
        values = series.tolist()  # the cells as pandas hands them to a formatter (Timestamp, not datetime64)
        missing = series.isna().to_numpy(dtype=bool)  # shown as pandas shows them: "nan", "None", "<NA>"
        kind = series.dtype.kind
        if kind in "iub":  # an integer's or a flag's text is its str()
            named = missing
        elif kind == "O":  # text and objects: floats among them are shown to pandas' precision
            named = missing | np.fromiter((is_float(v) or is_complex(v) for v in values), dtype=bool, count=len(values))
        else:  # floats, dates and other types: every cell
            named = np.ones(len(values), dtype=bool)
        text = [_default_text(v, precision) if shown else "" for v, shown in zip(values, named, strict=True)]
        for where, shown in texts.get(column, []):
            for r in np.flatnonzero(where):
                text[r] = shown(values[r])
            named = named | where
        for r in np.flatnonzero(named):
            rows[r].append({"id": f"row{r}_col{c}", "display_value": text[r]})
    return rows


def _default_text(value: object, precision: int) -> str:
    """pandas' default text of a cell (style_render._default_formatter), as Streamlit then reads it (str)."""
    if is_float(value) or is_complex(value):
        return f"{value:.{precision}f}"
    return str(value)
