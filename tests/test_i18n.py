"""Every UI string lives in dashboard/locales/*.toml (read by dashboard/i18n.py): each key the code asks for exists."""

import re
from pathlib import Path

import pytest

from dashboard.i18n import STRINGS, t
from dashboard.navigation import PAGES
from data_access.metrics.aging import DIMENSIONS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*ROOT.glob("app.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("dashboard/*.py")]
LITERAL_KEYS = sorted({key for path in SOURCES for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""",
                                                                      path.read_text(encoding="utf-8"))})  # fmt: skip


@pytest.mark.parametrize("key", LITERAL_KEYS)
def test_every_key_used_in_the_code_has_english_text(key: str) -> None:
    assert key in STRINGS["en"]


def test_keys_built_from_data_exist() -> None:
    built = [f"dim.{d}" for d in DIMENSIONS] + [p.title_key for p in PAGES]
    assert [k for k in built if k not in STRINGS["en"]] == []


def test_placeholders_are_filled() -> None:
    assert t("aging.top_n", n=15, total=40) == "Largest 15 of 40 shown in the chart; the table has all."


def test_an_unknown_language_falls_back_to_english() -> None:
    assert t("aging.title", language="xx") == "Aging"


def test_in_language_overrides_the_active_language_inside_the_block_only() -> None:
    from dashboard.i18n import STRINGS, active_language, in_language

    STRINGS.setdefault("xx-test", {})["aging.title"] = "Altersstruktur"
    try:
        with in_language("xx-test"):
            assert (active_language(), t("aging.title")) == ("xx-test", "Altersstruktur")
        assert (active_language(), t("aging.title")) == ("en", "Aging")
    finally:
        del STRINGS["xx-test"]
