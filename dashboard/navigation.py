"""The pages of rdash, in menu order: the entry script builds the navigation from this list, and
the browser smoke test opens every page in it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    script: str  # relative to the project root
    title_key: str  # i18n key of the menu title
    icon: str
    # The script's file name: after a server start Streamlit may run pages/<name>.py for /<name> before
    # app.py has run once (shell._leave_legacy_page_mode then reruns it through app.py, as the same page).
    url_path: str


PAGES = (
    PageSpec("pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    PageSpec("pages/aging.py", "nav.aging", ":material/hourglass_bottom:", "aging"),
    PageSpec("pages/bad_debt.py", "nav.bad_debt", ":material/trending_down:", "bad_debt"),
    PageSpec("pages/factoring.py", "nav.factoring", ":material/account_tree:", "factoring"),
    PageSpec("pages/league.py", "nav.league", ":material/leaderboard:", "league"),
    PageSpec("pages/targets.py", "nav.targets", ":material/flag:", "targets"),
    PageSpec("pages/early_warning.py", "nav.early_warning", ":material/crisis_alert:", "early_warning"),
    PageSpec("pages/regional_load.py", "nav.regional_load", ":material/groups:", "regional_load"),
    PageSpec("pages/audit.py", "nav.audit", ":material/fact_check:", "audit"),
    PageSpec("pages/data.py", "nav.data", ":material/upload_file:", "data"),
)


def script_of(url_path: str) -> str:
    """The page script for a URL path (links between pages name the path)."""
    return next(p.script for p in PAGES if p.url_path == url_path)
