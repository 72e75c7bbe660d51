"""A risk meeting's agendas: named sequences of views, saved and deleted through the write door.

An agenda is a name and the URL paths of its pages in order (``overview,aging,early_warning``). Saving
under an existing name replaces that agenda; each save or delete is one audited write of ``agendas``.
Which page paths exist is the dashboard's knowledge: the caller passes them as ``allowed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, select

from data_access.db.schema import agendas
from data_access.db.writes import WriteRefused, audited_write

NAME_LENGTH = 80  # agendas.name


@dataclass(frozen=True)
class Agenda:
    name: str
    pages: tuple[str, ...]


def parse_pages(text: str) -> tuple[str, ...]:
    return tuple(p for p in (part.strip() for part in text.split(",")) if p)


def agendas_of(frame: pl.DataFrame) -> dict[str, Agenda]:
    """The saved agendas (rows of the ``agendas`` table) by name, in name order."""
    if frame.is_empty():
        return {}
    return {name: Agenda(name, parse_pages(pages)) for name, pages in frame.sort("name").select("name", "pages").iter_rows()}


class AgendaRefused(WriteRefused):
    """An agenda that cannot be saved; ``code`` and ``values`` let the app say it in the reader's language."""

    def __init__(self, message: str, code: str, **values: object) -> None:
        super().__init__(message)
        self.code, self.values = code, values


def validate(name: str, pages: Iterable[str], allowed: Iterable[str], reserved: Iterable[str] = ()) -> Agenda:
    """An agenda from what a person typed and picked; raises AgendaRefused saying what to fix.

    ``reserved``: names the app keeps for itself (its built-in default agenda)."""
    name = " ".join(str(name).split())
    pages = tuple(pages)
    allowed = tuple(allowed)
    if not name:
        raise AgendaRefused("The agenda needs a name: type one and save again.", "no_name")
    if len(name) > NAME_LENGTH:
        raise AgendaRefused(f"The agenda name has {len(name)} characters; at most {NAME_LENGTH} fit. Shorten it.",
                            "long_name", n=len(name), limit=NAME_LENGTH)  # fmt: skip
    if name in set(reserved):
        raise AgendaRefused(f"'{name}' is the built-in agenda's name; save under another name.", "reserved", name=name)
    if not pages:
        raise AgendaRefused(f"Agenda '{name}' has no views: pick at least one page and save again.", "no_pages",
                            name=name)  # fmt: skip
    unknown = [p for p in pages if p not in allowed]
    if unknown:
        raise AgendaRefused(f"Agenda '{name}' names pages that do not exist: {', '.join(unknown)}. "
                            f"Pick from: {', '.join(allowed)}.", "unknown_pages", name=name, pages=", ".join(unknown))  # fmt: skip
    if len(set(pages)) != len(pages):
        raise AgendaRefused(f"Agenda '{name}' lists a page twice; each view appears once in a meeting.", "repeated",
                            name=name)  # fmt: skip
    return Agenda(name, pages)


def save_agenda(engine: Engine, *, actor: str, agenda: Agenda) -> bool:
    """Save (or replace) an agenda; returns True when it replaced one of the same name."""
    row = {"pages": ",".join(agenda.pages), "saved_by": actor, "saved_at": datetime.now(UTC).replace(tzinfo=None)}
    with audited_write(engine, actor=actor, action="agenda.save", tables=("agendas",),
                       details={"name": agenda.name, "pages": list(agenda.pages)}) as writer:  # fmt: skip
        exists = writer.query(select(agendas.c.name).where(agendas.c.name == agenda.name))
        if exists:
            writer.update("agendas", {"name": agenda.name}, row)
        else:
            writer.insert("agendas", {"name": agenda.name, **row})
    return bool(exists)


def delete_agenda(engine: Engine, *, actor: str, name: str) -> None:
    with audited_write(engine, actor=actor, action="agenda.delete", tables=("agendas",),
                       details={"name": name}) as writer:  # fmt: skip
        if not writer.delete("agendas", {"name": name}):
            raise AgendaRefused(f"There is no saved agenda named '{name}'; nothing was deleted.", "missing",
                                name=name)  # fmt: skip
