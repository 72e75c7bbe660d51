"""The bounded load script: sessions at once on one server, each drawing a page and changing a filter.

No time is asserted (the machine is shared); the script must finish, count every session and report.
Skipped without Chromium (a failure in CI, like the other browser tests).
"""

from __future__ import annotations

import pytest

from data_access.tools import browser_bench
from data_access.tools.load_test import percentile, run
from tests.conftest import require_service


def test_the_90th_percentile_lies_between_the_two_values_around_it() -> None:
    assert percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.9) == pytest.approx(9.1)  # position 8.1 of 0..9
    assert percentile([4.0], 0.9) == 4.0


def test_two_sessions_each_draw_the_page_and_redraw_it_after_a_filter_change(demo_sqlite_url: str) -> None:
    if not browser_bench.chromium_available():
        require_service(f"Chromium at {browser_bench.CHROMIUM} and Playwright")
    lines: list[str] = []
    result = run(demo_sqlite_url, 2, timeout_s=300, log=lines.append)
    assert result.errors == []
    assert len(result.page_seconds) == 2 and len(result.change_seconds) == 2
    assert result.url_path == "overview" and result.rss_mb > 0
    assert lines[-1].startswith("2 simultaneous sessions on /overview: 0 errors; page drawn median")
    scripts, pages = sorted(result.script_seconds), sorted(result.page_seconds)
    assert len(scripts) == 2 and all(script <= page for script, page in zip(scripts, pages, strict=True))
