"""The period board: agencies x tasks, coloured like the /summary chart (the same palette,
`storage.exports.palette`), the totals on top, filters by standing and role. An open board asks
`/web/board/changes` every few seconds with the stamp it was drawn at: an unchanged period is a
bare 204 (htmx leaves the page alone), a changed one returns the board drawn anew."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from tornado.web import HTTPError

from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from bot.webconsole.periods import all_periods, chosen_period
from storage.console_reads import period_stamp
from storage.exports.palette import (
    COLOURS,
    NOT_EXPECTED,
    NOT_IN_SCOPE,
    categories,
    css_colour,
)
from storage.models import ReportingPeriod
from storage.reports import TaskStatus
from storage.summary import (
    NOT_REPORTED,
    REPORTED,
    AgencyFacts,
    PeriodSummary,
    Standing,
    load_period,
    summarize,
)

FILTERS = {
    "all": None,
    "submitted": {Standing.on_time, Standing.late},
    "late": {Standing.late},
    "overdue": {Standing.overdue},
    "returned": {Standing.returned},
    "not_due": {Standing.not_due},
}
ROLES = ("all", "lead", "coordinating")
# Short CSS classes keep a 100 x 50 board light: one per cell.
CELL_CLASS = {
    NOT_REPORTED: "nr",
    REPORTED: "rp",
    TaskStatus.not_started: "ns",
    TaskStatus.in_progress: "ip",
    TaskStatus.completed: "cp",
    TaskStatus.not_applicable: "na",
    NOT_IN_SCOPE: "no",
}
STANDING_CLASS = {
    Standing.on_time: "ot",
    Standing.late: "lt",
    Standing.returned: "rt",
    Standing.overdue: "od",
    Standing.not_due: "nd",
}


@dataclass(frozen=True)
class Column:
    number: int
    title: str
    reported: int
    expected: int


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    standing: str  # CSS class
    standing_label: str
    cells: list[str]  # CSS classes, one per column


@dataclass(frozen=True)
class Legend:
    css: str
    label: str


@dataclass
class Board:
    period: ReportingPeriod
    periods: list[ReportingPeriod]
    counts: dict[str, int]
    when: str
    columns: list[Column]
    rows: list[Row]
    legend_tasks: list[Legend]
    legend_standings: list[Legend]
    show: str
    role: str
    stamp: str
    updated: str


def build_board(ctx: WebContext, *, key: str | None, show: str, role: str) -> Board | None:
    period = chosen_period(ctx, key)
    if period is None:
        return None
    assert period.id is not None
    stamp = period_stamp(ctx.session, period_id=period.id)
    figures = summarize(load_period(ctx.session, period=period, today=ctx.today()))
    language = ctx.config.language
    task_legend, standing_legend = categories(language)
    standing_labels = {c.key: c.label for c in standing_legend}
    wanted = FILTERS.get(show)
    rows = [
        _row(figures, agency, role, standing_labels)
        for agency in figures.facts.agencies.values()
        if (wanted is None or agency.standing in wanted)
        and (role == "all" or _has_role(figures, agency.id, role))
    ]
    return Board(
        period=period,
        periods=all_periods(ctx),
        counts=_counts(figures),
        when=_when(ctx, period.due_on),
        columns=[
            Column(
                line.task.number,
                line.task.title,
                _by_role(line.lead.reported, line.coordinating.reported, role),
                _by_role(line.lead.expected, line.coordinating.expected, role),
            )
            for line in figures.tasks
        ],
        rows=rows,
        legend_tasks=[Legend(CELL_CLASS.get(c.key, "no"), c.label) for c in task_legend],
        legend_standings=[
            Legend(STANDING_CLASS[Standing(c.key)], c.label) for c in standing_legend
        ],
        show=show,
        role=role,
        stamp=stamp,
        updated=ctx.local_time(ctx.clock.now()),
    )


def _by_role(lead: int, coordinating: int, role: str) -> int:
    if role == "lead":
        return lead
    if role == "coordinating":
        return coordinating
    return lead + coordinating


def _has_role(figures: PeriodSummary, agency_id: int, role: str) -> bool:
    return any(task.roles.get(agency_id) == role for task in figures.facts.tasks)


def _row(
    figures: PeriodSummary, agency: AgencyFacts, role: str, standing_labels: dict[str, str]
) -> Row:
    cells = []
    for task in figures.facts.tasks:
        if role != "all" and task.roles.get(agency.id) != role:
            cells.append("")
            continue
        status = figures.cell(agency.id, task)
        cells.append(CELL_CLASS.get(status, "") if status else "")
    return Row(
        agency.code,
        agency.name,
        STANDING_CLASS[agency.standing],
        standing_labels[agency.standing],
        cells,
    )


def _counts(figures: PeriodSummary) -> dict[str, int]:
    counts = figures.counts
    return {
        "total": figures.total,
        "submitted": figures.submitted,
        **{STANDING_CLASS[standing]: counts[standing] for standing in Standing},
    }


def _when(ctx: WebContext, due: date) -> str:
    days = (due - ctx.today()).days
    if days > 0:
        return ctx.w("board.when.left", days=days)
    if days == 0:
        return ctx.w("board.when.today")
    return ctx.w("board.when.over", days=-days)


def palette_css() -> str:
    """The board's colours, from the chart's palette: one rule per CSS class."""
    colours = {css: COLOURS[key] for key, css in CELL_CLASS.items() if key in COLOURS}
    colours |= {css: COLOURS[key] for key, css in STANDING_CLASS.items()}
    colours["no"] = NOT_EXPECTED
    rules = [f".{css}{{background:{css_colour(rgb)}}}" for css, rgb in colours.items()]
    return "\n".join(rules) + "\n"


def _query(handler: ConsoleHandler) -> tuple[str | None, str, str]:
    key = handler.get_query_argument("period", None) or None
    show = handler.get_query_argument("show", "all")
    role = handler.get_query_argument("role", "all")
    return key, show if show in FILTERS else "all", role if role in ROLES else "all"


class BoardHandler(ConsoleHandler):
    async def get(self) -> None:
        key, show, role = _query(self)

        def job(ctx: WebContext) -> tuple[Board | None, str]:
            return build_board(ctx, key=key, show=show, role=role), signed_in_name(ctx)

        board, name = await self.work(job)
        if board is None:
            text = self.console.t("board.no_period")
            title = self.console.t("nav.board")
            await self.page("message.html", title=title, text=text, signed_in=name, links=[])
            return
        poll = self.console.options.poll_seconds
        await self.page("board.html", board=board, signed_in=name, poll=poll)


class ChangesHandler(ConsoleHandler):
    """`GET /web/board/changes?period=KEY&since=STAMP`: 204 when nothing changed."""

    async def get(self) -> None:
        key, show, role = _query(self)
        since = self.get_query_argument("since", "")

        def job(ctx: WebContext) -> Board | str | None:
            period = chosen_period(ctx, key)
            if period is None or period.id is None:
                raise HTTPError(404)
            if period_stamp(ctx.session, period_id=period.id) == since:
                return "unchanged"
            return build_board(ctx, key=period.key, show=show, role=role)

        board = await self.work(job)
        if board == "unchanged" or board is None:
            self.set_status(204)
            self.finish()
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        poll = self.console.options.poll_seconds
        html = await asyncio.to_thread(
            self.render_page, "board_grid.html", self.xsrf_form_html(), board=board, poll=poll
        )
        self.finish(html)


class PaletteHandler(ConsoleHandler):
    """`/web/palette.css`: the chart's colours for the board (no sign-in needed: colours)."""

    CSS = ""

    def get(self) -> None:
        if not PaletteHandler.CSS:
            PaletteHandler.CSS = palette_css()
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "max-age=3600")
        self.finish(PaletteHandler.CSS)
