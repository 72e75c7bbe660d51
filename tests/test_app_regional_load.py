"""The Regional load page under AppTest: figures, a suggestion with a move unticked, apply and undo.

Runs on a private copy of the demo database. The test demo has one collector per region, so the
suggestion is asked with cross-region moves allowed.
"""

from __future__ import annotations

from sqlalchemy import text

from data_access.db.engine import open_engine
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

PAGE = "pages/regional_load.py"


def button(app, label: str):  # noqa: ANN001, ANN201
    return next(b for b in app.button if b.label.startswith(label))


def owners(url: str) -> dict[int, int]:
    with open_engine(url).connect() as connection:
        return dict(connection.execute(text("SELECT debtor_id, collector_id FROM assignments WHERE end_date IS NULL")).all())


def test_the_page_shows_load_by_region_and_collector(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=PAGE)
    assert not app.exception
    assert app.title[0].value == "Regional load and rebalancing"
    assert [m.label for m in app.metric] == ["Open cases", "Overdue amount", "Load index", "Over capacity",
                                             "With room", "Imbalance"]  # fmt: skip
    assert "All receivables · as of 2026-10-31" in texts(app)
    regions = app.dataframe[0].value
    assert len(regions) == 10 and regions["cases"].sum() == int(app.metric[0].value.replace(",", ""))
    assert app.selectbox(key="load_region").value is not None
    assert not app.error


def test_suggest_untick_apply_and_undo(app_on, demo_copy_url) -> None:  # noqa: F811
    before = owners(demo_copy_url)
    app = app_on(demo_copy_url, script=PAGE)
    next(t for t in app.toggle if t.label.startswith("Allow moves across")).set_value(True)
    button(app, "Suggest moves").click().run()
    assert not app.exception
    assert any(c.value.startswith("25 move(s) suggested among") for c in app.caption)
    editor = app.data_editor[0]
    assert len(editor.value) == 25 and editor.value["apply"].all()
    # Untick the first move: the figures follow, and only 24 are applied.
    suggestion = app.session_state["load_suggestion"]
    app.session_state[f"load_moves_{suggestion['id']}"] = {"edited_rows": {0: {"apply": False}}, "added_rows": [],
                                                          "deleted_rows": []}  # fmt: skip
    app.run()
    assert next(m for m in app.metric if m.label == "Moves ticked").value == "24 / 25"
    assert button(app, "Apply").label == "Apply 24 move(s)"
    unticked = int(suggestion["suggestion"].moves["debtor_id"][0])
    button(app, "Apply").click().run()
    assert not app.exception and not app.error
    flash = app.success[0].value
    assert flash.startswith("24 case(s) moved on ") and ": batch RB-" in flash
    batch = flash.rsplit("batch ", 1)[1].rstrip(".")
    after = owners(demo_copy_url)
    moved = {d for d in before if before[d] != after.get(d)}
    assert len(moved) == 24 and unticked not in moved
    with open_engine(demo_copy_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assignments WHERE batch_id = :b"), {"b": batch}).scalar() == 24
        assert connection.execute(text("SELECT action FROM audit_log ORDER BY audit_id DESC LIMIT 1")).scalar() == (
            "assignments_rebalance")
    # The page reads the new owners at once: it shows the book from the move date (the newest fact now),
    # where the moved cases are with their new collectors; the batch is listed and can be undone.
    moved_on = flash.split("moved on ", 1)[1][:10]
    assert f"All receivables · as of {moved_on}" in texts(app)
    assert app.query_params.get("as_of") in (None, [], moved_on)  # the default date needs no parameter
    assert app.selectbox(key="load_undo_pick").value == batch
    app.button(key="load_undo").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith(f"Batch {batch} undone: 24 case(s) back with their previous owners")
    assert owners(demo_copy_url) == before


def manual_opened(app):  # noqa: ANN001, ANN201 - an AppTest
    """The manual move's expander opened, as a click on it does (its content is built only while open)."""
    app.session_state["load_manual"] = True
    return app.run()


def test_the_manual_move_is_built_only_when_its_expander_is_opened(app_on, demo_copy_url) -> None:  # noqa: F811
    app = app_on(demo_copy_url, script=PAGE)
    assert not [m for m in app.multiselect if m.key == "load_manual_cases"]
    assert len(manual_opened(app).multiselect(key="load_manual_cases").options) > 0


def test_a_manual_move_takes_the_same_path(app_on, demo_copy_url) -> None:  # noqa: F811
    app = manual_opened(app_on(demo_copy_url, script=PAGE))
    case = app.multiselect(key="load_manual_cases").options[0]
    app.multiselect(key="load_manual_cases").select(case)
    target = app.selectbox(key="load_manual_to")
    target.set_value(target.options[-1])
    app.text_input(key="load_manual_reason").input("Speaks the debtor's dialect")
    app.button(key="load_manual_move").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("1 case(s) moved on ")
    with open_engine(demo_copy_url).connect() as connection:
        reason, batch = connection.execute(text("SELECT reason, batch_id FROM assignments WHERE batch_id IS NOT NULL")).one()
    assert reason == "Manual: Speaks the debtor's dialect" and batch.startswith("MV-")


def test_a_manual_move_without_a_collector_or_reason_is_refused_and_writes_nothing(app_on, demo_copy_url) -> None:  # noqa: F811
    before = owners(demo_copy_url)
    app = manual_opened(app_on(demo_copy_url, script=PAGE))
    app.multiselect(key="load_manual_cases").select(app.multiselect(key="load_manual_cases").options[0])
    app.button(key="load_manual_move").click().run()
    assert not app.exception
    assert app.error[0].value.startswith("The move of debtor #") and "names no collector" in app.error[0].value
    assert owners(demo_copy_url) == before


def test_a_collector_on_leave_with_cases_is_flagged_and_their_cases_go_first(app_on, demo_copy_url) -> None:  # noqa: F811
    with open_engine(demo_copy_url).begin() as connection:  # C001 goes on leave (set outside the app)
        connection.execute(text("UPDATE collectors SET active = 0 WHERE collector_id = 1"))
        name = connection.execute(text("SELECT name FROM collectors WHERE collector_id = 1")).scalar()
        cases = connection.execute(text("SELECT count(*) FROM assignments WHERE collector_id = 1 AND end_date IS NULL")).scalar()
    app = app_on(demo_copy_url, script=PAGE)
    assert not app.exception
    warning = app.warning[0].value
    assert warning.startswith(f"1 collector(s) on leave still own cases: {name} (") and "Rebalancing moves" in warning
    next(t for t in app.toggle if t.label.startswith("Allow moves across")).set_value(True)
    button(app, "Suggest moves").click().run()
    moves = app.session_state["load_suggestion"]["suggestion"].moves
    on_leave = moves.filter(moves["from_collector_id"] == 1)
    assert on_leave.height > 0 and set(on_leave["kind"]) == {"inactive"}
    assert moves["step"].filter(moves["kind"] == "inactive").max() < moves["step"].filter(moves["kind"] != "inactive").min()
    assert cases > 0


def test_opened_first_the_load_trend_expands_the_book_at_its_12_month_ends_only(app_on, demo_sqlite_url) -> None:  # noqa: F811
    """Without the other pages' 37 month-end snapshots held, the trend computes its own 12 (a third of the work
    and memory: at 10M invoices the 37 took +1.5 GB at the peak)."""
    from unittest.mock import patch

    from data_access.metrics import snapshots

    with patch("data_access.metrics.snapshots.snapshots", wraps=snapshots.snapshots) as expanded:
        app = app_on(demo_sqlite_url, script=PAGE)
    assert not app.exception
    assert [len(call.args[1]) for call in expanded.call_args_list] == [12]


def test_after_the_overview_the_load_trend_reads_its_month_ends_from_the_snapshots_held(app_on, demo_sqlite_url) -> None:  # noqa: F811
    from unittest.mock import patch

    from streamlit.testing.v1 import AppTest

    from tests.test_app import ROOT

    app_on(demo_sqlite_url, script="pages/overview.py")  # caches emptied first, then the Overview
    load = AppTest.from_file(str(ROOT / PAGE), default_timeout=120)
    with patch("data_access.metrics.snapshots.snapshots", side_effect=AssertionError("expanded the book again")):
        load.run()
    assert not load.exception
