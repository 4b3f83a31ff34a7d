"""The one text catalogue (issue 15, item 3): every message exists in Vietnamese and English with
the same placeholders, English mode is complete, and no English shows in Vietnamese mode."""

from __future__ import annotations

import re

import pytest

from bot.cli import main
from storage import i18n

VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)
# English messages that quote Vietnamese on purpose: examples of what a user may type.
QUOTES_VIETNAMESE_INPUT = {
    "invalid.name.chars",  # "e.g. Nguyễn Thị Lan"
    "report.how.money",  # "250 triệu, 1,5 tỷ"
    "answer.money",
    "broadcast.ask_agencies",  # "e.g. so-yte, Sở Tài chính"
    "request.ask_agencies",
    "cli.help.reminders.request.agencies",
    # The Vietnamese column headers a plan or scope table must have.
    "problem.no_header_row",
    "problem.no_lead_column",
    "scope.table.columns",
    "scope.table.level",
}
# Words that gave English away in Vietnamese mode before the catalogue (issue 15's examples).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|focal|secretariat|submitted|on time|late|overdue|task_roles|please|"
    r"agency|agencies|report|reports)\b",
    re.IGNORECASE,
)
# Words that are the same in both languages, or commands and setting names a user types.
ALLOWED_IN_VIETNAMESE = re.compile(
    r"/[a-z_]+|BAOCAO_[A-Z_]+|https?://\S+|\{[a-z_]+\}|Telegram|Zalo|Excel|Word|PDF|XLSX|CSV|"
    r"DOCX|ZIP|Start|Quota exceeded|baocao [a-z ]+|'[^']*'|selected, not, and, or|"
    r"--role secretariat|--[a-z-]+"
)


def messages(language: str) -> dict[str, str]:
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else " ".join(m.string)
        )
        for m in i18n.read_catalog(language)
        if m.id
    }


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    vietnamese, english = messages("vi"), messages("en")
    assert set(vietnamese) == set(english)
    different = {
        key
        for key in vietnamese
        if i18n.placeholders(vietnamese[key]) != i18n.placeholders(english[key])
    }
    assert different == set()
    assert all(text.strip() for text in [*vietnamese.values(), *english.values()])


def test_english_messages_are_english():
    vietnamese_in_english = {
        key
        for key, text in messages("en").items()
        if VIETNAMESE_LETTERS.search(text) and key not in QUOTES_VIETNAMESE_INPUT
    }
    assert vietnamese_in_english == set()


def test_vietnamese_messages_show_no_english():
    english_in_vietnamese = {
        key: found.group(0)
        for key, text in messages("vi").items()
        if (found := ENGLISH_WORDS.search(ALLOWED_IN_VIETNAMESE.sub(" ", text)))
    }
    assert english_in_vietnamese == {}


def test_a_missing_message_is_an_error_not_its_id():
    with pytest.raises(KeyError):
        i18n.translate("no.such.message", "en")


def test_plural_forms_follow_the_language():
    assert i18n.translate_plural("count.agencies", 1, "en") == "1 agency"
    assert i18n.translate_plural("count.agencies", 3, "en") == "3 agencies"
    assert i18n.translate_plural("count.agencies", 1, "vi") == "1 cơ quan"
    assert i18n.translate_plural("count.agencies", 3, "vi") == "3 cơ quan"



@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("vi", "mã kỳ (ví dụ 2026", "period key"), ("en", "period key (e.g. 2026", "mã kỳ")],
)
def test_command_line_help_speaks_the_operators_language(
    monkeypatch, capsys, language, expected, absent
):
    monkeypatch.setenv("BAOCAO_LANGUAGE", language)
    with pytest.raises(SystemExit) as done:
        main(["export", "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert expected in shown and absent not in shown


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("vi", "baocao export: lỗi: cần một trong các tham số -o/--output", "error"),
        ("en", "baocao export: error: one of the arguments -o/--output", "lỗi"),
    ],
)
def test_argparse_own_words_speak_the_operators_language(
    monkeypatch, capsys, language, expected, absent
):
    monkeypatch.setenv("BAOCAO_LANGUAGE", language)
    with pytest.raises(SystemExit) as done:
        main(["export"])
    assert done.value.code == 2
    said = capsys.readouterr().err
    assert expected in said and absent not in said
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    shown = capsys.readouterr().out
    assert ("cách dùng:" in shown and "tùy chọn:" in shown) == (language == "vi")
