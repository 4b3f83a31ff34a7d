"""Stored conversation state, one row per (channel, chat), so a restart resumes a flow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from storage.clock import Clock
from storage.models import ConversationState

# Built once: this runs on every update, and building the expression costs more than the
# (cached) SQL it compiles to (bench/telegram_throughput.py).
_STATE_OF_CHAT = select(ConversationState).where(
    ConversationState.channel == bindparam("channel"),
    ConversationState.chat_id == bindparam("chat_id"),
)


def get_state(session: Session, *, channel: str, chat_id: str) -> ConversationState | None:
    return session.exec(_STATE_OF_CHAT, params={"channel": channel, "chat_id": chat_id}).first()


def save_state(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    flow: str,
    step: str,
    data: dict[str, Any],
    clock: Clock,
) -> ConversationState:
    state = get_state(session, channel=channel, chat_id=chat_id)
    if state is None:
        state = ConversationState(channel=channel, chat_id=chat_id, flow=flow, step=step)
        session.add(state)
    state.flow, state.step = flow, step
    state.data = dict(data)  # a new object, so SQLAlchemy sees the JSON change
    state.updated_at = clock.now()
    session.flush()
    return state


def clear_state(session: Session, *, channel: str, chat_id: str) -> bool:
    state = get_state(session, channel=channel, chat_id=chat_id)
    if state is None:
        return False
    session.delete(state)
    session.flush()
    return True
