"""One rule per table: scope in SQL, filters in Polars and the 'not applied here' note all come from it.

The scope tests check every table against the database directly (plain SQL joins written here, an
independent route to the same answer), for one region and for two.
"""

import pytest
from sqlalchemy import text

from data_access.db import schema
from data_access.db.engine import open_engine
from data_access.db.rules import RULES, filters_applicable
from data_access.db.store import Scope, Store

# How each table reaches a region, written out as SQL by hand: the oracle for the scope tests.
REGION_OF = {
    "regions": "SELECT region_id AS id, region_id AS r FROM regions",
    "collectors": "SELECT collector_id, region_id FROM collectors",
    "debtors": "SELECT debtor_id, region_id FROM debtors",
    "debtor_ratings": "SELECT x.rating_id, d.region_id FROM debtor_ratings x JOIN debtors d USING (debtor_id)",
    "invoices": "SELECT i.invoice_id, d.region_id FROM invoices i JOIN debtors d USING (debtor_id)",
    **{t: f"SELECT x.{k}, d.region_id FROM {t} x JOIN invoices i USING (invoice_id) JOIN debtors d USING (debtor_id)"
       for t, k in (("payments", "payment_id"), ("credit_notes", "credit_note_id"), ("write_offs", "write_off_id"),
                    ("recoveries", "recovery_id"))},
    **{t: f"SELECT x.{k}, d.region_id FROM {t} x JOIN debtors d USING (debtor_id)"
       for t, k in (("assignments", "assignment_id"), ("collection_actions", "action_id"), ("promises", "promise_id"),
                    ("credit_events", "event_id"), ("legal_cases", "case_id"), ("satisfaction_surveys", "survey_id"),
                    ("escalations", "escalation_id"), ("unapplied_credits", "credit_id"))},
    "legal_case_stages": "SELECT s.stage_id, d.region_id FROM legal_case_stages s JOIN legal_cases c USING (case_id) "
                         "JOIN debtors d USING (debtor_id)",
    "compliance_incidents": "SELECT x.incident_id, c.region_id FROM compliance_incidents x JOIN collectors c USING (collector_id)",
    "appeals": "SELECT x.appeal_id, c.region_id FROM appeals x JOIN collectors c USING (collector_id)",
    # A client belongs to its own region and to the regions of its invoices' debtors.
    "clients": "SELECT client_id, region_id FROM clients UNION SELECT i.client_id, d.region_id FROM invoices i "
               "JOIN debtors d USING (debtor_id)",
    # A target: its own region, its collector's region, or every region when it names neither.
    "targets": "SELECT t.target_id, COALESCE(t.region_id, c.region_id, r.region_id) FROM targets t "
               "LEFT JOIN collectors c USING (collector_id) LEFT JOIN regions r ON t.region_id IS NULL AND "
               "t.collector_id IS NULL",
}  # fmt: skip


def test_every_table_has_a_rule_or_is_declared_global_or_admin_only() -> None:
    assert set(schema.metadata.tables) - set(RULES) == set()
    for name, rule in RULES.items():
        assert rule.kind in ("scoped", "global", "admin"), name
        assert rule.region or rule.kind != "scoped", f"{name} is scoped but reaches no region"
        assert rule.why or rule.kind == "scoped", f"{name} is {rule.kind}: say why"


def test_the_oracle_covers_every_scoped_table() -> None:
    assert set(REGION_OF) == {n for n, r in RULES.items() if r.kind == "scoped"}


@pytest.mark.parametrize("regions", [(1,), (2, 7)])
@pytest.mark.parametrize("table", sorted(REGION_OF))
def test_a_scoped_reader_sees_exactly_the_rows_of_its_regions(demo_sqlite_url, table, regions) -> None:
    engine = open_engine(demo_sqlite_url)
    with engine.connect() as connection:
        expected = {row[0] for row in connection.execute(text(REGION_OF[table])) if row[1] in regions}
    engine.dispose()
    frame = Store(demo_sqlite_url).read(table, Scope.of_regions(*regions))
    key = schema.metadata.tables[table].primary_key.columns.keys()[0]
    assert set(frame[key]) == expected


def test_every_in_scope_invoice_keeps_its_client_name(demo_sqlite_url) -> None:
    store = Store(demo_sqlite_url)
    invoices, clients = store.read("invoices", Scope.of_regions(3)), store.read("clients", Scope.of_regions(3))
    assert set(invoices["client_id"]) <= set(clients["client_id"])


def test_the_league_table_rows_accept_only_region_and_collector_filters() -> None:
    assert filters_applicable("collectors") == {"region", "collector"}
    assert filters_applicable("invoices") == {"region", "client", "industry", "grade", "collector"}
    assert filters_applicable("payments") == {"region", "client", "industry", "grade", "collector"}
