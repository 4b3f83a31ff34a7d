"""Telling the secretariat (or a person) something later, through the outbox."""

from __future__ import annotations

from handlers.context import Context
from storage.members import person_identities
from storage.outbox import enqueue
from storage.people import secretariat_identities


def secretariat_chats(ctx: Context) -> list[tuple[str, str, int | None]]:
    """(channel, chat_id, person_id) of every secretariat member and bootstrap admin."""
    chats: dict[tuple[str, str], int | None] = {}
    for channel, user_id in sorted(ctx.config.admins):
        chats[(channel, user_id)] = None  # private chats: the chat id is the user id
    for identity in secretariat_identities(ctx.session):
        if identity.reachable:
            chats[(identity.channel, identity.chat_id)] = identity.person_id
    return [(channel, chat, person) for (channel, chat), person in chats.items()]


def notify_secretariat(ctx: Context, *, key: str, kind: str, text: str) -> int:
    """Queue `text` for the secretariat, once per `key`; the sender is not told about itself."""
    me = (ctx.event.channel, ctx.event.chat_id)
    queued = 0
    for channel, chat_id, person_id in secretariat_chats(ctx):
        if (channel, chat_id) == me:
            continue
        row = enqueue(
            ctx.session,
            dedupe_key=f"{key}:{channel}:{chat_id}",
            channel=channel,
            chat_id=chat_id,
            kind=kind,
            text=text,
            clock=ctx.clock,
            person_id=person_id,
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
