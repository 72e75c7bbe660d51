"""styled.column_styler gives Streamlit what pandas' own Styler gives it: the same cell texts and the same cell
colours, read through Streamlit's marshalling (what the browser receives), on generated frames."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from dashboard.styled import column_styler

GREEN, RED = "background-color: #dcefe3", "background-color: #f7dcdc"


def marshalled(styler) -> tuple[pa.Table, str]:  # noqa: ANN001 - a pandas Styler
    """The display texts and the CSS Streamlit sends to the browser for ``styler``."""
    proto = ArrowData()
    styler.set_uuid("fixed")  # pandas draws a random one; the CSS selectors carry it
    marshall_styler(proto, styler, "fixed")
    return pa.ipc.open_stream(io.BytesIO(proto.styler.display_values)).read_all(), proto.styler.styles


def ordinary(data: pd.DataFrame, colours: dict, texts: dict):  # noqa: ANN201 - the oracle: pandas' public API
    def colour(frame):  # noqa: ANN001, ANN202
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for column, pairs in colours.items():
            for mask, css in pairs:
                styles.loc[mask, column] = css
        return styles

    styler = data.style.apply(colour, axis=None)
    for column, pairs in texts.items():
        for mask, text in pairs:
            if mask.any():
                styler = styler.format(text, subset=(data.index[mask], [column]))
    return styler


@st.composite
def frames(draw):  # noqa: ANN001, ANN201
    """Every kind of column a Polars frame becomes in pandas (``to_pandas``: floats with NaN, integers,
    text with None, flags, dates, flags with None as objects) and pandas' nullable types, with <NA>."""
    rows = draw(st.integers(0, 12))

    def column(elements):  # noqa: ANN001, ANN202
        return draw(st.lists(elements, min_size=rows, max_size=rows))

    floats = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(float("nan")))
    maybe_int = st.one_of(st.none(), st.integers(-5, 10**6))
    data = pd.DataFrame({
        "rate": column(floats),
        "count": column(st.integers(-5, 10**9)),
        "name": column(st.one_of(st.none(), st.text(max_size=6))),
        "flag": column(st.booleans()),
        "day": pd.to_datetime(column(st.dates())),
        "mixed": pd.Series(column(st.one_of(st.none(), st.booleans(), floats)), dtype=object),
        "cases": pd.array(column(maybe_int), dtype="Int64"),
        "kept": pd.array(column(st.one_of(st.none(), st.booleans())), dtype="boolean"),
        "share": pd.array(column(st.one_of(st.none(), st.floats(0, 1))), dtype="Float64"),
    })  # fmt: skip
    colours, texts = {}, {}
    for name in draw(st.lists(st.sampled_from(list(data.columns)), unique=True, max_size=3)):
        # Two masks per column that do not overlap: cells met, cells missed, the rest plain.
        which = np.array(column(st.integers(0, 2)), dtype=int)
        first, second = which == 1, which == 2
        colours[name] = [(first, GREEN), (second, RED)]
        texts[name] = [(first, lambda v: f"✓ {v}"), (second, lambda v: f"✗ {v}")]
    return data, colours, texts


@given(frames())
@settings(max_examples=80, deadline=None)
def test_the_browser_receives_what_pandas_would_send(case) -> None:  # noqa: ANN001
    data, colours, texts = case
    fast_texts, fast_css = marshalled(column_styler(data, colours=colours, texts=texts))
    slow_texts, slow_css = marshalled(ordinary(data, colours, texts))
    assert fast_texts.equals(slow_texts)
    assert fast_css == slow_css


def test_a_coloured_cell_reaches_the_browser_with_its_colour_and_its_text() -> None:
    data = pd.DataFrame({"rate": [92.3, 61.0, float("nan")], "name": ["A", "B", "C"]})
    met, missed = np.array([True, False, False]), np.array([False, True, False])
    styler = column_styler(data, colours={"rate": [(met, GREEN), (missed, RED)]},
                           texts={"rate": [(met, lambda v: f"✓ {v:.1f} %"), (missed, lambda v: f"✗ {v:.1f} %")]})  # fmt: skip
    texts, css = marshalled(styler)
    assert texts.column("rate").to_pylist() == ["✓ 92.3 %", "✗ 61.0 %", "nan"]
    assert texts.column("name").to_pylist() == ["A", "B", "C"]
    assert css == ("#T_fixed_row0_col0 { background-color: #dcefe3 }\n"
                   "#T_fixed_row1_col0 { background-color: #f7dcdc }")  # fmt: skip


def test_overlapping_masks_and_unknown_columns_are_refused() -> None:
    data = pd.DataFrame({"rate": [1.0, 2.0]})
    both = np.array([True, True])
    try:
        column_styler(data, colours={"rate": [(both, GREEN), (both, RED)]}, texts={})
    except ValueError as refused:
        assert "overlap" in str(refused)
    else:
        raise AssertionError("overlapping masks were accepted")
    try:
        column_styler(data, colours={"ratio": [(both, GREEN)]}, texts={})
    except KeyError as refused:
        assert "ratio" in str(refused)
    else:
        raise AssertionError("an unknown column was accepted")
