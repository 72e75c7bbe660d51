"""Every string a user reads, in one place, keyed by id.

``t("aging.title")`` returns the text in the active language; ``{name}`` placeholders are filled
from keyword arguments. The strings live in ``dashboard/locales/<language>.toml`` (one ``"key" = "text"``
line each), so a translator edits them without reading code. English is complete; another language
falls back to English key by key, and ``tests/test_i18n.py`` lists what is missing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"


def _load() -> dict[str, dict[str, str]]:
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(LOCALES.glob("*.toml"))}


STRINGS: dict[str, dict[str, str]] = _load()


def t(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``language`` (falling back to English), with placeholders filled."""
    table = STRINGS.get(language, {})
    text = table.get(key) or STRINGS[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def label(prefix: str, value: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A data value shown to people (a bucket, a flow destination): translated where a string exists."""
    key = f"{prefix}.{value}"
    return t(key, language) if key in STRINGS[DEFAULT_LANGUAGE] else value
