"""A user who blocked the bot: marked unreachable, and every secretariat chat told once a day."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.channel_notices import record_blocked
from storage.models import Identity, OutboxMessage
from tests.conftest import VN
from tests.people import register

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases


def test_blocked_user_is_reported_to_members_and_configured_admins(app):
    register(app, "4201", "so-yte", channel="telegram", name="Nguyễn Thị Lan")
    for _ in range(2):  # the same day twice: one notice per recipient
        queued = record_blocked(
            app.make_session,
            channel="telegram",
            chat_id="4201",
            clock=app.clock,
            zone=VN,
            notice=lambda who: f"Không gửi được cho {who}",
            admins=[("zalo", "admin1")],
        )
    assert queued == 0
    with app.make_session() as session:
        assert session.exec(select(Identity.reachable)).one() is False
        notice = session.exec(select(OutboxMessage)).one()
    assert (notice.channel, notice.chat_id) == ("zalo", "admin1")
    assert notice.text == "Không gửi được cho Nguyễn Thị Lan (Sở Y tế)"


def test_a_stranger_blocking_the_bot_tells_nobody(app):
    assert (
        record_blocked(
            app.make_session,
            channel="telegram",
            chat_id="77",
            clock=app.clock,
            zone=VN,
            notice=str,
            admins=[("zalo", "admin1")],
        )
        == 0
    )
