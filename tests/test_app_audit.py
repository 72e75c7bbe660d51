"""The audit page under AppTest: verification status, the log, and a write read back in the same process."""

from __future__ import annotations

from sqlalchemy import text

from data_access.db.engine import open_engine
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared


def test_the_log_shows_the_seeding_and_an_intact_chain(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/audit.py")
    assert not app.exception
    assert app.success[0].value.startswith("Chain intact: 1 entries")
    assert app.dataframe[0].value["action"].tolist() == ["seed_demo_portfolio"]


def test_a_checkpoint_is_written_and_read_back_in_the_same_process(app_on, demo_copy_url) -> None:  # noqa: F811
    app = app_on(demo_copy_url, script="pages/audit.py")
    app.text_input[0].input("Before the November risk meeting")
    app.button[0].click().run()  # the form's submit button
    assert not app.exception
    assert any(s.value.startswith("Checkpoint recorded after head ") for s in app.success)
    assert any(s.value.startswith("Chain intact: 2 entries") for s in app.success)
    assert app.dataframe[0].value["action"].tolist() == ["audit_checkpoint", "seed_demo_portfolio"]
    with open_engine(demo_copy_url).connect() as connection:
        sealed = connection.execute(text("SELECT value FROM meta WHERE key = 'audit_checkpoint'")).scalar()
    assert '"entries":1' in sealed and '"note":"Before the November risk meeting"' in sealed


def test_a_checkpoint_without_a_note_is_refused_with_the_reason(app_on, demo_copy_url) -> None:  # noqa: F811
    app = app_on(demo_copy_url, script="pages/audit.py")
    app.button[0].click().run()
    assert app.error[0].value.startswith("A checkpoint needs a note saying why")
    assert app.dataframe[0].value["action"].tolist() == ["seed_demo_portfolio"]


def test_a_tampered_log_is_named_on_the_page(app_on, demo_copy_url) -> None:  # noqa: F811
    with open_engine(demo_copy_url).begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE audit_id = 1"))
    app = app_on(demo_copy_url, script="pages/audit.py")
    assert app.error[0].value.startswith("The audit chain is broken: entry 1 (seed_demo_portfolio by mallory")
