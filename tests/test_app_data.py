"""The Data page under AppTest: a hand-made mapping, a failed check with its report, the valid rows
imported; a clean file imported; a region-scoped reader refused."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from dashboard.importer import Upload
from data_access.db.engine import open_engine
from data_access.db.store import Scope
from tests.importing_helpers import load_base, write
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

PAGE = "pages/data.py"
# Column names the automatic mapping cannot know: Nr and Kunde are mapped by hand.
FILE = ("Nr,Kunde,client,issue_date,due_date,amount\n"
        "INV-7,Beta Ltd,Acme Trading,2026-02-01,2026-03-03,100.00\n"
        "INV-8,Gamma Co,Acme Trading,2026-02-02,2026-01-01,200.00\n")  # fmt: skip


def invoice_numbers(url: str) -> list[str]:
    with open_engine(url).connect() as connection:
        return sorted(connection.execute(text("SELECT invoice_number FROM invoices")).scalars())


def open_with_file(app_on, url: str, path: Path):  # noqa: ANN001, ANN201, F811
    app = app_on(url, script=PAGE)
    app.session_state["data_source"] = Upload(str(path), path.name)
    return app.run()


def mapped_by_hand(app):  # noqa: ANN001, ANN201
    by_label = {s.label: s for s in app.selectbox}
    by_label["invoice_number *"].set_value("Nr")
    by_label["debtor *"].set_value("Kunde")
    return app.run()


def test_a_mapping_by_hand_a_failed_check_and_the_valid_rows_imported(app_on, tmp_path: Path) -> None:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'data.sqlite'}"
    load_base(url, tmp_path)
    app = open_with_file(app_on, url, write(tmp_path, "erp.csv", FILE))
    assert not app.exception
    assert app.title[0].value == "Data"
    assert "Detected: encoding utf-8 · dates %Y-%m-%d · decimal separator '.' · 6 columns" in texts(app)
    assert any(c.value.startswith("4 of 9 fields matched by column name") for c in app.caption)
    app = mapped_by_hand(app)
    next(b for b in app.button if b.label == "Check the file").click().run()
    assert not app.exception
    assert app.error[0].value.startswith("1 problem(s) on 1 of 2 rows. Nothing is written")
    report = app.dataframe[-1].value
    assert report.iloc[0]["row"] == 3 and report.iloc[0]["column"] == "due_date"
    assert report.iloc[0]["problem"] == "due date 2026-01-01 is before the issue date 2026-02-02"
    assert invoice_numbers(url) == ["INV-1", "INV-2"]  # the check wrote nothing
    next(b for b in app.button if b.label == "Import the 1 valid rows only").click().run()
    assert not app.exception
    assert invoice_numbers(url) == ["INV-1", "INV-2", "INV-7"]
    assert "1 rejected" in app.success[0].value


def test_a_replaced_file_with_the_same_columns_keeps_the_mapping_made_by_hand(app_on, tmp_path: Path) -> None:  # noqa: F811
    """Replacing the file in the uploader reruns the page once without a file (the mapping boxes are not drawn and
    Streamlit forgets their state); the fixed file that follows has the same columns and the same mapping."""
    url = f"sqlite:///{tmp_path / 'data.sqlite'}"
    load_base(url, tmp_path)
    app = mapped_by_hand(open_with_file(app_on, url, write(tmp_path, "erp.csv", FILE)))
    del app.session_state["data_source"]
    app.run()
    assert not [s for s in app.selectbox if s.label == "debtor *"]  # no file: no mapping drawn
    app.session_state["data_source"] = Upload(str(write(tmp_path, "erp-fixed.csv", FILE.replace("2026-01-01", "2026-03-04"))),
                                              "erp-fixed.csv")  # fmt: skip
    app.run()
    by_label = {s.label: s.value for s in app.selectbox}
    assert (by_label["invoice_number *"], by_label["debtor *"]) == ("Nr", "Kunde")
    next(b for b in app.button if b.label == "Check the file").click().run()
    assert app.success[0].value == "All 2 rows are valid: 2 row(s) will be added or updated."


def test_a_clean_file_is_checked_then_imported(app_on, tmp_path: Path) -> None:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'data.sqlite'}"
    load_base(url, tmp_path)
    app = mapped_by_hand(open_with_file(app_on, url, write(tmp_path, "erp.csv", FILE.replace("2026-01-01", "2026-03-04"))))
    next(b for b in app.button if b.label == "Check the file").click().run()
    assert app.success[0].value == "All 2 rows are valid: 2 row(s) will be added or updated."
    assert invoice_numbers(url) == ["INV-1", "INV-2"]
    next(b for b in app.button if b.label == "Import").click().run()
    assert not app.exception and not app.error
    assert invoice_numbers(url) == ["INV-1", "INV-2", "INV-7", "INV-8"]
    assert "written" in app.success[0].value and "Invoices: 2 new" in app.success[0].value
    assert "last import" in texts(app)  # the freshness line under the title names the import


def test_a_region_scoped_reader_may_not_import(app_on, demo_sqlite_url, monkeypatch) -> None:  # noqa: F811
    from dashboard import data

    monkeypatch.setattr(data, "current_scope", lambda: Scope.of_regions(1))
    app = app_on(demo_sqlite_url, script=PAGE)
    assert not app.exception
    assert app.error[0].value.startswith("Importing writes data of every region")
    assert not app.get("file_uploader")


def test_a_chinese_reader_sees_the_problem_and_its_fix_in_chinese(app_on, tmp_path: Path) -> None:  # noqa: F811
    from dashboard.i18n import in_language, t

    url = f"sqlite:///{tmp_path / 'data.sqlite'}"
    load_base(url, tmp_path)
    path = write(tmp_path, "erp.csv", "invoice_number,client,debtor,issue_date,due_date,amount\n"
                                      "INV-7,Acme Trading,Beta Ltd,2026-13-45,2026-03-03,100.00\n")  # fmt: skip
    app = app_on(url, script=PAGE, lang="zh")
    app.session_state["data_source"] = Upload(str(path), path.name)
    app.run()
    with in_language("zh"):  # the test process words the selectboxes' options again when the click reruns
        next(b for b in app.button if b.label == t("data.check")).click().run()
    assert not app.exception
    report = app.dataframe[-1].value
    assert (report.iloc[0]["row"], report.iloc[0]["column"]) == (2, "issue_date")
    assert report.iloc[0]["problem"] == "issue_date 不是格式为 %Y-%m-%d 的日期"
    assert report.iloc[0]["fix"] == "请更正日期，或在导入设置中指定文件的日期格式"
    assert invoice_numbers(url) == ["INV-1", "INV-2"]
