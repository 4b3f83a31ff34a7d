"""`/link`: a person registered on Telegram adds their Zalo account (and the other way round)
and stays one focal point, with one-time, hashed, expiring codes (issue 8)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from storage.invites import hash_code
from storage.links import hash_link_code
from storage.models import AuditLog, Identity, Invite, Membership, OutboxMessage, Person
from tests.people import register, say

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases

LINK_CODE = re.compile(r"/link ([A-Z2-7]{26})\b")


@pytest.fixture
def app(make_app):
    """Lan is the focal point of Sở Y tế on Telegram (user 501)."""
    app = make_app()
    register(app, "501", "so-yte", name="Nguyễn Thị Lan", channel="telegram")
    return app


def link_code(app, user: str = "501", channel: str = "telegram") -> str:
    answer = say(app, user, "/link", channel=channel)
    match = LINK_CODE.search(answer)
    assert match, answer
    return match.group(1)


def identities(app) -> list[tuple[str, str, int]]:
    with app.make_session() as session:
        rows = session.exec(select(Identity).order_by(Identity.id)).all()
        return [(i.channel, i.external_id, i.person_id) for i in rows]


def test_a_telegram_focal_point_links_zalo_and_is_one_focal_point_on_both(app, clock):
    answer = say(app, "501", "/link", channel="telegram")
    assert "Mã liên kết của bạn" in answer and "hết hạn lúc 10:00 02/11/2026" in answer
    code = LINK_CODE.search(answer).group(1)  # type: ignore[union-attr]

    done = say(app, "z-lan", f"/link {code}", channel="zalo")
    assert "Đã liên kết tài khoản Zalo này với Nguyễn Thị Lan" in done
    assert "Vai trò: đầu mối của Sở Y tế" in done

    (tg_channel, _, person), (zalo_channel, zalo_id, same_person) = identities(app)
    assert (tg_channel, zalo_channel, zalo_id) == ("telegram", "zalo", "z-lan")
    assert person == same_person
    with app.make_session() as session:
        assert len(session.exec(select(Person)).all()) == 1
        assert len(session.exec(select(Membership)).all()) == 1
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "notice")).one()
        assert (notice.channel, notice.chat_id) == ("telegram", "501")
        assert "Một tài khoản Zalo vừa được liên kết với bạn" in notice.text

    # On Zalo she is the same focal point: her details, and the report command.
    who = say(app, "z-lan", "/whoami", channel="zalo")
    assert "Nguyễn Thị Lan" in who and "telegram, zalo" in who
    assert "/report" in say(app, "z-lan", "/help", channel="zalo")


def test_a_code_works_once(app):
    code = link_code(app)
    say(app, "z-lan", f"/link {code}", channel="zalo")
    assert "đã được dùng" in say(app, "z-other", f"/link {code}", channel="zalo")
    assert [c for c, _, _ in identities(app)] == ["telegram", "zalo"]


def test_a_code_expires_after_an_hour(app, clock):
    code = link_code(app)
    clock.advance(timedelta(hours=1, seconds=1))
    assert "đã hết hạn" in say(app, "z-lan", f"/link {code}", channel="zalo")
    assert len(identities(app)) == 1


def test_a_new_code_replaces_the_earlier_one(app):
    first = link_code(app)
    second = link_code(app)
    assert "đã hết hạn" in say(app, "z-lan", f"/link {first}", channel="zalo")
    assert "Đã liên kết" in say(app, "z-lan", f"/link {second}", channel="zalo")


def test_wrong_codes_and_accounts_that_cannot_link(app):
    assert "không đúng" in say(app, "z-lan", "/link AAAAAAAAAAAAAAAAAAAAAAAAAA", channel="zalo")
    assert "không đúng" in say(app, "z-lan", "/link ../x", channel="zalo")
    # A stranger asking for a code is told how linking and registering work.
    stranger = say(app, "z-lan", "/link", channel="zalo")
    assert "chưa được đăng ký" in stranger and "/start" in stranger
    # An account already registered does not use a code up.
    code = link_code(app)
    assert "đã được đăng ký (là Nguyễn Thị Lan)" in say(
        app, "501", f"/link {code}", channel="telegram"
    )
    assert "Đã liên kết" in say(app, "z-lan", f"/link {code}", channel="zalo")
    with app.make_session() as session:
        refused = session.exec(
            select(AuditLog).where(AuditLog.action == "link:use", AuditLog.outcome == "refused")
        ).all()
        assert len(refused) == 3


def test_codes_are_stored_hashed_and_are_not_invite_codes(app):
    code = link_code(app)
    with app.make_session() as session:
        row = session.exec(select(Invite).where(Invite.role == "link")).one()
        assert row.code_hash == hash_link_code(code) and row.code_hash != hash_code(code)
        assert code not in row.code_hash
    # A link code opens no registration, and an invite code links nothing.
    assert "Đăng ký" not in say(app, "z-lan", f"/start {code}", channel="zalo")
    assert len(identities(app)) == 1


def test_linking_from_zalo_to_telegram_works_the_same_way(make_app):
    app = make_app()
    register(app, "z-hung", "so-tnmt", name="Trần Văn Hùng", channel="zalo")
    code = link_code(app, "z-hung", "zalo")
    assert "Đã liên kết tài khoản Telegram này với Trần Văn Hùng" in say(
        app, "777", f"/link {code}", channel="telegram"
    )
    assert {c for c, _, _ in identities(app)} == {"telegram", "zalo"}
