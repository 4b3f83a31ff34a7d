"""Report answers as readable text blocks (review before submitting, /view), and splitting
long text into messages a phone shows comfortably."""

from __future__ import annotations

from typing import Any

from handlers.context import Context
from storage.reports import GENERAL, Part, TaskStatus

MESSAGE_BUDGET = 3500  # below Telegram's 4096 and split again by the Zalo adapter


def role_label(ctx: Context, role: str) -> str:
    return ctx.t(f"report.role.{role}") if role else ""


def status_label(ctx: Context, status: str) -> str:
    return ctx.t(f"report.status.{status}") if status in TaskStatus.all else ""


def part_block(ctx: Context, part: Part, answer: dict[str, Any]) -> str:
    if part.key == GENERAL:
        lines = [ctx.t("report.review.general")]
    else:
        status = answer.get("status", "")
        percent = answer.get("percent")
        shown = (
            f", {percent}%" if percent is not None and status != TaskStatus.not_applicable else ""
        )
        lines = [
            ctx.t(
                "report.review.task",
                number=part.number,
                role=role_label(ctx, part.role),
                status=status_label(ctx, status) or ctx.t("report.review.missing"),
                percent=shown,
            )
        ]
    for field in ("na_reason", "results", "difficulties", "proposals"):
        if answer.get(field):
            lines.append(ctx.t(f"report.review.{field}", value=answer[field]))
    files = [a.get("file_name") or a.get("file_ref", "") for a in answer.get("attachments", [])]
    if files:
        lines.append(ctx.t("report.review.attachments", value=", ".join(files)))
    return "\n".join(lines)


def report_blocks(ctx: Context, parts: list[Part], answers: dict[str, Any]) -> list[str]:
    return [part_block(ctx, part, answers.get(part.key, {})) for part in parts]


def chunk(blocks: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Join blocks into as few messages as fit the budget; a huge block gets its own."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= budget or not current:
            current = candidate
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages
