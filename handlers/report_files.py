"""Files sent into a report: an attachment's bytes are kept by the intake (`bot.intake`) before
the handlers see it; here it becomes a document of the agency's report, or the person is told
why it was not kept. Nothing here says "đã lưu" about bytes that are not in the file store."""

from __future__ import annotations

from handlers.context import Context
from handlers.events import IncomingAttachment
from storage.files.content import clean_name
from storage.files.documents import Kept, keep
from storage.models import Document, DocumentPurpose


def attachment_name(ctx: Context, attachment: IncomingAttachment) -> str:
    return attachment.file_name or ctx.t("report.file")


def not_kept(ctx: Context, attachment: IncomingAttachment) -> str | None:
    """Why this attachment's bytes are not in the file store, or None when they are."""
    received = attachment.received
    name = attachment_name(ctx, attachment)
    if received is None:  # no intake ran (a channel that cannot fetch): never "saved"
        return ctx.t("file.not_kept", name=name)
    if received.kept is None:
        values = {"name": name, **dict(received.values)}
        return ctx.t(received.problem or "file.not_kept", **values)
    return None


def record(
    ctx: Context,
    attachment: IncomingAttachment,
    kept: Kept,
    *,
    purpose: DocumentPurpose,
    agency_id: int,
    period_id: int,
) -> Document:
    """The document row of a kept file, named as sent (cleaned, with the extension of what
    the file really is)."""
    return keep(
        ctx.session,
        kept=kept,
        file_name=clean_name(attachment_name(ctx, attachment), kept.info),
        purpose=purpose,
        channel=ctx.event.channel,
        person_id=ctx.actor.person_id,
        agency_id=agency_id,
        period_id=period_id,
        clock=ctx.clock,
    )
