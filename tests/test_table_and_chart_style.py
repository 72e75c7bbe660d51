"""How tables and charts look: a value against its target green with ✓ where met, red with ✗ where missed, plain
where either is missing (colour is never the only sign); every figure in the white theme with rdash's fonts."""

from __future__ import annotations

import pandas as pd

from dashboard.components import MET, MISSED, marked
from tests.test_styled import marshalled


def test_met_missed_and_missing_values_are_marked_and_coloured() -> None:
    data = pd.DataFrame({"recovery_rate": [92.3, 61.0, float("nan"), 80.0],
                         "recovery_target": [90.0, 80.0, 85.0, 80.0]})  # fmt: skip
    texts, css = marshalled(marked(data, [("recovery_rate", "recovery_target")], ("recovery_rate", "recovery_target")))
    shown = texts.column("recovery_rate").to_pylist()
    assert shown[0] == "✓ 92.3 %" and shown[1] == "✗ 61.0 %" and shown[3] == "✓ 80.0 %"  # 80 meets 80
    assert "✓" not in shown[2] and "✗" not in shown[2]
    # Row 2 (a missing value) and column 1 (the target itself) stay plain.
    assert css == (f"#T_fixed_row0_col0, #T_fixed_row3_col0 {{ {MET} }}\n#T_fixed_row1_col0 {{ {MISSED} }}")


def test_hidden_targets_are_compared_then_left_out() -> None:
    data = pd.DataFrame({"kept_rate": [50.0, 90.0], "kept_target": [80.0, 80.0], "collector_id": [7, 8]})  # scaled
    texts, css = marshalled(marked(data, [("kept_rate", "kept_target")], ("kept_rate",), ("kept_target", "collector_id")))
    assert texts.column_names == ["kept_rate"]
    assert texts.column("kept_rate").to_pylist() == ["✗ 50.0 %", "✓ 90.0 %"]
    assert css == f"#T_fixed_row0_col0 {{ {MISSED} }}\n#T_fixed_row1_col0 {{ {MET} }}"


def test_every_figure_carries_the_white_theme_with_rdash_fonts_and_colours() -> None:
    """The template is merged once at import (merging it for every figure cost 16 ms a chart); a figure's
    template is still exactly Plotly's merge of plotly_white and rdash."""
    import plotly.graph_objects as go
    import plotly.io as pio

    import dashboard.charts  # noqa: F401 - registers the template

    assert go.Figure().layout.template == pio.templates["plotly_white+rdash"]
