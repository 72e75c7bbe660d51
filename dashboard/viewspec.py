"""The view as words and URL parameters, without Streamlit: what each filter can be set to (Options),
the chosen view (View), parsing and writing the URL's filter parameters, and the sentence that describes
a view (``Region East China · as of 2026-10-31``). ``dashboard.filters`` draws the widgets around these;
the meeting pack (``dashboard.pack``) and the ``rdash pack`` command use them directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from data_access.book.filters import Filters
from dashboard.i18n import label, t

SHOWN_CHARACTERS = 40  # a longer value from a link is cut in the warning that names it
LISTED_VALUES = 3  # a filter with more values is summarised in the page's description
GRADE_ORDER = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC")


@dataclass(frozen=True)
class Options:
    """What each filter can be set to, as {value: label} in display order."""

    regions: dict[int, str]
    clients: dict[int, str]
    industries: dict[str, str]
    collectors: dict[int, str]
    grades: dict[str, str]
    first_date: date
    last_date: date  # the latest date the picker offers: today, or the newest fact if that is later
    newest: date | None = None  # the newest fact in the data: the default as-of date

    @property
    def default_date(self) -> date:
        return self.newest or self.last_date


@dataclass(frozen=True)
class View:
    as_of: date
    filters: Filters
    ignored: tuple[str, ...] = field(default=())


# filter field, URL parameter, label key, Options attribute, value parser
_FIELDS = (
    ("region_ids", "region", "filters.region", "regions", int),
    ("client_ids", "client", "filters.client", "clients", int),
    ("industries", "industry", "filters.industry", "industries", str),
    ("collector_ids", "collector", "filters.collector", "collectors", int),
    ("grades", "grade", "filters.grade", "grades", str),
)


def shown_value(raw: str) -> str:
    """A value from a link as people should read it: verbatim and cut when long.

    A Markdown code span keeps it verbatim (``--`` is not turned into a dash, ``*`` into emphasis), with
    a fence longer than any run of backticks inside it; a value over SHOWN_CHARACTERS characters is cut
    and its length said.
    """
    text = " ".join(str(raw).splitlines())
    cut = len(text) > SHOWN_CHARACTERS
    if cut:
        text = text[:SHOWN_CHARACTERS] + "…"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    quoted = f"{fence}{pad}{text}{pad}{fence}"
    return f"{quoted} {t('filters.cut', n=f'{len(raw):,}')}" if cut else quoted


def parse_url(params: dict[str, str], options: Options) -> View:
    """A View from URL parameters; unknown or malformed values are dropped and reported."""
    ignored: list[str] = []
    as_of = options.default_date
    if raw := params.get("as_of"):
        try:
            wanted = date.fromisoformat(raw)
            if not options.first_date <= wanted <= options.last_date:
                raise ValueError
            as_of = wanted
        except ValueError:
            ignored.append(t("filters.bad_date", value=shown_value(raw), first=options.first_date,
                             last=options.last_date))  # fmt: skip
    chosen: dict[str, tuple] = {}
    for name, param, label_key, attribute, parse in _FIELDS:
        allowed = getattr(options, attribute)
        values = []
        for part in (params.get(param) or "").split(","):
            if not part.strip():
                continue
            try:
                value = parse(part.strip())
            except ValueError:
                value = None
            if value in allowed:
                values.append(value)
            else:
                ignored.append(t("filters.unknown", field=t(label_key), value=shown_value(part.strip())))
        chosen[name] = tuple(values)
    return View(as_of=as_of, filters=Filters(**chosen), ignored=tuple(ignored))


def to_url(view: View, options: Options) -> dict[str, str]:
    """URL parameters for a View; defaults (newest date, no filter) are left out."""
    params: dict[str, str] = {}
    if view.as_of != options.default_date:
        params["as_of"] = view.as_of.isoformat()
    for name, param, *_ in _FIELDS:
        values = getattr(view.filters, name)
        if values:
            params[param] = ",".join(str(v) for v in values)
    return params


def summary(names: list[str], limit: int | None = LISTED_VALUES) -> str:
    """``A, B, C`` or, past ``limit`` names, ``A, B, C and 77 more`` (``limit=None``: every name)."""
    if limit is None or len(names) <= limit + 1:  # "and 1 more" would be longer than the name
        return ", ".join(names)
    return t("filters.and_more", names=", ".join(names[:limit]), n=len(names) - limit)


def describe(view: View, options: Options, limit: int | None = LISTED_VALUES) -> str:
    """One line for people: ``Region East China · Rating grade B, CCC · as of 2026-10-31``.

    A filter with many values lists the first ``limit`` and says how many more (``limit=None``: all, for
    a file that must say exactly what it holds).
    """
    parts = []
    for name, _param, label_key, attribute, _parse in _FIELDS:
        values = getattr(view.filters, name)
        if values:
            labels = getattr(options, attribute)
            parts.append(f"{t(label_key)} {summary([labels[v] for v in values], limit)}")
    parts = parts or [t("filters.all")]
    return " · ".join([*parts, t("filters.as_of_part", date=view.as_of.isoformat())])


def options_of(book, dims: pl.DataFrame, today: date) -> Options:  # noqa: ANN001 - a data_access Portfolio
    """What the filters offer: every region, client, industry, collector and grade in the book (``dims``:
    the debtor dimensions at the book's newest date)."""

    def pairs(frame: pl.DataFrame, id_column: str, name: str) -> dict:
        return dict(frame.select(id_column, name).unique().sort(name).iter_rows())

    grades = [g for g in GRADE_ORDER if g in set(dims["grade"].drop_nulls())]
    grades += sorted(set(dims["grade"].drop_nulls()) - set(grades))
    industries = sorted(book.debtors["industry"].unique())
    return Options(
        regions=pairs(book.regions, "region_id", "name"),
        clients=pairs(book.clients, "client_id", "name"),
        industries={i: label("industry", i) for i in industries},  # a code with a text in the locale files
        collectors=pairs(book.collectors, "collector_id", "name"),
        grades={g: g for g in grades},
        first_date=book.first_date,
        newest=book.latest_date,
        # A quiet book can be reported as of today: nothing after its newest fact changes it.
        last_date=max(today, book.latest_date),
    )
