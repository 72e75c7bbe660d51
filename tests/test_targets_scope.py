"""Property: a save by a manager scoped to some regions never changes a target outside those regions.

Whatever the period's targets (company, regions, collectors) and whatever the scoped manager does in the
editor they see (keep, change or remove a row, add rows anywhere), every target outside the manager's
regions, the company's included, is afterwards exactly as it was; a refused save changes nothing at all.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from data_access.db.engine import migrate, open_engine
from data_access.db.store import Scope, Store
from data_access.db.writes import WriteRefused, audited_write
from data_access.metrics.recovery import Period
from data_access.metrics.targets import in_period
from data_access.services.targets import save_targets

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
REGIONS = (1, 2, 3)  # collector r works in region r
WHERE = [(None, None), *((r, None) for r in REGIONS), *((None, c) for c in REGIONS)]  # company, regions, collectors
METRICS = ("recovery_overall", "kept_rate")


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Regions 1-3, collector r in region r; each example starts by an administrator's save of its period."""
    url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'targets.sqlite'}"
    engine = open_engine(url)
    migrate(engine)
    with audited_write(engine, actor="test", action="setup", tables=("regions", "collectors")) as w:
        for r in REGIONS:
            w.insert("regions", {"region_id": r, "name": f"R{r}", "name_zh": f"区{r}"})
            w.insert("collectors", {"collector_id": r, "name": f"C{r}", "region_id": r, "level": "senior",
                                    "hire_date": date(2020, 1, 1), "capacity": 100, "active": True})  # fmt: skip
    return Store(url, engine)


def row(where: tuple, metric: str, value: float) -> dict:
    return {"target_id": None, "target_type": metric, "tier": None, "region_id": where[0], "collector_id": where[1],
            "value": value, "value_cents": None, "owner": "Wang Li", "rationale": "set by hand"}  # fmt: skip


def region_of(r: dict) -> int | None:
    return r["collector_id"] if r["collector_id"] is not None else r["region_id"]  # collector c is in region c


def rows_of(engine: Engine) -> set[tuple]:
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT target_id, target_type, region_id, collector_id, value, owner "
                                           "FROM targets")).all())  # fmt: skip


values = st.sampled_from([0.5, 0.6, 0.7, 0.8, 0.9])
identities = st.tuples(st.sampled_from(WHERE), st.sampled_from(METRICS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(baseline=st.lists(st.tuples(identities, values), unique_by=lambda x: x[0], max_size=10),
       regions=st.sets(st.sampled_from(REGIONS), min_size=1, max_size=2),
       actions=st.lists(st.sampled_from(["keep", "change", "remove"]), min_size=10, max_size=10),
       added=st.lists(st.tuples(identities, values), max_size=3), new_value=values)  # fmt: skip
def test_a_scoped_save_never_changes_a_row_outside_its_regions(team, baseline, regions, actions, added,
                                                               new_value) -> None:  # fmt: skip
    s = team
    save_targets(s.engine, [row(w, m, v) for (w, m), v in baseline], period=Q3, actor="admin",
                 seen_version=s.versions()["targets"], scope=Scope.everything())  # fmt: skip
    before = rows_of(s.engine)
    scope = Scope.of_regions(*regions)
    seen = in_period(s.read("targets", scope), Q3).drop("level", "period_start", "period_end").to_dicts()
    edited = []
    for r, action in zip(seen, actions, strict=False):
        if action != "remove":
            edited.append({**r, "value": new_value} if action == "change" else r)
    edited += [row(w, m, v) for (w, m), v in added]
    try:
        save_targets(s.engine, edited, period=Q3, actor="manager", seen_version=s.versions()["targets"], scope=scope)
    except WriteRefused:
        assert rows_of(s.engine) == before
        return
    outside = {r for r in before if (r[3] if r[3] is not None else r[2]) not in regions}
    assert outside <= rows_of(s.engine)
    assert {r for r in rows_of(s.engine) if (r[3] if r[3] is not None else r[2]) not in regions} == outside
