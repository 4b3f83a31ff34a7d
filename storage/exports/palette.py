"""The status colours and their legend words, shared by the /summary chart (a PNG) and the
web console's board (CSS), so both read alike. No drawing library is loaded here.

Colours are the Okabe-Ito palette (distinct for the common colour-vision deficiencies) and
greys of clearly different lightness; the labels come from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.i18n import translate
from storage.reports import TaskStatus
from storage.summary import NOT_REPORTED, REPORTED, Standing

BLACK, WHITE = (0, 0, 0), (255, 255, 255)
# Okabe & Ito (2008), "Color Universal Design".
SKY_BLUE, BLUISH_GREEN, YELLOW = (86, 180, 233), (0, 158, 115), (240, 228, 66)
BLUE, ORANGE, VERMILLION, PURPLE = (0, 114, 178), (230, 159, 0), (213, 94, 0), (204, 121, 167)


@dataclass(frozen=True)
class Category:
    key: str
    colour: tuple[int, int, int]
    label: str


# Task cells first, then the submission column; the labels come from the catalogue.
TASK_CATEGORIES = (
    Category(NOT_REPORTED, (221, 221, 221), "status.not_reported"),
    # Answered a task section without a status (a coordinating agency's short form).
    Category(REPORTED, SKY_BLUE, "status.reported"),
    Category(TaskStatus.not_started, PURPLE, "status.not_started"),
    Category(TaskStatus.in_progress, YELLOW, "status.in_progress"),
    Category(TaskStatus.completed, BLUISH_GREEN, "status.completed"),
    Category(TaskStatus.not_applicable, (96, 96, 96), "status.not_applicable"),
)
STANDING_CATEGORIES = tuple(
    Category(standing, colour, f"chart.standing.{standing}")
    for standing, colour in (
        (Standing.on_time, BLUE),
        (Standing.late, ORANGE),
        (Standing.returned, BLACK),
        (Standing.overdue, VERMILLION),
        (Standing.not_due, (240, 240, 240)),
    )
)
COLOURS = {c.key: c.colour for c in (*TASK_CATEGORIES, *STANDING_CATEGORIES)}
NOT_EXPECTED = WHITE  # the agency has no role on the task
NOT_IN_SCOPE = "not_in_scope"


def categories(language: str) -> tuple[tuple[Category, ...], tuple[Category, ...]]:
    """The legend's task and submission entries in `language`, "not in scope" last among the
    task cells (drawn white with an outline, as in the matrix)."""

    def named(category: Category) -> Category:
        return Category(category.key, category.colour, translate(category.label, language))

    scope = Category(NOT_IN_SCOPE, NOT_EXPECTED, translate("chart.not_in_scope", language))
    tasks = (*(named(c) for c in TASK_CATEGORIES), scope)
    return tasks, tuple(named(c) for c in STANDING_CATEGORIES)


def css_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
