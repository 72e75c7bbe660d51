"""The load test's protocol client: a Streamlit session spoken to as the browser speaks, on the real app.

No browser is needed; the server is the benchmark's (``browser_bench.serving``) on the small test demo.
No time is asserted: a run must finish, carry no error, and show what the page should show.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from data_access.tools.browser_bench import serving
from dashboard.stream_client import StreamSession, visit
from tests.conftest import DEMO_END

AS_OF = f"as of {DEMO_END.isoformat()}"  # the demo's last day, which the filters start from


@pytest.fixture(scope="module")
def base(demo_sqlite_url: str):
    with serving(demo_sqlite_url) as server:
        yield server.base


def region_name(demo_sqlite_url: str, region_id: int) -> str:
    with sqlite3.connect(demo_sqlite_url.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT name FROM regions WHERE region_id = ?", (region_id,)).fetchone()[0]


async def first_run(base: str, url_path: str, query_string: str = "", look_for: str | None = None):
    async with StreamSession(base, url_path, query_string) as session:
        return session, await session.open_page(look_for=look_for, timeout_s=300)


def test_the_overview_runs_to_the_end_with_no_error_and_draws_its_title_and_filters(base: str) -> None:
    session, run = asyncio.run(first_run(base, "overview", look_for="Overview"))
    assert run.errors == []
    assert "Overview" in run.found  # the page's title, among the elements received
    assert run.deltas > 20  # a title, captions, KPIs, charts: more than a handful of elements
    assert {"Region", "Client", "Collector", "Rating grade"} <= set(session.multiselects)  # the sidebar filters
    assert session.page_script_hash  # the page actually run, from the server's navigation message


def test_choosing_a_region_in_the_sidebar_reruns_the_page_filtered_to_it(base: str) -> None:
    page, change = asyncio.run(visit(base, "overview", choose=("Region", ["East China"]), look_for="Region ",
                                     timeout_s=300))  # fmt: skip
    assert page.errors == [] and change is not None and change.errors == []
    assert change.found == [f"Region East China · {AS_OF}"]


def test_a_region_in_the_query_string_opens_the_page_filtered_to_it(base: str, demo_sqlite_url: str) -> None:
    _session, run = asyncio.run(first_run(base, "overview", "region=2", look_for="Region "))
    assert run.errors == []
    assert run.found == [f"Region {region_name(demo_sqlite_url, 2)} · {AS_OF}"]


def test_an_unknown_page_is_reported_as_an_error_not_waited_for(base: str) -> None:
    _session, run = asyncio.run(first_run(base, "no-such-page"))
    assert run.errors == ["/no-such-page: page not found ('no-such-page')"]


def test_a_filter_the_page_does_not_draw_is_an_error_without_a_rerun(base: str) -> None:
    page, change = asyncio.run(visit(base, "overview", choose=("Shoe size", ["42"]), timeout_s=300))
    assert page.errors == [] and change is not None
    assert change.errors == ["no multiselect labelled 'Shoe size' on /overview"] and change.deltas == 0
