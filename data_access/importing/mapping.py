"""Column mapping and import profiles.

A profile says how one file fills one or more tables: for each target table, where each field's value
comes from, plus the file's formats (encoding, date format, decimal separator). A value source is

- a file column: ``"InvoiceDate"``;
- a constant: ``"=Placeholder client"`` (a leading ``=``);
- a template: ``"Country {countryCode}"`` (file columns in braces);
- a table: ``{ column = "Disputed", map = { Yes = "true", No = "false" } }``.

A target may be ``distinct = true``: many rows of the file describe the same row (the IBM file names
its customer on every invoice); identical repeats collapse, conflicting ones are reported. Profiles
are TOML; the shipped ones live in ``data_access/importing/profiles``, the ones a user saves in the
database's ``meta`` table (``import_profile:<name>``), through the write door.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from data_access.importing.spec import TARGETS, Target, target
from data_access.messages import Message

SHIPPED = Path(__file__).resolve().parent / "profiles"
PROFILE_META_PREFIX = "import_profile:"
_TEMPLATE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class TargetMapping:
    table: str
    sources: dict[str, object]  # field name -> source (see the module docstring)
    distinct: bool = False

    def columns_used(self) -> set[str]:
        used: set[str] = set()
        for source in self.sources.values():
            if isinstance(source, dict):
                used.add(str(source["column"]))
            elif isinstance(source, str) and not source.startswith("="):
                found = _TEMPLATE.findall(source)
                used |= set(found) if found else {source}
        return used


@dataclass(frozen=True)
class Profile:
    name: str
    targets: tuple[TargetMapping, ...]
    description: str = ""
    encoding: str | None = None  # None: detect
    date_format: str | None = None  # None: detect
    decimal: str | None = None  # None: detect
    extra: dict = field(default_factory=dict, compare=False)

    def to_toml(self) -> str:
        lines = [f"name = {_q(self.name)}"]
        if self.description:
            lines.append(f"description = {_q(self.description)}")
        for key in ("encoding", "date_format", "decimal"):
            if getattr(self, key):
                lines.append(f"{key} = {_q(getattr(self, key))}")
        for mapping in self.targets:
            lines += ["", "[[targets]]", f"table = {_q(mapping.table)}"]
            if mapping.distinct:
                lines.append("distinct = true")
            for name, source in mapping.sources.items():
                if isinstance(source, dict):
                    pairs = ", ".join(f"{_q(k)} = {_q(v)}" for k, v in source["map"].items())  # type: ignore[index]
                    lines.append(f"{name} = {{ column = {_q(source['column'])}, map = {{ {pairs} }} }}")
                else:
                    lines.append(f"{name} = {_q(str(source))}")
        return "\n".join(lines) + "\n"


def _q(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_profile(text: str, origin: str = "profile") -> Profile:
    """A profile from TOML; unknown tables or fields are named with the fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise ValueError(f"{origin}: not valid TOML ({problem})") from None
    targets = []
    for entry in data.get("targets", []):
        entry = dict(entry)
        table = entry.pop("table", None)
        spec = target(str(table))
        distinct = bool(entry.pop("distinct", False))
        unknown = set(entry) - set(spec.names)
        if unknown:
            raise ValueError(f"{origin}: {table} has no field(s) {sorted(unknown)}; its fields are {list(spec.names)}")
        targets.append(TargetMapping(spec.table, entry, distinct))
    if not targets:
        raise ValueError(f"{origin}: no [[targets]]; name at least one table to fill")
    return Profile(name=str(data.get("name", origin)), targets=tuple(targets), description=data.get("description", ""),
                   encoding=data.get("encoding"), date_format=data.get("date_format"), decimal=data.get("decimal"))  # fmt: skip


def shipped_profiles() -> dict[str, Profile]:
    return {p.stem: parse_profile(p.read_text(encoding="utf-8"), p.name) for p in sorted(SHIPPED.glob("*.toml"))}


def load_profile(name_or_path: str) -> Profile:
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        return parse_profile(path.read_text(encoding="utf-8"), path.name)
    shipped = shipped_profiles()
    if name_or_path in shipped:
        return shipped[name_or_path]
    raise ValueError(f"No profile {name_or_path!r}: give a .toml file or one of {sorted(shipped)}")


def _normal(name: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", name.lower())


def auto_mapping(table: str, columns: list[str]) -> dict[str, str]:
    """Field -> file column where the names agree (case, spaces, dashes and underscores ignored; known
    synonyms such as ``InvoiceDate`` for ``issue_date``). Each column is used once."""
    spec: Target = target(table)
    by_normal = {_normal(c): c for c in columns}
    mapping: dict[str, str] = {}
    for f in spec.fields:
        for candidate in (f.name, f.target, *f.synonyms):
            column = by_normal.get(_normal(candidate))
            if column and column not in mapping.values():
                mapping[f.name] = column
                break
    return mapping


def simple_profile(name: str, table: str, mapping: dict[str, str], **formats: str | None) -> Profile:
    """A one-table profile from a field -> column mapping (the Data page's form)."""
    return Profile(name=name, targets=(TargetMapping(table, dict(mapping)),), **formats)  # type: ignore[arg-type]


def source_expr(source: object, columns: list[str]) -> pl.Expr:
    """The text of a field from its source (column, constant, template or table)."""
    if isinstance(source, dict):
        column = str(source["column"])
        _require(column, columns)
        table = {str(k): str(v) for k, v in dict(source["map"]).items()}  # type: ignore[arg-type]
        return pl.col(column).str.strip_chars().replace(table)
    text = str(source)
    if text.startswith("="):
        return pl.lit(text[1:], pl.String)
    parts = _TEMPLATE.split(text)
    if len(parts) == 1:
        _require(text, columns)
        return pl.col(text)
    pieces = []
    for i, part in enumerate(parts):
        if i % 2:
            _require(part, columns)
            pieces.append(pl.col(part).str.strip_chars())
        elif part:
            pieces.append(pl.lit(part))
    return pl.concat_str(pieces)


def _require(column: str, columns: list[str]) -> None:
    if column not in columns:
        raise ValueError(Message("import.error.no_column", "The mapping names column {column}, which the file does "
                                 "not have; its columns are {columns}. Fix the mapping or the file's header.",
                                 column=repr(column), columns=", ".join(columns)))  # fmt: skip


__all__ = ["TARGETS", "Profile", "TargetMapping", "auto_mapping", "load_profile", "parse_profile", "shipped_profiles"]
