"""Write, then read, in one process on SQLite: the next read sees the write, every time.

Before the reader moved to its own process, ADBC's bundled SQLite and Python's sqlite3 shared
this process; after an audited write the next Arrow read returned the old rows (or "database disk
image is malformed"). Mixed small and large reads, many times over, on one Store as the app does.
"""

import polars as pl

from data_access.db.engine import migrate
from data_access.db.store import Scope, Store
from data_access.db.writes import audited_write


def test_each_read_sees_every_write_before_it(empty_sqlite_url) -> None:
    store = Store(empty_sqlite_url)
    migrate(store.engine)
    for region_id in range(1, 21):
        with audited_write(store.engine, actor="tester", action="add_region", tables=("regions",)) as writer:
            writer.insert("regions", {"region_id": region_id, "name": f"R{region_id}", "name_zh": "区"})
        assert store.read("regions", Scope.everything())["region_id"].to_list() == list(range(1, region_id + 1))
        assert store.versions()["regions"] == region_id
        assert store.read("audit_log", Scope.everything()).height == region_id


def test_a_write_on_the_demo_book_is_read_back_by_the_next_load(demo_copy_url) -> None:
    store = Store(demo_copy_url)
    before = store.read("collectors", Scope.everything())
    first = before.row(0, named=True)
    with audited_write(store.engine, actor="tester", action="change_capacity", tables=("collectors",)) as writer:
        writer.update("collectors", {"collector_id": first["collector_id"]}, {"capacity": first["capacity"] + 5})
    after = store.read("collectors", Scope.everything())
    assert after.filter(pl.col("collector_id") == first["collector_id"])["capacity"].item() == first["capacity"] + 5
