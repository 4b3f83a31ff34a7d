"""The status colours and their legend words, shared by the /summary chart (a PNG) and the
web console's board (CSS), so both read alike. No drawing library is loaded here.

Colours are the Okabe-Ito palette (distinct for the common colour-vision deficiencies) and
greys of clearly different lightness.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.exports import labels
from storage.reports import TaskStatus
from storage.summary import NOT_REPORTED, REPORTED, Standing

BLACK, WHITE = (0, 0, 0), (255, 255, 255)
NOT_IN_SCOPE_WORDS = {"vi": "Không thuộc phạm vi", "en": "Not in scope"}
ENGLISH = {
    NOT_REPORTED: "Not reported",
    REPORTED: "Reported",
    TaskStatus.not_started: "Not started",
    TaskStatus.in_progress: "In progress",
    TaskStatus.completed: "Completed",
    TaskStatus.not_applicable: "Not applicable",
    Standing.on_time: "Sent on time",
    Standing.late: "Sent late",
    Standing.returned: "Returned for more",
    Standing.overdue: "Overdue, not sent",
    Standing.not_due: "Not sent, not yet due",
}
# Okabe & Ito (2008), "Color Universal Design".
SKY_BLUE, BLUISH_GREEN, YELLOW = (86, 180, 233), (0, 158, 115), (240, 228, 66)
BLUE, ORANGE, VERMILLION, PURPLE = (0, 114, 178), (230, 159, 0), (213, 94, 0), (204, 121, 167)


@dataclass(frozen=True)
class Category:
    key: str
    colour: tuple[int, int, int]
    label: str


# Task cells first, then the submission column.
TASK_CATEGORIES = (
    Category(NOT_REPORTED, (221, 221, 221), labels.STATUS[NOT_REPORTED]),
    # Answered a task section without a status (a coordinating agency's short form).
    Category(REPORTED, SKY_BLUE, labels.STATUS[REPORTED]),
    Category(TaskStatus.not_started, PURPLE, labels.STATUS[TaskStatus.not_started]),
    Category(TaskStatus.in_progress, YELLOW, labels.STATUS[TaskStatus.in_progress]),
    Category(TaskStatus.completed, BLUISH_GREEN, labels.STATUS[TaskStatus.completed]),
    Category(TaskStatus.not_applicable, (96, 96, 96), labels.STATUS[TaskStatus.not_applicable]),
)
STANDING_CATEGORIES = (
    Category(Standing.on_time, BLUE, "Nộp đúng hạn"),
    Category(Standing.late, ORANGE, "Nộp trễ hạn"),
    Category(Standing.returned, BLACK, "Trả lại, chờ bổ sung"),
    Category(Standing.overdue, VERMILLION, "Quá hạn, chưa nộp"),
    Category(Standing.not_due, (240, 240, 240), "Chưa nộp, chưa đến hạn"),
)
COLOURS = {c.key: c.colour for c in (*TASK_CATEGORIES, *STANDING_CATEGORIES)}
NOT_EXPECTED = WHITE  # the agency has no role on the task
NOT_IN_SCOPE = "not_in_scope"


def categories(language: str) -> tuple[tuple[Category, ...], tuple[Category, ...]]:
    """The legend's task and submission entries in `language`, "not in scope" last among the
    task cells (drawn white with an outline, as in the matrix)."""

    def named(category: Category) -> Category:
        if language != "en":
            return category
        return Category(category.key, category.colour, ENGLISH[category.key])

    words = NOT_IN_SCOPE_WORDS.get(language, NOT_IN_SCOPE_WORDS["vi"])
    scope = Category(NOT_IN_SCOPE, NOT_EXPECTED, words)
    tasks = (*(named(c) for c in TASK_CATEGORIES), scope)
    return tasks, tuple(named(c) for c in STANDING_CATEGORIES)


def css_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
