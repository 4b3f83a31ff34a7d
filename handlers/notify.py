"""Telling the secretariat (or a person) something later, through the outbox."""

from __future__ import annotations

from handlers.context import Context
from storage.members import person_identities
from storage.outbox import enqueue
from storage.reminders import secretariat_recipients


def notify_secretariat(ctx: Context, *, key: str, kind: str, text: str) -> int:
    """Queue `text` for every secretariat member and bootstrap admin, once per `key`; the
    sender is not told about what they did themselves."""
    me = (ctx.event.channel, ctx.event.chat_id)
    queued = 0
    for recipient in secretariat_recipients(ctx.session, admins=sorted(ctx.config.admins)):
        if (recipient.channel, recipient.chat_id) == me:
            continue
        row = enqueue(
            ctx.session,
            dedupe_key=f"{key}:{recipient.channel}:{recipient.chat_id}",
            channel=recipient.channel,
            chat_id=recipient.chat_id,
            kind=kind,
            text=text,
            clock=ctx.clock,
            person_id=recipient.person_id,
        )
        queued += row is not None
    return queued


def notify_person(ctx: Context, *, person_id: int, key: str, kind: str, text: str) -> int:
    queued = 0
    for identity in person_identities(ctx.session, person_id=person_id):
        if not identity.reachable:
            continue
        row = enqueue(
            ctx.session,
            dedupe_key=f"{key}:{identity.channel}:{identity.chat_id}",
            channel=identity.channel,
            chat_id=identity.chat_id,
            kind=kind,
            text=text,
            clock=ctx.clock,
            person_id=person_id,
        )
        queued += row is not None
    return queued
