"""Meeting agendas saved by name through the audited write door; bad input is refused and changes nothing."""

from __future__ import annotations

import pytest

from data_access.db.audit import verify_chain
from data_access.db.engine import open_engine
from data_access.db.store import Scope, Store
from data_access.services.agendas import Agenda, AgendaRefused, agendas_of, delete_agenda, save_agenda, validate

PAGES = ("overview", "aging", "bad_debt", "league", "early_warning", "regional_load")


def saved(url: str) -> dict[str, Agenda]:
    return agendas_of(Store(url).read("agendas", Scope.everything()))


def test_an_agenda_is_saved_replaced_and_deleted_by_name_each_an_audited_write(demo_copy_url) -> None:
    engine = open_engine(demo_copy_url)
    store = Store(demo_copy_url)
    before = store.versions()
    assert save_agenda(engine, actor="chair", agenda=Agenda("Credit committee", ("bad_debt", "early_warning"))) is False
    assert saved(demo_copy_url) == {"Credit committee": Agenda("Credit committee", ("bad_debt", "early_warning"))}
    assert save_agenda(engine, actor="chair", agenda=Agenda("Credit committee", ("aging",))) is True
    assert saved(demo_copy_url)["Credit committee"].pages == ("aging",)
    delete_agenda(engine, actor="chair", name="Credit committee")
    assert saved(demo_copy_url) == {}
    after = store.versions()
    assert after["agendas"] == before["agendas"] + 3
    assert after["audit_log"] == before["audit_log"] + 3
    verdict = verify_chain(engine)
    assert verdict.ok, verdict.problem
    engine.dispose()


@pytest.mark.parametrize(
    "name, pages, code",
    [("", ("aging",), "no_name"), ("   ", ("aging",), "no_name"), ("x" * 81, ("aging",), "long_name"),
     ("Q4", (), "no_pages"), ("Q4", ("aging", "cockpit"), "unknown_pages"), ("Q4", ("aging", "aging"), "repeated"),
     ("default", ("aging",), "reserved")],
)  # fmt: skip
def test_bad_agendas_are_refused_with_what_to_fix(name, pages, code) -> None:
    with pytest.raises(AgendaRefused) as refused:
        validate(name, pages, PAGES, reserved=("default",))
    assert refused.value.code == code


def test_a_name_is_trimmed_and_inner_spaces_collapsed() -> None:
    assert validate("  Weekly   risk ", ("aging",), PAGES) == Agenda("Weekly risk", ("aging",))


def test_deleting_an_agenda_that_is_not_there_changes_nothing(demo_copy_url) -> None:
    engine = open_engine(demo_copy_url)
    before = Store(demo_copy_url).versions()
    with pytest.raises(AgendaRefused) as refused:
        delete_agenda(engine, actor="chair", name="Nobody's")
    assert refused.value.code == "missing"
    assert Store(demo_copy_url).versions() == before
    engine.dispose()
