"""What an import can fill: for each table, the fields a file supplies, their kinds and business keys.

A file never carries our surrogate ids. It names things the way a ledger does: an invoice by its
number, a debtor by its name, a payment by its invoice and date. Each table's **business key** is
what makes a row the same row on the next import (idempotent re-import; an updated file updates
rows). References to other tables go through the parent's business key (``debtor`` = the debtor's
name), resolved against the database and the rows of the same import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

TEXT, DATE, MONEY, INT, BOOL, DECIMAL, REF = "text", "date", "money", "int", "bool", "decimal", "ref"
# A collector's hire date when the file has none: hire dates only label the collector, no figure uses them.
UNKNOWN_HIRE_DATE = date(2000, 1, 1)


@dataclass(frozen=True)
class Field:
    """One value a file supplies. ``column`` is the table column it fills (for a ``ref``: the id column).

    ``kind``: text, date, money (currency units in the file, integer cents in the table), int, bool,
    decimal, or ref (the parent's business key; ``parent`` names the table). ``default`` fills a
    missing optional value; ``choices`` lists the allowed values of a text field.
    """

    name: str
    kind: str
    column: str = ""
    required: bool = True
    default: object = None
    parent: str = ""
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    fallback: str = ""  # another field whose value fills this one when the file has none

    @property
    def target(self) -> str:
        return self.column or self.name


@dataclass(frozen=True)
class Target:
    table: str
    key: tuple[str, ...]  # field names forming the business key
    fields: tuple[Field, ...]
    label_key: str = field(default="name")  # the field that names a row in a parent lookup (single-field keys)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _money(name: str = "amount", required: bool = True, default: object = None, *synonyms: str) -> Field:
    return Field(name, MONEY, f"{name}_cents", required=required, default=default, synonyms=synonyms)


def _ref(name: str, parent: str, required: bool = True, *synonyms: str) -> Field:
    return Field(name, REF, f"{name}_id", required=required, parent=parent, synonyms=synonyms)


_INVOICE = _ref("invoice", "invoices", True, "invoice_number", "invoice_no", "invoicenumber", "发票号")


def _reduction(table: str, day: str, *extra: Field) -> Target:
    return Target(table, ("invoice", day), (_INVOICE, Field(day, DATE, synonyms=("date",)), _money(), *extra))


TARGETS: dict[str, Target] = {t.table: t for t in (
    Target("regions", ("name",), (Field("name", TEXT, synonyms=("region", "region_name", "区域")),
                                  Field("name_zh", TEXT, required=False, fallback="name"))),
    Target("collectors", ("name",), (
        Field("name", TEXT, synonyms=("collector", "collector_name", "催收专员")),
        _ref("region", "regions"),
        Field("level", TEXT, required=False, default="mid", choices=("junior", "mid", "senior")),
        Field("hire_date", DATE, required=False, default=UNKNOWN_HIRE_DATE),
        Field("capacity", INT, required=False, default=40),
        Field("active", BOOL, required=False, default=True),
    )),
    Target("clients", ("name",), (
        Field("name", TEXT, synonyms=("client", "client_name", "seller", "保理客户")),
        Field("industry", TEXT, required=False, default="unknown"),
        _ref("region", "regions"),
        Field("recourse", BOOL, required=False, default=False),
        Field("advance_rate", DECIMAL, required=False, default=0.8),
    )),
    Target("debtors", ("name",), (
        Field("name", TEXT, synonyms=("debtor", "debtor_name", "customer", "customer_name", "buyer", "债务人")),
        Field("industry", TEXT, required=False, default="unknown"),
        _ref("region", "regions"),
        _money("credit_limit", False, 0),
    )),
    Target("debtor_ratings", ("debtor", "rated_on"), (
        _ref("debtor", "debtors"), Field("rated_on", DATE, synonyms=("date",)),
        Field("grade", TEXT, choices=("AAA", "AA", "A", "BBB", "BB", "B", "CCC"), synonyms=("rating",)),
    )),
    Target("invoices", ("invoice_number",), (
        Field("invoice_number", TEXT, synonyms=("invoice", "invoice_no", "invoicenumber", "number", "发票号")),
        _ref("client", "clients"), _ref("debtor", "debtors", True, "customer", "customerid", "buyer", "债务人"),
        Field("issue_date", DATE, synonyms=("invoice_date", "invoicedate", "date", "开票日期")),
        Field("due_date", DATE, synonyms=("duedate", "到期日")),
        _money("amount", True, None, "invoice_amount", "invoiceamount", "金额"),
        _money("advance", False, 0),
        Field("recourse", BOOL, required=False, default=False),
        Field("disputed", BOOL, required=False, default=False),
    ), label_key="invoice_number"),
    _reduction("payments", "payment_date"),
    _reduction("credit_notes", "credit_note_date", Field("reason", TEXT, required=False, default="other")),
    _reduction("write_offs", "write_off_date"),
    _reduction("recoveries", "recovery_date"),
    Target("assignments", ("debtor", "start_date"), (
        _ref("debtor", "debtors"), _ref("collector", "collectors"),
        Field("start_date", DATE), Field("end_date", DATE, required=False),
        Field("reason", TEXT, required=False),
    )),
    Target("collection_actions", ("debtor", "collector", "action_date", "channel"), (
        _ref("debtor", "debtors"), _ref("collector", "collectors"), _ref("invoice", "invoices", False),
        Field("action_date", DATE, synonyms=("date",)),
        Field("channel", TEXT, choices=("reminder", "phone", "sms", "email", "letter", "visit", "legal")),
        Field("outcome", TEXT), Field("escalation_level", INT, required=False, default=1),
    )),
    Target("promises", ("invoice", "made_on"), (
        _ref("debtor", "debtors"), _INVOICE, _ref("collector", "collectors"),
        Field("made_on", DATE), Field("promised_date", DATE), _money(),
        Field("is_plan", BOOL, required=False, default=False),
    )),
    Target("credit_events", ("debtor", "event_date", "event_type"), (
        _ref("debtor", "debtors"), Field("event_date", DATE, synonyms=("date",)),
        Field("event_type", TEXT, choices=("rating_downgrade", "litigation", "business_anomaly", "negative_news",
                                           "executive_change", "bankruptcy")),
        Field("severity", INT, required=False, default=2),
    )),
    Target("unapplied_credits", ("reference",), (
        Field("reference", TEXT, synonyms=("ref", "document", "document_number")),
        _ref("debtor", "debtors"),
        Field("kind", TEXT, choices=("unapplied_cash", "credit_on_account", "unapplied_credit_note")),
        Field("received_on", DATE, synonyms=("date",)), Field("applied_on", DATE, required=False),
        _money(),
    ), label_key="reference"),
)}  # fmt: skip

# Parents before children: the order an import writes its targets in.
LOAD_ORDER = ("regions", "collectors", "clients", "debtors", "debtor_ratings", "invoices", "payments", "credit_notes",
              "write_offs", "recoveries", "assignments", "collection_actions", "promises", "credit_events",
              "unapplied_credits")  # fmt: skip
assert set(LOAD_ORDER) == set(TARGETS)


def target(table: str) -> Target:
    try:
        return TARGETS[table]
    except KeyError:
        raise ValueError(f"{table!r} cannot be imported; choose one of {', '.join(LOAD_ORDER)}") from None
