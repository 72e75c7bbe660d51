"""Every validation rule rejects the import with a message naming row, column, value and fix, and the
database is left exactly as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importing_helpers import fresh_url, import_table, load_base, snapshot  # noqa: F401 - fixture

CASES = {
    "unparseable date": ("invoices", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                         "INV-9,Acme Trading,Beta Ltd,2026-13-45,2026-02-04,10.00\n",
                         2, "issue_date", "2026-13-45", "issue_date is not a date in the format %Y-%m-%d"),
    "unparseable amount": ("invoices", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                           "INV-9,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,12.3.4\n"
                           "INV-10,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,12.00\n",
                           2, "amount", "12.3.4", "amount is not an amount"),
    "negative amount": ("invoices", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                        "INV-10,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,12.00\n"
                        "INV-9,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,-5.00\n",
                        3, "amount", "-5.00", "negative amount"),
    "due before issue": ("invoices", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                         "INV-9,Acme Trading,Beta Ltd,2026-03-05,2026-02-04,10.00\n",
                         2, "due_date", "2026-02-04", "due date 2026-02-04 is before the issue date 2026-03-05"),
    "payment before its invoice": ("payments", "invoice,payment_date,amount\nINV-1,2026-01-04,100.00\n",
                                   2, "payment_date", "2026-01-04",
                                   "payment dated 2026-01-04, before its invoice INV-1 was issued (2026-01-05)"),
    "payments exceeding the outstanding": ("payments", "invoice,payment_date,amount\nINV-1,2026-02-01,600.00\n"
                                           "INV-1,2026-02-10,400.01\n", 2, "amount", "600.00",
                                           "payments, credit notes and write-offs on invoice INV-1 would total "
                                           "1,000.01, more than its amount 1,000.00"),
    "unknown debtor": ("invoices", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                       "INV-9,Acme Trading,Delta GmbH,2026-01-05,2026-02-04,10.00\n",
                       2, "debtor", "Delta GmbH", "unknown debtor 'Delta GmbH'"),
    "unknown collector": ("assignments", "debtor,collector,start_date,end_date\nBeta Ltd,Nobody,2025-01-01,2025-12-31\n",
                          2, "collector", "Nobody", "unknown collector 'Nobody'"),
    "duplicate invoice number": ("invoices", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                                 "INV-9,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,10.00\n"
                                 "INV-9,Acme Trading,Gamma Co,2026-01-06,2026-02-05,20.00\n",
                                 3, "invoice_number", "INV-9", "invoice_number INV-9 appears more than once (first on row 2)"),
    "overlapping assignments": ("assignments", "debtor,collector,start_date\nBeta Ltd,Zhao Min,2026-03-01\n",
                                2, "start_date", "2026-03-01",
                                "debtor 'Beta Ltd' has another assignment overlapping these dates"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_rejects_the_import_and_changes_nothing(fresh_url, tmp_path: Path, case: str) -> None:  # noqa: F811
    table, content, row, column, value, message = CASES[case]
    load_base(fresh_url, tmp_path)
    before = snapshot(fresh_url)
    result = import_table(fresh_url, tmp_path, table, content)
    assert not result.written and not result.valid
    problem = next(p for p in result.problems if p.row == row and p.column == column)
    assert (problem.value, problem.table) == (value, table)
    assert problem.problem.startswith(message)
    assert problem.fix  # every problem says how to fix it
    assert snapshot(fresh_url) == before


def test_the_valid_rows_are_written_only_when_asked(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    content = CASES["negative amount"][1]
    result = import_table(fresh_url, tmp_path, "invoices", content, mode="valid")
    assert result.written and result.counts["invoices"] == {"inserted": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert result.rejected_rows == {3}
    assert sorted(r[1] for r in snapshot(fresh_url)["invoices"]) == ["INV-1", "INV-10", "INV-2"]


def test_a_chinese_reader_reads_the_problem_and_its_fix_in_chinese(tmp_path: Path) -> None:
    """The report's texts are messages with keys: English by default, Chinese for a Chinese reader."""
    from dashboard.i18n import localized

    url = f"sqlite:///{tmp_path / 'zh.sqlite'}"
    load_base(url, tmp_path)
    result = import_table(url, tmp_path, "invoices", CASES["unparseable date"][1])
    english = result.report().row(0, named=True)
    chinese = result.report(say=lambda said: localized(said, "zh")).row(0, named=True)
    assert (english["problem"], english["fix"]) == (
        "issue_date is not a date in the format %Y-%m-%d",
        "correct the date, or set the file's date format in the import settings")  # fmt: skip
    assert (chinese["problem"], chinese["fix"]) == ("issue_date 不是格式为 %Y-%m-%d 的日期",
                                                    "请更正日期，或在导入设置中指定文件的日期格式")  # fmt: skip
    assert (chinese["row"], chinese["column"], chinese["value"]) == (2, "issue_date", "2026-13-45")


def test_a_refusal_of_the_mapping_is_said_in_chinese_without_a_python_list(tmp_path: Path) -> None:
    from dashboard.i18n import localized

    url = f"sqlite:///{tmp_path / 'zh.sqlite'}"
    load_base(url, tmp_path)
    with pytest.raises(ValueError) as refused:
        import_table(url, tmp_path, "invoices", "invoice_number,client,amount\nINV-9,Acme Trading,10.00\n")
    assert str(refused.value) == ("invoices: the mapping gives no column for the required field(s) debtor, issue_date, "
                                  "due_date; map them to a column, or give a constant as =value.")  # fmt: skip
    assert localized(refused.value, "zh") == ("invoices：映射没有为必填字段 debtor, issue_date, due_date 指定列；"
                                              "请将其映射到文件中的某一列，或用 =值 的形式给出常量。")  # fmt: skip
