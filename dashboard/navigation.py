"""The pages of rdash, in menu order: the entry script builds the navigation from this list, and
the browser smoke test opens every page in it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    script: str  # relative to the project root
    title_key: str  # i18n key of the menu title
    icon: str
    url_path: str


PAGES = (PageSpec("pages/aging.py", "nav.aging", ":material/hourglass_bottom:", "aging"),)
