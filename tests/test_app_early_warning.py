"""AppTest runs the Early-warning page: the list, a debtor's drill-down, the level filter, the global
filters, the validation on the page, and the rules-only fallback on a database too small to train on."""

from __future__ import annotations

from datetime import date

import pytest

from data_access.db.engine import open_engine
from data_access.demo.seeding import seed_demo
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

SCRIPT = "pages/early_warning.py"


def levels_shown(listed) -> set[str]:  # noqa: ANN001 - the pandas frame the table shows
    """The level labels of a list: each cell holds its row's one label (a coloured label column)."""
    assert all(len(cell) == 1 for cell in listed["level"])
    return {cell[0] for cell in listed["level"]}


def test_the_levels_are_coloured_labels_red_amber_green(app_on, demo_sqlite_url) -> None:  # noqa: F811
    import json

    app = app_on(demo_sqlite_url, script=SCRIPT, level="red,amber,green")
    level = json.loads(app.dataframe[0].proto.columns)["level"]
    assert level["type_config"]["options"] == [
        {"value": "▲ Red", "color": "#f6d0cb"}, {"value": "◆ Amber", "color": "#fbe6bd"},
        {"value": "● Green", "color": "#d9eedd"}]  # fmt: skip


def test_the_page_lists_debtors_at_risk_with_the_validation(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=SCRIPT)
    assert not app.exception and not app.error
    assert app.title[0].value == "Early-warning list"
    assert [m.label for m in app.metric] == ["On the list", "Expected loss", "New this week", "Model AUC"]
    assert float(app.metric[3].value) >= 0.90
    listed = app.dataframe[0].value
    assert {"level", "debtor", "probability", "expected_loss_cents", "action", "rule", "signals", "collector"} <= set(
        listed.columns)
    assert levels_shown(listed) <= {"▲ Red", "◆ Amber"}  # red and amber by default
    losses = listed["expected_loss_cents"].tolist()
    assert losses == sorted(losses, reverse=True)
    assert "How good is the model?" in [s.value for s in app.subheader]
    assert any("Trained on" in c.value and "validated on" in c.value for c in app.caption)
    assert "Debtor:" not in " ".join(s.value for s in app.subheader)  # no drill-down until a debtor is picked


def test_a_debtor_drills_down_to_its_timeline_factors_and_open_invoices(app_on, demo_sqlite_url) -> None:  # noqa: F811
    first = app_on(demo_sqlite_url, script=SCRIPT).dataframe[0].value.iloc[0]
    app = app_on(demo_sqlite_url, script=SCRIPT, debtor=str(first["debtor_id"]))
    assert not app.exception and not app.error
    assert f"Debtor: {first['debtor']}" in [s.value for s in app.subheader]
    markdown = " ".join(m.value for m in app.markdown)
    assert "**Why this score**" in markdown and "**Open invoices**" in markdown
    assert any(i.value.startswith("**") and "Rule: " in i.value for i in app.info)  # the action and its rule
    assert len(app.get("plotly_chart")) >= 3  # timeline, factors, calibration
    assert any("log-odds" in c.value for c in app.caption)


def test_the_level_filter_and_the_global_filters_cut_the_list(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=SCRIPT, region="1", level="green")
    assert not app.exception
    assert "Region East China · as of 2026-10-31" in texts(app)
    listed = app.dataframe[0].value
    assert levels_shown(listed) == {"● Green"} and set(listed["region"]) == {"East China"}
    app.multiselect[0].set_value(["red"]).run()
    assert levels_shown(app.dataframe[0].value) == {"▲ Red"}
    assert app.query_params["level"] == "red"


def test_a_database_too_small_to_train_on_falls_back_to_rules_and_says_so(app_on, tmp_path) -> None:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'small.sqlite'}"
    engine = open_engine(url)
    seed_demo(engine, invoices=300, seed=3, end=date(2026, 10, 31))
    engine.dispose()
    app = app_on(url, script=SCRIPT, level="red,amber,green")
    assert not app.exception and not app.error
    assert any(w.value.startswith("Rules only") for w in app.warning)
    assert [m.label for m in app.metric] == ["On the list", "New this week"]
    assert {"score", "action", "rule"} <= set(app.dataframe[0].value.columns)
    assert "No model was trained" in texts(app)


@pytest.mark.parametrize("as_of", ["2023-12-15", "2024-06-30"])
def test_early_dates_have_too_little_history_and_still_run(app_on, demo_sqlite_url, as_of) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=SCRIPT, as_of=as_of)
    assert not app.exception and not app.error
    assert any("too little history" in w.value for w in app.warning)


def test_a_drawn_page_gets_the_early_warning_list_ready_for_the_next(demo_sqlite_url, monkeypatch) -> None:
    """After any page, the risk model and the signals of its date are computed in the background, into the caches
    the Early-warning page reads: the page's own calls then train nothing and compute nothing again."""
    import threading

    from dashboard import data
    from data_access.book.context import ViewContext
    from data_access.db.store import Scope
    from data_access.metrics import signals as signals_module
    from data_access.models import risk
    from tests.conftest import DEMO_END

    runs = {"train": 0, "signals": 0}

    def counted(name, function):  # noqa: ANN001, ANN202
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            runs[name] += 1
            return function(*args, **kwargs)
        return run

    monkeypatch.setattr(risk, "train_risk_model", counted("train", risk.train_risk_model))
    monkeypatch.setattr(signals_module, "debtor_signals", counted("signals", signals_module.debtor_signals))
    data._risk_model.clear()  # noqa: SLF001 - start from nothing prepared
    data._early_warning_signals.clear()  # noqa: SLF001
    data._prepared.clear()  # noqa: SLF001
    context = ViewContext(url=demo_sqlite_url, actor="test", scope=Scope.everything(), as_of=DEMO_END,
                          versions=data.versions(demo_sqlite_url))  # fmt: skip
    data.prepare_early_warning(context)
    for worker in [w for w in threading.enumerate() if w.name == "rdash-prepare-early-warning"]:
        worker.join(timeout=300)
    assert runs == {"train": 1, "signals": 1}
    model = data.risk_model(context)  # what the page asks for
    shown = data.early_warning_signals(context, data.early_warning_dates(DEMO_END))
    assert runs == {"train": 1, "signals": 1} and model.fitted
    assert sorted(shown["as_of"].unique()) == list(data.early_warning_dates(DEMO_END))
    data.prepare_early_warning(context)  # the same view again: nothing is started twice
    assert not [w for w in threading.enumerate() if w.name == "rdash-prepare-early-warning"]


def test_a_book_beyond_the_training_limit_says_its_model_trained_on_a_sample(app_on, demo_copy_url,  # noqa: F811
                                                                             monkeypatch) -> None:  # fmt: skip
    from data_access.models import risk

    monkeypatch.setattr(risk, "MAX_TRAINING_DEBTORS", 400)  # the tests' demo has 20,000 // 33 = 606 debtors
    app = app_on(demo_copy_url, script=SCRIPT)
    assert not app.exception and not app.error
    assert "Trained on 400 of the book's 606 debtors, chosen by a fixed rule" in " ".join(c.value for c in app.caption)
