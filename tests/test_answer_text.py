"""How answers read, in chats and in the exports alike (storage.answer_text): Vietnamese
groups thousands with "." and writes decimals with ","; English the other way round."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.report_render import value_text
from storage import answer_text
from storage.questionnaire import Question, Questionnaire, QuestionType, Section, SectionKind


@pytest.mark.parametrize(
    ("language", "decimal", "money", "short"),
    [
        ("vi", "1,5", "1.250.000.000 đồng", "1.250.000 đ"),
        ("en", "1.5", "1,250,000,000 VND", "1,250,000 VND"),
    ],
)
def test_numbers_and_money_follow_the_language(language, decimal, money, short):
    assert answer_text.number_text(1.5, language) == decimal
    assert answer_text.number_text(12.0, language) == "12"
    assert answer_text.money_text(1_250_000_000, language) == money
    assert answer_text.money_text(1_250_000, language, short=True) == short


def test_dates_read_day_first():
    assert answer_text.date_text("2026-11-30") == "30/11/2026"
    assert answer_text.date_text(date(2026, 11, 30)) == "30/11/2026"


class _Context:
    """What value_text reads of a handler's context: the language and the catalogue."""

    def __init__(self, language: str) -> None:
        self.config = type("Config", (), {"language": language})()

    def t(self, key: str, **values: object) -> str:
        from storage.i18n import translate

        return translate(key, self.config.language, **values)


@pytest.mark.parametrize(("language", "expected"), [("vi", "2,5 ha"), ("en", "2.5 ha")])
def test_a_decimal_answer_reads_the_same_in_the_chat_as_in_the_exports(language, expected):
    question = Question(
        id="area",
        type=QuestionType.decimal,
        label={"vi": "Diện tích"},
        unit={"vi": "ha", "en": "ha"},
    )
    form = Questionnaire(
        title={"vi": "Báo cáo"},
        sections=[Section(id="s", kind=SectionKind.agency, questions=[question])],
    )
    assert value_text(_Context(language), form, question, 2.5) == expected
