"""The bounded load script: sessions at once on one server, each drawing a page and changing a filter.

No time is asserted (the machine is shared); the script must finish, count every session and report.
Skipped without Chromium (a failure in CI, like the other browser tests).
"""

from __future__ import annotations

import pytest

from data_access.tools import browser_bench
from data_access.tools.load_test import percentile, run
from tests.conftest import DEMO_END, require_service


def test_the_90th_percentile_lies_between_the_two_values_around_it() -> None:
    assert percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.9) == pytest.approx(9.1)  # position 8.1 of 0..9
    assert percentile([4.0], 0.9) == 4.0


def test_three_sessions_one_in_chromium_each_draw_the_page_and_change_the_filter(demo_sqlite_url: str) -> None:
    if not browser_bench.chromium_available():
        require_service(f"Chromium at {browser_bench.CHROMIUM} and Playwright")
    lines: list[str] = []
    result = run(demo_sqlite_url, 3, browsers=1, timeout_s=300, log=lines.append)
    assert result.errors == []
    assert result.url_path == "overview" and result.rss_mb > 0
    # One browser session: its page drawn and redrawn after the filter change, the script finished before it.
    assert len(result.page_seconds) == 1 and len(result.change_seconds) == 1
    assert result.script_seconds[0] <= result.page_seconds[0]
    # Two protocol sessions: both pages finished, both filter changes showed the region's caption.
    assert len(result.protocol_page_seconds) == 2 and len(result.protocol_change_seconds) == 2
    assert result.protocol_shown == [f"Region East China · as of {DEMO_END.isoformat()}"] * 2
    assert lines[-1].startswith("3 simultaneous sessions on /overview (1 in headless Chromium, 2 protocol-only): "
                                "0 errors; in the browser: page drawn median")  # fmt: skip
    assert "; protocol sessions, request to the server's script finished: page median" in lines[-1]


def test_more_browsers_than_sessions_is_refused_before_any_server_starts() -> None:
    with pytest.raises(ValueError, match="between 0 and the 2 sessions"):
        run("sqlite:///unused.sqlite", 2, browsers=3)
