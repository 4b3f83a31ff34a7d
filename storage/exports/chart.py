"""The /summary chart: an agency x task matrix, each cell coloured by the status the agency
reported on the task ("reported" when its section asks no status), white where the task is
not in the agency's scope, after a first column for where its submission stands.

Drawn with Pillow in DejaVu Sans (both come with matplotlib; the font has every Vietnamese
glyph). matplotlib's own Agg renderer took 1.6-4.5 s for a 100 x 50 matrix on the 2-core
server, most of it laying out tick labels; placing the rectangles and labels directly takes
about a tenth of that, which keeps /summary under half a second.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

from storage.exports import labels
from storage.reports import TaskStatus
from storage.summary import NOT_REPORTED, REPORTED, PeriodSummary, Standing, TaskFacts

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
LABEL_CHARS = 34  # agency names are cut to this
WIDTH = 1080  # the matrix shrinks its cells to fit this width, down to a minimum
MIN_WIDTH = 640
MARGIN = 16
BLACK, GREY, WHITE = (0, 0, 0), (90, 90, 90), (255, 255, 255)
SUBMISSION_HEADER = "Nộp"
TASKS_CAPTION = "Nhiệm vụ (số thứ tự theo Phụ lục Kế hoạch)"


@dataclass(frozen=True)
class Category:
    key: str
    colour: tuple[int, int, int]
    label: str


# Task cells first, then the submission column.
TASK_CATEGORIES = (
    Category(NOT_REPORTED, (208, 208, 208), labels.STATUS[NOT_REPORTED]),
    # Answered a task section without a status (a coordinating agency's short form).
    Category(REPORTED, (169, 209, 142), labels.STATUS[REPORTED]),
    Category(TaskStatus.not_started, (244, 177, 131), labels.STATUS[TaskStatus.not_started]),
    Category(TaskStatus.in_progress, (255, 217, 102), labels.STATUS[TaskStatus.in_progress]),
    Category(TaskStatus.completed, (112, 173, 71), labels.STATUS[TaskStatus.completed]),
    Category(TaskStatus.not_applicable, (157, 195, 230), labels.STATUS[TaskStatus.not_applicable]),
)
STANDING_CATEGORIES = (
    Category(Standing.on_time, (56, 118, 29), "Nộp đúng hạn"),
    Category(Standing.late, (237, 125, 49), "Nộp trễ hạn"),
    Category(Standing.returned, (142, 124, 195), "Trả lại, chờ bổ sung"),
    Category(Standing.overdue, (192, 0, 0), "Quá hạn, chưa nộp"),
    Category(Standing.not_due, (237, 237, 237), "Chưa nộp, chưa đến hạn"),
)
COLOURS = {c.key: c.colour for c in (*TASK_CATEGORIES, *STANDING_CATEGORIES)}
NOT_EXPECTED = WHITE  # the agency has no role on the task


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    # The basic layout: Vietnamese in NFC needs no shaping, and it is several times faster.
    return ImageFont.truetype(
        str(BOLD if bold else REGULAR), size, layout_engine=ImageFont.Layout.BASIC
    )


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def drawn_texts(summary: PeriodSummary, subtitle: str = "") -> list[str]:
    """Every text the chart draws (tests check the font has all their glyphs)."""
    facts = summary.facts
    return [
        shorten(facts.period.title, 80),
        subtitle,
        TASKS_CAPTION,
        SUBMISSION_HEADER,
        *(str(line.task.number) for line in summary.tasks),
        *(shorten(a.name) for a in facts.agencies.values()),
        *(c.label for c in (*TASK_CATEGORIES, *STANDING_CATEGORIES)),
    ]


def status_chart(summary: PeriodSummary, *, subtitle: str = "") -> bytes:
    """The chart as PNG bytes."""
    facts = summary.facts
    agencies = list(facts.agencies.values())
    names = [shorten(a.name) for a in agencies]
    tasks = [line.task for line in summary.tasks]
    label_font, small, title_font = font(16), font(14), font(20, bold=True)
    left = MARGIN + int(max((label_font.getlength(n) for n in names), default=0)) + 10
    first = int(small.getlength(SUBMISSION_HEADER)) + 12  # the submission column
    cell = max(18, min(40, (WIDTH - left - first - 10 - MARGIN) // max(len(tasks), 1)))
    title = shorten(facts.period.title, 80)
    width = max(
        MIN_WIDTH,
        left + first + 10 + cell * len(tasks) + MARGIN,
        int(title_font.getlength(title)) + 2 * MARGIN,
        int(small.getlength(subtitle)) + 2 * MARGIN,
    )
    top = 128
    legend_top = top + cell * max(len(agencies), 1) + 24
    legend_rows, legend_height = _legend_layout(width, small)
    height = legend_top + legend_height + MARGIN

    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, font=title_font, fill=BLACK)
    if subtitle:
        draw.text((MARGIN, MARGIN + 30), subtitle, font=small, fill=GREY)
    tasks_left = left + first + 10
    draw.text((tasks_left, top - 48), TASKS_CAPTION, font=small, fill=GREY)
    draw.text((left + first / 2, top - 6), SUBMISSION_HEADER, font=small, fill=BLACK, anchor="mb")
    step = _label_step(tasks, cell, small)
    for column, task in enumerate(tasks):
        if column % step == 0:
            x = tasks_left + column * cell + cell / 2
            draw.text((x, top - 6), str(task.number), font=small, fill=BLACK, anchor="mb")
    for row, agency in enumerate(agencies):
        y = top + row * cell
        draw.text((left - 8, y + cell / 2), names[row], font=label_font, fill=BLACK, anchor="rm")
        draw.rectangle((left, y, left + first - 2, y + cell - 2), fill=COLOURS[agency.standing])
        for column, task in enumerate(tasks):
            status = summary.cell(agency.id, task)
            colour = COLOURS.get(status, NOT_EXPECTED) if status else NOT_EXPECTED
            x = tasks_left + column * cell
            outline = (225, 225, 225) if colour == NOT_EXPECTED else None
            draw.rectangle((x, y, x + cell - 2, y + cell - 2), fill=colour, outline=outline)
    _draw_legend(draw, legend_rows, legend_top, small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # flat colours: small at any level
    return buffer.getvalue()


def _label_step(tasks: list[TaskFacts], cell: int, small: ImageFont.FreeTypeFont) -> int:
    """Number every column when the numbers fit, else every 2nd, 5th or 10th."""
    widest = max((small.getlength(str(t.number)) for t in tasks), default=0)
    return next((step for step in (1, 2, 5) if widest + 4 <= step * cell), 10)


Placed = list[list[tuple[int, Category]]]  # rows of (x, category)


def _legend_layout(width: int, small: ImageFont.FreeTypeFont) -> tuple[Placed, int]:
    """Legend items flowed into rows: task statuses first, then submission standings."""
    rows: Placed = []
    for group in (TASK_CATEGORIES, STANDING_CATEGORIES):
        rows.append([])
        x = MARGIN
        for category in group:
            size = 24 + int(small.getlength(category.label)) + 24
            if x + size > width - MARGIN and rows[-1]:
                rows.append([])
                x = MARGIN
            rows[-1].append((x, category))
            x += size
    return rows, 28 * len(rows)


def _draw_legend(
    draw: ImageDraw.ImageDraw, rows: Placed, top: int, small: ImageFont.FreeTypeFont
) -> None:
    for index, row in enumerate(rows):
        y = top + index * 28
        for x, category in row:
            draw.rectangle((x, y, x + 16, y + 16), fill=category.colour, outline=(128, 128, 128))
            draw.text((x + 24, y + 8), category.label, font=small, fill=BLACK, anchor="lm")
