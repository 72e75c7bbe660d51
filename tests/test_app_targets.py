"""The Targets page under AppTest, on a private copy of the demo database: the scheme's defaults offered,
a target edited in the table and saved (one audited write), an invalid edit explained beside its row and
not saved, and an appeal filed and decided, after which the Collectors page shows the corrected score
and rank with the original beside them."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from data_access.db.audit import verify_chain
from data_access.db.engine import open_engine
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

PAGE = "pages/targets.py"


def button(app, label: str):  # noqa: ANN001, ANN201
    return next(b for b in app.button if b.label.startswith(label))


def edit(app, edited: dict) -> None:  # noqa: ANN001
    """Edit cells of the target editor as the browser does: its state under its current key."""
    key = f"targets_editor_{app.session_state['targets_work']['generation']}"
    app.session_state[key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}


def rows(url: str, sql: str, **params) -> list:  # noqa: ANN003
    with open_engine(url).connect() as connection:
        return connection.execute(text(sql), params).all()


def test_offer_defaults_edit_one_and_save(app_on, demo_copy_url) -> None:  # noqa: F811
    app = app_on(demo_copy_url, script=PAGE, tperiod="quarter")
    assert not app.exception
    assert app.title[0].value == "Targets"
    assert "No targets are set for 2026-10-01 – 2026-12-31." in texts(app) or any(
        "No targets are set" in i.value for i in app.info)
    button(app, "Offer the scheme's defaults").click().run()
    editor = app.data_editor[0].value
    assert editor["target"].tolist() == [90.0, 80.0, 70.0, 50.0, 10.0, 2.0]
    assert set(editor["check"]) == {"✓"}
    # An invalid edit (120 %) is explained beside its row and the save stays disabled.
    edit(app, {0: {"target": 120.0}})
    app.run()
    assert app.data_editor[0].value["check"][0] == "A rate must be between 0 and 100 %; got 120 %."
    assert button(app, "Save").disabled
    assert "1 problem(s) in row(s) 1" in app.warning[0].value
    # Corrected to 95 %: saved as one audited write.
    edit(app, {0: {"target": 95.0}})
    app.run()
    assert not button(app, "Save").disabled
    button(app, "Save").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == "Targets saved: 6 added, 0 changed, 0 removed."
    saved = rows(demo_copy_url, "SELECT tier, value, owner FROM targets WHERE period_start = '2026-10-01' "
                                "AND target_type = 'recovery_rate' ORDER BY tier")  # fmt: skip
    assert [(tier, float(value)) for tier, value, _ in saved] == [("1-30", 0.95), ("31-60", 0.8), ("61-90", 0.7),
                                                                  ("90+", 0.5)]  # fmt: skip
    (action, changes), = rows(demo_copy_url, "SELECT action, changes FROM audit_log ORDER BY audit_id DESC LIMIT 1")
    assert action == "targets_save" and len(json.loads(changes)) == 6
    # The tracking table now shows the quarter's targets with pace and status.
    tracking = app.dataframe[0].value
    assert list(tracking["scope"][:1]) == ["Company"] and len(tracking) == 6
    assert set(tracking["status"]) <= {"On track", "At risk", "Off track", "—"}


def free_collector(url: str) -> int:
    """A collector with no appeal on the third quarter yet."""
    taken = {r[0] for r in rows(url, "SELECT collector_id FROM appeals WHERE period_start = '2026-07-01'")}
    return next(r[0] for r in rows(url, "SELECT collector_id FROM collectors ORDER BY 1") if r[0] not in taken)


def decide(app, appeal_id: int, measure: str, value: float, note: str):  # noqa: ANN001, ANN201 - an AppTest
    """Uphold ``appeal_id`` with ``measure`` corrected to ``value`` (as typed in the form), on 2026-10-20."""
    app.selectbox(key="decide_appeal").set_value(appeal_id)
    app.radio(key="decide_decision").set_value("upheld")
    app.selectbox(key="decide_measure").set_value(measure)
    app.number_input(key="decide_value").set_value(value)
    app.text_area(key="decide_note").set_value(note)
    app.date_input(key="decide_on").set_value(date(2026, 10, 20))
    return button(app, "Record the decision").click().run()


def test_file_and_decide_an_appeal(app_on, demo_copy_url) -> None:  # noqa: F811
    collector = free_collector(demo_copy_url)
    app = app_on(demo_copy_url, script=PAGE)
    app.selectbox(key="appeal_collector").set_value(collector)
    app.selectbox(key="appeal_kind").set_value("quarter")
    app.date_input(key="appeal_day").set_value(date(2026, 9, 15))
    app.multiselect(key="appeal_measures").set_value(["score"])
    app.text_area(key="appeal_reason").set_value("A paid case was credited to the previous owner")
    app.date_input(key="appeal_filed_on").set_value(date(2026, 10, 11))  # one day too late
    button(app, "File the appeal").click().run()
    assert "closed on 2026-10-10" in app.error[0].value
    app.date_input(key="appeal_filed_on").set_value(date(2026, 10, 5))
    button(app, "File the appeal").click().run()
    assert not app.exception and app.success[0].value.startswith("Appeal #")
    (appeal_id,) = rows(demo_copy_url, "SELECT max(appeal_id) FROM appeals")[0]
    decide(app, appeal_id, "score", 100.0, "Payment slip confirms the collector's work")
    assert not app.exception and app.success[0].value == f"Appeal #{appeal_id}: Upheld."
    status, value, by = rows(demo_copy_url, "SELECT status, corrected_value, decided_by FROM appeals "
                                            "WHERE appeal_id = :i", i=appeal_id)[0]  # fmt: skip
    assert (status, float(value), by) == ("upheld", 100.0, "dashboard user")
    actions = [r[0] for r in rows(demo_copy_url, "SELECT action FROM audit_log ORDER BY audit_id")]
    assert actions[-2:] == ["appeal_file", "appeal_upheld"]
    assert verify_chain(open_engine(demo_copy_url)).ok
    # The Collectors page, on the third quarter: rank 1 with 100, the original score and rank beside it.
    league = app_on(demo_copy_url, script="pages/league.py", period="quarter", lstart="2026-07-01")
    assert not league.exception
    table = league.dataframe[0].value
    (name,) = rows(demo_copy_url, "SELECT name FROM collectors WHERE collector_id = :i", i=collector)[0]
    mine = table[table["collector"] == name].iloc[0]  # the table shows names; its ids are not sent
    assert (mine["rank"], mine["score"], mine["status"]) == (1, 100.0, "Appeal upheld")
    assert mine["original_score"] < 100 and mine["original_rank"] > 1


def test_in_chinese_the_checks_defaults_refusals_and_appeals_are_chinese(app_on, demo_copy_url) -> None:  # noqa: F811
    from dashboard.i18n import in_language

    # The widgets' labels are formatted on the test's side too: in the page's language.
    with in_language("zh"):
        app = app_on(demo_copy_url, script=PAGE, tperiod="quarter", lang="zh")
        assert not app.exception
        app.button(key="targets_defaults").click().run()
        editor = app.data_editor[0].value
        assert set(editor["owner"]) == {"催收经理"}
        assert editor["rationale"].tolist()[-1] == "考核方案：年化坏账率低于 2 %"
        edit(app, {0: {"target": 120.0}})
        app.run()
        assert app.data_editor[0].value["check"][0] == "比率必须在 0 到 100 % 之间；当前为 120 %。"
        # A refusal from the service, and the appeals list naming the contested measures.
        taken = {r[0] for r in rows(demo_copy_url, "SELECT collector_id FROM appeals WHERE period_start = '2026-07-01'")}
        collector = next(r[0] for r in rows(demo_copy_url, "SELECT collector_id FROM collectors ORDER BY 1")
                         if r[0] not in taken)
        app.selectbox(key="appeal_collector").set_value(collector)
        # the period kind stays at its default, the quarter
        app.date_input(key="appeal_day").set_value(date(2026, 9, 15))
        app.multiselect(key="appeal_measures").set_value(["recovery_rate", "score"])
        app.text_area(key="appeal_reason").set_value("A paid case was credited to the previous owner")
        app.date_input(key="appeal_filed_on").set_value(date(2026, 10, 11))  # one day too late
        button(app, "提交申诉").click().run()
        assert app.error[0].value.startswith("对 2026-07-01 至 2026-09-30 的申诉期已于 2026-10-10 截止")
        app.date_input(key="appeal_filed_on").set_value(date(2026, 10, 5))
        button(app, "提交申诉").click().run()
        assert not app.exception
        listed = app.dataframe[-1].value  # the appeals, newest first
        assert "回款率, 得分" in listed.iloc[0].tolist()


def test_a_corrected_rate_is_entered_and_listed_in_percent(app_on, demo_copy_url) -> None:  # noqa: F811
    app = app_on(demo_copy_url, script=PAGE)
    app.selectbox(key="appeal_collector").set_value(free_collector(demo_copy_url))
    app.date_input(key="appeal_day").set_value(date(2026, 9, 15))
    app.multiselect(key="appeal_measures").set_value(["recovery_rate"])
    app.text_area(key="appeal_reason").set_value("Cash booked to the wrong quarter")
    app.date_input(key="appeal_filed_on").set_value(date(2026, 10, 5))
    button(app, "File the appeal").click().run()
    (appeal_id,) = rows(demo_copy_url, "SELECT max(appeal_id) FROM appeals")[0]
    decide(app, appeal_id, "recovery_rate", 90.0, "Bank statement shows the cash in September")
    assert not app.exception
    assert float(rows(demo_copy_url, "SELECT corrected_value FROM appeals WHERE appeal_id = :i", i=appeal_id)[0][0]) == 0.9
    listed = next(d.value for d in app.dataframe if "corrected_value" in d.value.columns)
    assert listed[listed["appeal_id"] == appeal_id].iloc[0]["corrected_value"] == "90.0 %"


def test_after_the_overview_the_targets_read_the_bad_debt_balances_from_its_snapshots(app_on, demo_sqlite_url) -> None:  # noqa: F811
    """The Overview holds the 37 month-end snapshots; the Targets page's bad-debt rate reads its month ends from
    them instead of expanding the book again (at 10M invoices 4.4 s and 1.1 GB)."""
    from unittest.mock import patch

    from streamlit.testing.v1 import AppTest

    from tests.test_app import ROOT

    app_on(demo_sqlite_url, script="pages/overview.py")  # caches emptied first, then the Overview
    targets = AppTest.from_file(str(ROOT / PAGE), default_timeout=120)
    with patch("data_access.metrics.snapshots.snapshots", side_effect=AssertionError("expanded the book again")):
        targets.run()
    assert not targets.exception
    tracked = targets.dataframe[0].value
    assert tracked.loc[tracked["metric"] == "Bad-debt rate (annual)", "actual"].tolist() == ["1.4 %"]
