"""Invites, registration, roles, handover, absence and access control (issue 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from handlers.context import Role
from storage.invites import hash_code
from storage.members import available_members
from storage.models import (
    Agency,
    AuditLog,
    ConversationState,
    Identity,
    Invite,
    Membership,
    OutboxMessage,
    Person,
    Submission,
)
from storage.periods import open_periods
from tests.people import CODE, invite_code, register, say


def count(app, model) -> int:
    with app.make_session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def agency_id(app, code: str) -> int:
    with app.make_session() as session:
        return session.exec(select(Agency.id).where(Agency.code == code)).one()


@pytest.mark.both_databases
def test_registration_through_the_console(make_app):
    app = make_app(admins="telegram:1001")
    code = invite_code(app, "so-yte")
    with app.make_session() as session:
        invite = session.exec(select(Invite)).one()
        assert invite.code_hash == hash_code(code) and code not in invite.code_hash
    assert "Sở Y tế" in say(app, "u1", f"/start {code}")
    assert "Bước 2/3" in say(app, "u1", "Nguyễn Thị Lan")
    confirm = say(app, "u1", "Chuyên viên Phòng Nghiệp vụ Y")
    assert "Họ và tên: Nguyễn Thị Lan" in confirm and "Cơ quan: Sở Y tế" in confirm
    assert "Đăng ký thành công" in say(app, "u1", "1")
    with app.make_session() as session:
        person = session.exec(select(Person)).one()
        assert (person.full_name, person.position) == (
            "Nguyễn Thị Lan",
            "Chuyên viên Phòng Nghiệp vụ Y",
        )
        membership = session.exec(select(Membership)).one()
        assert (membership.role, membership.status) == ("focal", "active")
        assert membership.agency_id == agency_id(app, "so-yte")
        notice = session.exec(select(OutboxMessage)).one()
        assert (notice.channel, notice.chat_id, notice.kind) == ("telegram", "1001", "registration")
        assert "Nguyễn Thị Lan" in notice.text and "Sở Y tế" in notice.text
        assert session.exec(select(ConversationState)).first() is None
    whoami = say(app, "u1", "/whoami")
    assert "đầu mối của Sở Y tế: đang hoạt động" in whoami
    help_text = say(app, "u1", "/help")
    assert "/away" in help_text and "/invite" not in help_text


@pytest.mark.both_databases
def test_code_is_single_use(app):
    code = invite_code(app)
    register(app, "u1", code=code)
    reply = say(app, "u2", f"/start {code}")
    assert "đã được dùng" in reply
    assert count(app, Person) == 1


@pytest.mark.both_databases
def test_two_people_racing_for_one_code_leave_nothing_half_registered(app):
    code = invite_code(app)
    for user in ("u1", "u2"):
        say(app, user, f"/start {code}")
        say(app, user, "Trần Văn Bình")
        say(app, user, "Chuyên viên")
    assert "Đăng ký thành công" in say(app, "u1", "1")
    assert "đã được dùng" in say(app, "u2", "1")
    assert count(app, Person) == 1 and count(app, Identity) == 1 and count(app, Membership) == 1


def test_expired_code(app):
    code = invite_code(app)
    app.clock.advance(timedelta(days=7, minutes=1))
    assert "đã hết hạn" in say(app, "u1", f"/start {code}")


@pytest.mark.both_databases
def test_code_expiring_during_registration_registers_nobody(app):
    code = invite_code(app)
    say(app, "u1", f"/start {code}")
    say(app, "u1", "Trần Văn Bình")
    say(app, "u1", "Chuyên viên")
    app.clock.advance(timedelta(days=8))
    assert "đã hết hạn" in say(app, "u1", "1")
    assert count(app, Person) == 0 and count(app, Membership) == 0


def test_wrong_code_gives_no_hint_about_agencies(app):
    invite_code(app)
    reply = say(app, "u1", "/start AAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert "Mã mời không đúng" in reply
    assert "Sở Y tế" not in reply
    assert "Mã mời không đúng" in say(app, "u1", "/start <b>x</b>")
    with app.make_session() as session:
        refusals = session.exec(select(AuditLog).where(AuditLog.action == "invite:check")).all()
        assert [r.outcome for r in refusals] == ["refused", "refused"]


def test_code_with_stray_spaces_and_wrong_case_works(app):
    code = invite_code(app)
    messy = "  " + " ".join([code[:8].lower(), code[8:17], code[17:].lower()]) + "  "
    assert "Sở Y tế" in say(app, "u1", f"/start {messy}")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("   ", "không được để trống"),
        ("N" * 500, "Quá dài: 500 ký tự, tối đa 80"),
        ("Lan 🌸", "biểu tượng cảm xúc"),
        ("<b>Lan</b>", "< và >"),
        ("Lan123", "chỉ gồm chữ cái"),
    ],
)
def test_bad_names_are_refused_and_asked_again(app, typed, expected):
    say(app, "u1", f"/start {invite_code(app)}")
    assert expected in say(app, "u1", typed)
    with app.make_session() as session:
        assert session.exec(select(ConversationState.step)).one() == "name"
    assert "Bước 2/3" in say(app, "u1", "Lê Thị Hồng Nhung")


def test_document_instead_of_name_and_bad_position(app):
    from handlers.events import IncomingAttachment

    say(app, "u1", f"/start {invite_code(app)}")
    assert "không phải gửi tệp" in say(app, "u1", attachment=IncomingAttachment("f1", "a.pdf"))
    say(app, "u1", "Đỗ Minh Quân")
    assert "Quá dài" in say(app, "u1", "Chuyên viên " * 30)
    assert "biểu tượng" in say(app, "u1", "Trưởng phòng 👍")
    assert "< và >" in say(app, "u1", "<script>alert(1)</script>")
    assert "Bước 3/3" in say(app, "u1", "Phó Trưởng phòng Kế hoạch - Tài chính")


def test_cancel_midway_leaves_nothing_behind(app):
    code = invite_code(app)
    say(app, "u1", f"/start {code}")
    say(app, "u1", "Trần Văn Bình")
    assert "Đã dừng" in say(app, "u1", "/cancel")
    assert count(app, Person) == 0 and count(app, Membership) == 0
    assert "Đăng ký thành công" in register(app, "u1", code=code)  # the code still works


def test_start_again_at_confirmation(app):
    say(app, "u1", f"/start {invite_code(app)}")
    say(app, "u1", "Trần Văn Bình")
    say(app, "u1", "Chuyên viên")
    assert "Bước 1/3" in say(app, "u1", "2")
    say(app, "u1", "Trần Văn Bính")
    say(app, "u1", "Chuyên viên")
    say(app, "u1", "1")
    with app.make_session() as session:
        assert session.exec(select(Person.full_name)).one() == "Trần Văn Bính"


def test_secretariat_invite(app):
    text = say(app, "operator", "/invite thuky")
    code = CODE.search(text).group(0)
    say(app, "s1", f"/start {code}")
    say(app, "s1", "Phạm Quốc Huy")
    say(app, "s1", "Chuyên viên Sở Khoa học và Công nghệ")
    assert "là thư ký kế hoạch" in say(app, "s1", "1")
    assert "/agencies" in say(app, "s1", "/help")


def test_invite_by_choosing_from_the_list(app):
    listing = app.dispatcher.handle(
        __import__("handlers.events", fromlist=["IncomingEvent"]).IncomingEvent(
            "console", "operator", "operator", text="/invite"
        )
    )[0]
    labels = [o.label for o in listing.options]
    assert "Sở Y tế" in labels and "Thư ký kế hoạch" in labels
    reply = say(app, "operator", str(labels.index("Báo Đắk Nông") + 1))
    assert "Báo Đắk Nông" in reply and CODE.search(reply)
    assert "không tìm thấy" in say(app, "operator", "/invite Sở Vũ Trụ").casefold()


def test_deep_link_when_the_telegram_username_is_known(app):
    app.dispatcher.links.telegram_username = "baocao_daknong_bot"
    text = say(app, "operator", "/invite so-yte")
    code = CODE.search(text).group(0)
    assert f"https://t.me/baocao_daknong_bot?start={code}" in text
    assert "Sở Y tế" in say(app, "u9", f"/start {code}", channel="telegram")


def test_several_focal_points_per_agency_and_agencies_list(app):
    register(app, "u1", name="Nguyễn Thị Lan")
    register(app, "u2", name="Hoàng Văn Nam")
    text = say(app, "operator", "/agencies")
    assert "Sở Y tế [so-yte]: Nguyễn Thị Lan (console); Hoàng Văn Nam (console)" in text
    assert "1 cơ quan đã có đầu mối" in text


@pytest.mark.both_databases
def test_approval_when_required(make_app):
    app = make_app(require_approval=True, admins="zalo:abc")
    assert "Thư ký kế hoạch sẽ duyệt" in register(app, "u1")
    assert "/report" not in say(app, "u1", "/help")
    assert "chờ thư ký duyệt" in say(app, "u1", "/whoami")
    with app.make_session() as session:
        notice = session.exec(select(OutboxMessage)).one()
        assert "/approve" in notice.text
    assert "Nguyễn Thị Lan - Sở Y tế" in say(app, "operator", "/approve")
    say(app, "operator", "1")
    assert "Đã duyệt" in say(app, "operator", "1")
    assert "đang hoạt động" in say(app, "u1", "/whoami")
    assert "Không có đăng ký nào" in say(app, "operator", "/approve")


def _submit_for(app, code: str) -> int:
    with app.make_session() as session:
        period = open_periods(session)[0]
        submission = Submission(
            period_id=period.id,
            agency_id=agency_id(app, code),
            state="submitted",
            current_version=1,
            updated_at=app.clock.now(),
        )
        session.add(submission)
        session.commit()
        return submission.id


@pytest.mark.both_databases
def test_handover_keeps_the_agencys_submissions(app):
    register(app, "u1", name="Nguyễn Thị Lan")
    submission_id = _submit_for(app, "so-yte")
    text = say(app, "u1", "/handover")
    assert "Bạn vẫn là đầu mối cho đến khi" in text
    code = CODE.search(text).group(0)
    assert "Đăng ký thành công" in register(app, "u2", name="Hoàng Văn Nam", code=code)
    with app.make_session() as session:
        statuses = dict(
            session.exec(
                select(Person.full_name, Membership.status).join(
                    Membership, Membership.person_id == Person.id
                )
            ).all()
        )
        assert statuses == {"Nguyễn Thị Lan": "left", "Hoàng Văn Nam": "active"}
        assert session.get(Submission, submission_id).agency_id == agency_id(app, "so-yte")
        kinds = session.exec(select(OutboxMessage.kind)).all()
        assert "handover" in kinds
    assert "chưa đăng ký nên chưa dùng được" in say(app, "u1", "/away 20/12/2026")


def test_leave_and_the_secretariat_is_told_when_nobody_is_left(make_app):
    app = make_app(admins="telegram:1001")
    register(app, "u1")
    say(app, "u1", "/leave")
    assert "Đã giữ nguyên" in say(app, "u1", "2")
    say(app, "u1", "/leave")
    text = say(app, "u1", "1")
    assert "đã rời vai trò" in text and "thư ký kế hoạch đã được báo" in text
    with app.make_session() as session:
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "uncovered")).one()
        assert "Sở Y tế" in notice.text


@pytest.mark.both_databases
def test_away_stops_that_persons_reminders_only(make_app):
    app = make_app(admins="telegram:1001")
    register(app, "u1", name="Nguyễn Thị Lan")
    register(app, "u2", name="Hoàng Văn Nam")
    assert "đến hết 15/12/2026" in say(app, "u1", "/away 15/12/2026")
    with app.make_session() as session:
        today = date(2026, 11, 2)
        names = [
            p.full_name
            for _, p in available_members(session, agency_id=agency_id(app, "so-yte"), today=today)
        ]
        assert names == ["Hoàng Văn Nam"]
        later = [
            p.full_name
            for _, p in available_members(
                session, agency_id=agency_id(app, "so-yte"), today=date(2026, 12, 16)
            )
        ]
        assert later == ["Nguyễn Thị Lan", "Hoàng Văn Nam"]
        assert (
            session.exec(select(OutboxMessage).where(OutboxMessage.kind == "uncovered")).first()
            is None
        )
    assert "vắng đến hết 15/12/2026" in say(app, "u1", "/whoami")
    text = say(app, "u2", "/away 10/12")
    assert "thư ký kế hoạch đã được báo" in text
    assert "nhận nhắc việc trở lại" in say(app, "u1", "/away huy")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mai", "Không hiểu ngày"),
        ("31/02/2027", "Không hiểu ngày"),
        ("01/01/2026", "đã qua"),
        ("01/01/2029", "tối đa một năm"),
        ("", "Cách dùng"),
    ],
)
def test_away_bad_dates(app, typed, expected):
    register(app, "u1")
    assert expected in say(app, "u1", f"/away {typed}")


@pytest.mark.both_databases
def test_revoke(make_app):
    app = make_app()
    register(app, "u1")
    assert "Nguyễn Thị Lan - Sở Y tế" in say(app, "operator", "/revoke")
    assert "Thu hồi quyền đầu mối của Nguyễn Thị Lan" in say(app, "operator", "1")
    text = say(app, "operator", "1")
    assert "Đã thu hồi" in text and "không còn đầu mối" in text
    assert "chưa đăng ký" in say(app, "u1", "/away 05/12/2026")
    with app.make_session() as session:
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "revoked")).one()
        assert notice.chat_id == "u1"


SECRETARIAT_ONLY = {"invite", "agencies", "revoke", "approve"}
FOCAL_ONLY = {"away", "handover", "leave"}


def test_every_command_checks_the_role(make_app):
    """A stranger, a focal point and the secretariat call every command."""
    app = make_app()
    register(app, "focal")
    commands = set(app.dispatcher.registry.commands)
    assert commands >= SECRETARIAT_ONLY | FOCAL_ONLY
    for name in sorted(commands):
        command = app.dispatcher.registry.commands[name]
        for user, role in (
            ("stranger", Role.stranger),
            ("focal", Role.focal),
            ("operator", Role.secretariat),
        ):
            reply = say(app, user, f"/{name}")
            say(app, user, "/cancel")
            refused = any(
                phrase in reply
                for phrase in (
                    "chưa đăng ký nên chưa dùng được",
                    "chỉ dành cho thư ký",
                    "dành cho đầu mối",
                )
            )
            assert refused == (role not in command.roles), (name, role, reply)
    with app.make_session() as session:
        refusals = session.exec(select(AuditLog.action).where(AuditLog.outcome == "refused")).all()
    assert "command:invite" in refusals and "command:away" in refusals


def test_focal_point_cannot_call_secretariat_commands(app):
    register(app, "u1")
    assert "chỉ dành cho thư ký" in say(app, "u1", "/invite so-tttt")
    assert count(app, Invite) == 1


def test_a_secretariat_member_who_is_also_a_focal_point_sees_both_command_sets(app):
    text = say(app, "operator", "/invite thuky")
    register(app, "s1", code=CODE.search(text).group(0), name="Phạm Quốc Huy")
    register(app, "s1", "so-khcn", name="Phạm Quốc Huy")
    help_text = say(app, "s1", "/help")
    assert "/invite" in help_text and "/away" in help_text
    assert "thư ký kế hoạch" in say(app, "s1", "/whoami")
    assert "đầu mối của Sở Khoa học và Công nghệ" in say(app, "s1", "/whoami")


def test_away_in_chat_pauses_that_persons_reminders_only(app):
    """/away typed in chat, then the real reminder planner and dispatcher at 08:00."""
    from tests.test_reminders_support import FakeChannel, at, service, tick

    register(app, "2001", channel="telegram", name="Nguyễn Thị Lan")
    register(app, "2002", channel="telegram", name="Hoàng Văn Nam")
    assert "đến hết 18/11/2026" in say(app, "2001", "/away 18/11/2026", channel="telegram")
    telegram = FakeChannel()
    scheduler = service(app, telegram)
    app.clock.set(at("2026-11-18 08:00"))  # the 7-working-day reminder, her last day away
    tick(scheduler)
    assert [chat for chat, _ in telegram.sent] == ["2002"]
    app.clock.set(at("2026-11-25 08:00"))  # the 3-day reminder: she is back
    tick(scheduler)
    assert sorted(chat for chat, _ in telegram.sent[1:]) == ["2001", "2002"]
