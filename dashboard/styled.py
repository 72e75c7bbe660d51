"""A pandas Styler for ``st.dataframe`` whose cell colours and texts are given a column at a time.

Streamlit draws a Styler from pandas' translation of it (``Styler._compute`` then ``Styler._translate``,
in streamlit/elements/lib/pandas_styler_utils.py). pandas builds that translation cell by cell in Python:
for the league table of 4,000 collectors, 100,000 cells, it took 1.4 s of every rerun, most of the
Collectors page's time at 10M invoices. Here the same translation is built from one boolean mask per
column and colour, so its cost is the cells that are coloured or re-texted, formatted in a list at a time.

It is the translation pandas itself would give for a Styler with the same colours and texts and pandas'
default formatting elsewhere: tests/test_styled.py checks that through Streamlit's own marshalling, on
generated frames, against a Styler built the ordinary way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler


def column_styler(
    data: pd.DataFrame, *, colours: dict[str, list[tuple[np.ndarray, str]]],
    texts: dict[str, list[tuple[np.ndarray, Callable[[object], str]]]],
) -> Styler:  # fmt: skip
    """``data`` as a Styler: in column ``c``, the rows of each ``(mask, css)`` of ``colours[c]`` get that css
    (one declaration, "background-color: #dcefe3"), and the rows of each ``(mask, text)`` of ``texts[c]``
    show ``text(value)``; every other cell shows pandas' default text. Masks of one column do not overlap."""
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
        for mask, css in pairs:
            cells.setdefault(css, []).extend((int(r), c) for r in np.flatnonzero(mask))
    entries = []
    for css, where in cells.items():
        if not where:
            continue
        where.sort()
        name, value = (part.strip() for part in css.split(":", 1))
        entries.append((where[0], {"props": [(name, value)], "selectors": [f"row{r}_col{c}" for r, c in where]}))
    return [entry for _first, entry in sorted(entries, key=lambda e: e[0])]


def _body(data: pd.DataFrame, texts: dict[str, list[tuple[np.ndarray, Callable[[object], str]]]]) -> list[list[dict]]:
    """pandas' ``body``, reduced to the cells whose text differs from ``str(value)``: Streamlit starts from
    ``data.astype(str)`` and overwrites the cells the body names, so the others need no entry."""
    import pandas as pd

    precision = pd.get_option("styler.format.precision")
    rows: list[list[dict]] = [[] for _ in range(len(data))]
    for c, column in enumerate(data.columns):
        values = data[column].tolist()  # the cells as pandas hands them to a formatter (Timestamp, not datetime64)
        kind = data[column].dtype.kind
        if kind in "iub":  # an integer's or a flag's text is its str()
            named = np.zeros(len(values), dtype=bool)
        elif kind == "O":  # text and objects: floats among them and missing values are shown as pandas does
            named = np.fromiter((isinstance(v, float | complex) for v in values), dtype=bool, count=len(values))
            named |= pd.isna(np.array(values, dtype=object))
        else:  # floats, dates and other types: every cell
            named = np.ones(len(values), dtype=bool)
        text = [_default_text(v, precision) if shown else "" for v, shown in zip(values, named, strict=True)]
        for mask, shown in texts.get(column, []):
            for r in np.flatnonzero(mask):
                text[r] = shown(values[r])
            named = named | mask
        for r in np.flatnonzero(named):
            rows[r].append({"id": f"row{r}_col{c}", "display_value": text[r]})
    return rows


def _default_text(value: object, precision: int) -> str:
    """pandas' default text of a cell (style_render._default_formatter), as Streamlit then reads it (str)."""
    if isinstance(value, float | complex):  # numpy's float64 and complex128 are subclasses
        return f"{value:.{precision}f}"
    return str(value)
