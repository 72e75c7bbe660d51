"""Messages from ``data_access`` that reach people, in English and with their i18n key.

``data_access`` never imports the dashboard, yet its refusals and problems end on a page. A
``Message`` is the English text (so the CLI, logs and tests read it as a plain ``str``) that also
carries the key of its text in ``dashboard/locales/*.toml`` and the values of its placeholders, so the
dashboard says it in the reader's language (``dashboard.i18n.localized``). The English text here and
the ``en.toml`` entry are the same words; ``tests/test_i18n.py`` checks each key exists with the same
placeholders.
"""

from __future__ import annotations


class Message(str):
    """``Message("error.x", "Batch {batch} is gone.", batch="RB-1")`` is the str ``"Batch RB-1 is gone."``."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, english: str, **values: object) -> Message:
        text = english.format(**{k: _plain(v) for k, v in values.items()})
        message = super().__new__(cls, text)
        message.key, message.values = key, values
        return message

    def __reduce__(self):  # noqa: ANN204 - pickled by st.cache_data: keep the key and values
        return _rebuild, (self.key, str(self), self.values)


def _rebuild(key: str, text: str, values: dict[str, object]) -> Message:
    message = str.__new__(Message, text)
    message.key, message.values = key, values
    return message


def _plain(value: object) -> object:
    """A list of messages as English text, ``; ``-joined (the dashboard joins them in the reader's language)."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value
