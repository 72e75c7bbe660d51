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


# --- Simplified Chinese (issue 13) ---------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_english_string_has_a_chinese_translation() -> None:
    assert [key for key in STRINGS["en"] if not STRINGS["zh"].get(key, "").strip()] == []


def test_chinese_has_no_string_english_lacks() -> None:
    assert [key for key in STRINGS["zh"] if key not in STRINGS["en"]] == []


@pytest.mark.parametrize("key", sorted(STRINGS["en"]))
def test_a_translation_has_the_placeholders_of_the_english_text(key: str) -> None:
    assert placeholders(STRINGS["zh"][key]) == placeholders(STRINGS["en"][key])


def test_the_placeholder_check_sees_a_renamed_or_missing_placeholder() -> None:
    assert placeholders("{n} 张发票，{amount}") == ["amount", "n"]
    assert placeholders("{n} invoices, {amount}") != placeholders("{count} 张发票，{amount}")
    assert placeholders("{n} invoices") != placeholders("张发票")


def test_chinese_text_is_chinese() -> None:
    """A translation left in English is no translation: every Chinese text has a CJK character, except
    strings that are the same in both languages (units, abbreviations, names and a few symbols)."""
    def wordless(text: str) -> bool:  # "{bucket} · {selection}", "ROC AUC", "CSV", "Excel", "d"
        bare = PLACEHOLDER.sub("", text)
        return len(bare.strip()) <= 5 or not re.search(r"[a-z]{2,}", bare)

    same = {key for key, text in STRINGS["en"].items() if wordless(text)}
    untranslated = [key for key, text in STRINGS["zh"].items()
                    if key not in same and not re.search(r"[\u4e00-\u9fff]", text)]  # fmt: skip
    assert untranslated == []


def test_strings_are_in_the_chosen_language() -> None:
    from dashboard.i18n import in_language

    with in_language("zh"):
        assert t("aging.top_n", n=15, total=40) == "图中显示最大的 15 项（共 40 项）；表格列出全部。"
    assert t("nav.bad_debt", language="zh") == "坏账与拨备"


# A user-visible string literal handed to Streamlit: st.title("Aging"), a button label, a help text.
SHOWN = {"title", "header", "subheader", "caption", "markdown", "write", "info", "warning", "error", "success",
         "button", "metric", "text", "toast", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider",
         "select_slider", "text_input", "text_area", "number_input", "date_input", "download_button",
         "segmented_control", "pills", "expander", "tabs", "form_submit_button", "page_link", "spinner", "status",
         "popover"}  # fmt: skip
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption"}
WORDS = re.compile(r"[A-Za-z]{2,}")


def hard_coded(source: str) -> list[str]:
    """Calls of SHOWN methods whose first argument (or label, help, placeholder) is text written in the code."""
    import ast

    def words(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return WORDS.findall(node.value)
        if isinstance(node, ast.JoinedStr):
            return [w for part in node.values if isinstance(part, ast.Constant) for w in WORDS.findall(part.value)]
        if isinstance(node, ast.List | ast.Tuple):
            return [w for element in node.elts for w in words(element)]
        return []

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN:
            if isinstance(node.func.value, ast.Name) and node.func.value.id in ("parser", "_LOG"):
                continue  # argparse's parser.error and the server log: the operator's English (docs/i18n.md)
            for argument in [*node.args[:1], *(k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS)]:
                if words(argument):
                    found.append(f"line {node.lineno}: {ast.unparse(argument)[:60]}")
    return found


def test_the_hard_coded_text_check_finds_literals_and_lets_keys_pass() -> None:
    assert hard_coded('st.title("Aging")\nst.sidebar.button(f"Clear {n}")\nbox.caption(t("x"), help="Why")') == [
        "line 1: 'Aging'", "line 2: f'Clear {n}'", "line 3: 'Why'"]  # fmt: skip
    assert hard_coded('st.markdown(f"**{t(\'aging.title\')}**")\nst.form("checkpoint")\nst.error(localized(e))') == []


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_no_user_visible_text_is_hard_coded(path: Path) -> None:
    assert hard_coded(path.read_text(encoding="utf-8")) == []


def test_a_message_from_data_access_is_said_in_the_readers_language() -> None:
    from dashboard.i18n import localized
    from data_access.db.writes import WriteRefused
    from data_access.messages import Message

    refusal = WriteRefused(Message("error.no_batch", "There is no batch {batch}; pick one from the list of applied "
                                   "batches.", batch="'RB-1'"))  # fmt: skip
    assert str(refusal) == localized(refusal, "en") == "There is no batch 'RB-1'; pick one from the list of applied batches."
    assert localized(refusal, "zh") == "不存在批次 'RB-1'；请从已执行批次列表中选择。"
    problems = [Message("error.max_moves", "maximum moves is {value}; give 0 or more", value=-1),
                Message("error.min_days", "minimum days with the owner is {value}; give 0 or more", value=-2)]
    combined = ValueError(Message("error.cannot_suggest", "Cannot suggest moves: {problems}.", problems=problems))
    assert str(combined) == "Cannot suggest moves: maximum moves is -1; give 0 or more; minimum days with the owner is -2; give 0 or more."
    assert localized(combined, "zh") == "无法生成移交建议：最多移交数为 -1；请填写 0 或以上；最短持有天数为 -2；请填写 0 或以上。"
    assert localized(ValueError("a plain error"), "zh") == "a plain error"


def test_a_message_keeps_its_key_through_pickling() -> None:
    """st.cache_data pickles the database problem it caches."""
    import pickle

    from data_access.messages import Message

    said = pickle.loads(pickle.dumps(Message("error.db_no_schema", "{where} has no rdash schema; run `rdash migrate` "
                                             "(or `rdash demo` for a demo portfolio).", where="sqlite://")))  # fmt: skip
    assert (said.key, said.values, str(said)) == (
        "error.db_no_schema", {"where": "sqlite://"},
        "sqlite:// has no rdash schema; run `rdash migrate` (or `rdash demo` for a demo portfolio).")  # fmt: skip


def test_every_message_data_access_can_raise_has_text_in_both_languages() -> None:
    """Each Message key written in data_access/ exists in en.toml, with the placeholders the code fills."""
    import ast

    for path in (ROOT / "data_access").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message":
                if not isinstance(node.args[0], ast.Constant):  # the stale-cases texts, built from parts: their
                    continue  # keys are checked below and their English by tests/test_assignments_service.py
                key, english = node.args[0].value, ast.literal_eval(node.args[1])
                assert key in STRINGS["en"], f"{path.name}: {key}"
                assert STRINGS["en"][key] == english, key
                filled = sorted({k.arg for k in node.keywords})
                assert set(placeholders(STRINGS["en"][key])) <= set(filled), key
    assert {"error.stale_apply", "error.stale_undo"} <= set(STRINGS["en"])


def tables_without_placeholder(source: str) -> list[str]:
    """``dataframe`` and ``data_editor`` calls that leave a missing value to Streamlit, which writes "None"."""
    import ast

    return [f"line {node.lineno}" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("dataframe", "data_editor")
            and "placeholder" not in {k.arg for k in node.keywords}]  # fmt: skip


def test_the_missing_value_check_finds_a_table_without_placeholder() -> None:
    assert tables_without_placeholder('st.dataframe(x)\nst.data_editor(y, placeholder="—")\nleft.dataframe(z)') == [
        "line 1", "line 3"]  # fmt: skip


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_every_table_shows_a_missing_value_as_a_dash_not_the_english_word_none(path: Path) -> None:
    assert tables_without_placeholder(path.read_text(encoding="utf-8")) == []
