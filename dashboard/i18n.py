"""Every string a user reads, in one place, keyed by id.

``t("aging.title")`` returns the text in the active language; ``{name}`` placeholders are filled
from keyword arguments. The strings live in ``dashboard/locales/<language>.toml`` (one ``"key" = "text"``
line each), so a translator edits them without reading code. English is complete; another language
falls back to English key by key, and ``tests/test_i18n.py`` lists what is missing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"


def _load() -> dict[str, dict[str, str]]:
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(LOCALES.glob("*.toml"))}


STRINGS: dict[str, dict[str, str]] = _load()


# The language of the text being produced: an explicit override (a meeting pack, a CLI run, a test) wins;
# otherwise the session's choice, read through a resolver the Streamlit shell registers; else English.
_override: ContextVar[str | None] = ContextVar("rdash_language", default=None)
_session_language: Callable[[], str | None] | None = None


def register_session_language(resolver: Callable[[], str | None]) -> None:
    """Let the app say which language the current session chose (called once by the shell)."""
    global _session_language
    _session_language = resolver


def active_language() -> str:
    """The language ``t`` uses when none is passed."""
    chosen = _override.get()
    if chosen is None and _session_language is not None:
        chosen = _session_language()
    return chosen if chosen in STRINGS else DEFAULT_LANGUAGE


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Produce text in ``language`` inside the block, whatever the session chose (meeting packs, CLI)."""
    token = _override.set(language)
    try:
        yield
    finally:
        _override.reset(token)


def t(key: str, language: str | None = None, **values: object) -> str:
    """The text for ``key`` in ``language`` (default: the active one; falling back to English), placeholders filled."""
    table = STRINGS.get(language or active_language(), {})
    text = table.get(key) or STRINGS[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def label(prefix: str, value: str, language: str | None = None) -> str:
    """A data value shown to people (a bucket, a flow destination): translated where a string exists."""
    key = f"{prefix}.{value}"
    return t(key, language) if key in STRINGS[DEFAULT_LANGUAGE] else value


def localized(said: object, language: str | None = None) -> str:
    """A message from ``data_access`` (a problem string or an exception) in the reader's language.

    A ``data_access.messages.Message`` carries its key and values and is said again from the locale files
    (lists of messages joined with the language's separator); anything else is shown as it is.
    """
    if isinstance(said, BaseException):
        said = said.args[0] if len(said.args) == 1 else str(said)
    key = getattr(said, "key", None)
    if key is None or key not in STRINGS[DEFAULT_LANGUAGE]:
        return str(said)

    def word(value: object) -> object:
        if isinstance(value, list | tuple):
            return t("error.list_separator", language).join(str(word(v)) for v in value)
        return localized(value, language) if getattr(value, "key", None) else value

    return t(key, language, **{name: word(value) for name, value in said.values.items()})  # type: ignore[attr-defined]
