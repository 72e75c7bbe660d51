"""AppTest: what a link carries (filters, drill-down, scenario, picked rows), what the page says about values
it ignores, and how a picked row keeps its debtor or collector when the table around it changes.

Issue 8, items 1, 8, 11, 12 and 13; tests/test_browser.py clicks the same things in Chromium.
"""

from __future__ import annotations

from dashboard.i18n import t
from data_access.metrics.buckets import Buckets
from data_access.settings import load_settings
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

LEVELS = ("junior", "mid", "senior")


def warnings(app) -> str:  # noqa: ANN001 - an AppTest
    return "\n".join(w.value for w in app.warning)


def notes(app) -> str:  # noqa: ANN001 - an AppTest
    return "\n".join(i.value for i in app.info)


def invoice_panel(app) -> list[str]:  # noqa: ANN001 - an AppTest
    return [m.value for m in app.markdown if m.value.startswith("**Open invoices of")]


def debtor_table(app):  # noqa: ANN001, ANN201 - an AppTest, a pandas frame
    return next(d.value for d in app.dataframe if str(d.key).startswith("debtor_table."))


# --- item 12: bad-link warnings -------------------------------------------------------------------------------


def test_a_bad_link_warning_goes_once_the_user_changes_another_filter(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, region="999")
    assert "Region=`999` is unknown" in warnings(app)
    assert "region" not in app.query_params  # the URL no longer carries the value...
    app.sidebar.multiselect[4].set_value(["B"]).run()
    assert not app.exception
    assert warnings(app) == ""  # ...so the warning goes with the next change
    assert app.query_params["grade"] == "B"


def test_a_long_value_is_cut_and_shown_verbatim(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, industry="a--b" + "x" * 4996)
    shown = warnings(app)
    assert shown == f"Debtor industry=`a--b{'x' * 36}…` (5,000 characters) is unknown"
    assert len(shown) < 120


def test_every_ignored_page_parameter_is_named(app_on, demo_sqlite_url) -> None:  # noqa: F811
    aging = app_on(demo_sqlite_url, dim="colour", basis="moon", bucket="999+", debtor="99999")
    assert not aging.exception
    for said in ("Aging by=`colour` is unknown", "Ageing basis=`moon` is unknown", "Bucket=`999+` is unknown",
                 "Debtor=`99999` is unknown"):  # fmt: skip
        assert said in warnings(aging)
    assert dict(aging.query_params) == {}
    row = app_on(demo_sqlite_url, dim="region", row="999")
    assert "Drill-down Region=`999` is unknown" in warnings(row)
    league = app_on(demo_sqlite_url, script="pages/league.py", card="99999", period="decade", level="boss,senior")
    assert not league.exception
    for said in ("Collector scorecard=`99999` is unknown", "Period=`decade` is unknown", "Level=`boss` is unknown"):
        assert said in warnings(league)
    assert dict(league.query_params) == {"level": "senior"}
    bad_debt = app_on(demo_sqlite_url, script="pages/bad_debt.py", lookback="7", scalar="nan", segment="--x")
    for said in ("Look-back (months)=`7` is unknown", "Forward-looking scalar=`nan` is unknown",
                 "Segment by=`--x` is unknown"):  # fmt: skip
        assert said in warnings(bad_debt)


# --- item 11: drill-down and scenario in the URL ---------------------------------------------------------------


def test_a_link_opens_the_same_drill_down(app_on, demo_sqlite_url) -> None:  # noqa: F811
    drill = {"dim": "industry", "row": "Retail", "bucket": "1-30"}
    first = app_on(demo_sqlite_url, **drill)
    assert not first.exception and not first.warning
    assert "1-30 · Industry Retail" in texts(first)
    assert first.segmented_control[1].value == "1-30"
    debtor = debtor_table(first).iloc[0]
    assert debtor["industry"] == "Retail"
    linked = app_on(demo_sqlite_url, **drill, debtor=str(debtor["debtor_id"]))
    assert invoice_panel(linked) == [f"**Open invoices of {debtor['debtor']}**"]
    assert dict(linked.query_params) == {**drill, "debtor": str(debtor["debtor_id"])}


def test_a_link_opens_the_same_provision_scenario(app_on, demo_sqlite_url) -> None:  # noqa: F811
    default = app_on(demo_sqlite_url, script="pages/bad_debt.py")
    app = app_on(demo_sqlite_url, script="pages/bad_debt.py", lookback="6", scalar="1.5", segment="grade")
    assert not app.exception and not app.warning
    assert (app.select_slider[0].value, app.number_input[0].value, app.selectbox[0].value) == (6, 1.5, "grade")
    assert any("Loss rates and ECL by rating grade" in m.value for m in app.markdown)
    assert app.metric[0].value != default.metric[0].value
    app.number_input[0].set_value(1.25).run()
    assert app.query_params["scalar"] == "1.25"
    app.selectbox[0].set_value(None).run()
    assert "segment" not in app.query_params and app.query_params["lookback"] == "6"


# --- item 1: a picked row keeps its id -------------------------------------------------------------------------


def test_a_picked_debtor_stays_with_its_id_or_is_cleared_with_a_note(app_on, demo_sqlite_url) -> None:  # noqa: F811
    debtor = debtor_table(app_on(demo_sqlite_url)).iloc[2]  # the debtor in row 3
    picked = str(debtor["debtor_id"])
    kept = cleared = 0
    for bucket in Buckets.from_edges(load_settings().bucket_edges).labels:
        app = app_on(demo_sqlite_url, debtor=picked)
        assert invoice_panel(app) == [f"**Open invoices of {debtor['debtor']}**"]
        app.segmented_control[1].set_value(bucket).run()  # the drill bucket changes the debtor table
        assert not app.exception
        listed = [str(d.value["debtor_id"].iloc[i]) for d in app.dataframe if str(d.key).startswith("debtor_table.")
                  for i in range(len(d.value))]  # fmt: skip
        if picked in listed:  # the same debtor, wherever its row is now
            kept += 1
            assert invoice_panel(app) == [f"**Open invoices of {debtor['debtor']}**"]
            assert app.query_params["debtor"] == picked
        else:  # never whichever debtor is in row 3 now: the pick is cleared and the page says so
            cleared += 1
            assert invoice_panel(app) == []
            assert f"Selection cleared: {debtor['debtor']} is not in the table now." in notes(app)
            assert "debtor" not in app.query_params
    assert kept and cleared


def collector_ids(url: str) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return {name: cid for cid, name in connection.execute("SELECT collector_id, name FROM collectors")}


def test_a_scorecard_stays_with_its_collector_or_closes_with_a_note(app_on, demo_sqlite_url) -> None:  # noqa: F811
    person = app_on(demo_sqlite_url, script="pages/league.py").dataframe[0].value.iloc[1]  # row 2
    person["collector_id"] = collector_ids(demo_sqlite_url)[person["collector"]]  # the table shows names, not ids
    level = {t(f"league.level.{v}"): v for v in LEVELS}[person["level"]]
    app = app_on(demo_sqlite_url, script="pages/league.py", card=str(person["collector_id"]))
    assert f"Scorecard: {person['collector']}" in [s.value for s in app.subheader]
    app.multiselect[0].set_value([level]).run()  # the table changes; the person is still in it
    assert f"Scorecard: {person['collector']}" in [s.value for s in app.subheader]
    assert app.query_params["card"] == str(person["collector_id"])
    app.multiselect[0].set_value([next(v for v in LEVELS if v != level)]).run()  # now they are not
    assert not app.exception
    assert not [s.value for s in app.subheader if s.value.startswith("Scorecard: ")]
    assert f"Selection cleared: {person['collector']} is not in the table now." in notes(app)
    assert "card" not in app.query_params


# --- item 8: the menu carries the filters ----------------------------------------------------------------------


def test_the_page_menu_carries_the_filters_and_the_date(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="app.py", region="2", as_of="2026-06-30", period="month")
    menu = [link.proto for link in app.sidebar.page_link]
    assert {link.page for link in menu} >= {"overview", "aging", "league", "bad_debt"}
    assert {link.query_string for link in menu} == {"as_of=2026-06-30&region=2"}  # not the page's own period=


def test_each_page_url_is_its_script_name() -> None:
    """After a server start Streamlit may run pages/<name>.py for /<name> before app.py has run (its pages/
    convention); the shell then reruns through app.py, which must know the same URL as the same page."""
    from pathlib import Path

    from dashboard.navigation import PAGES

    assert [p.url_path for p in PAGES] == [Path(p.script).stem for p in PAGES]


# --- item 13: many values, typed values ------------------------------------------------------------------------


def test_many_chosen_values_are_summarised_above_the_page(app_on, demo_sqlite_url) -> None:  # noqa: F811
    everyone = ",".join(str(i) for i in range(1, 81))
    app = app_on(demo_sqlite_url, collector=everyone)
    caption = next(c.value for c in app.caption if c.value.startswith("Collector "))
    assert caption.count("(C0") == 3 and " and " in caption and " more · as of " in caption


def test_enter_in_a_filter_selects_the_best_match_not_every_match(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url)
    # "Select N matches" would be the first row of the list, so Enter after typing "East China" picked
    # Northeast China too; without it Enter picks the highlighted match (tests/test_browser.py types it).
    assert [m.proto.select_all for m in app.sidebar.multiselect] == [0] * len(app.sidebar.multiselect)
