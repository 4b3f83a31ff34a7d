"""Roles are checked on every step of a conversation, not only at its start (issue 18, 1)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.messages import translate
from storage.db import transaction
from storage.models import (
    ConversationState,
    Invite,
    MemberRole,
    Membership,
    MemberStatus,
    OutboxMessage,
    Submission,
)
from tests.people import CODE, register, say
from tests.plan_files import small_plan, write_yaml
from tests.test_report_flow import reporting_plan, walk_full_report


@pytest.fixture
def app(make_app, tmp_path):
    """Plan 99/KH-TEST; u1 is a focal point of Sở A; the console operator is secretariat."""
    app = make_app(plan_file=str(write_yaml(tmp_path / "small.yaml", reporting_plan())))
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    return app


def submissions(app) -> list[Submission]:
    with app.make_session() as session:
        return list(session.exec(select(Submission)).all())


def open_flow(app, chat: str) -> str | None:
    with app.make_session() as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.chat_id == chat)
        ).first()
        return state.flow if state else None


def test_a_focal_point_revoked_at_the_review_screen_cannot_submit(app):
    walk_full_report(app)
    assert "Nguyễn Thị Lan - Sở A" in say(app, "operator", "/revoke")
    assert "Thu hồi quyền đầu mối của Nguyễn Thị Lan" in say(app, "operator", "1")
    assert "Đã thu hồi" in say(app, "operator", "1")  # «Thu hồi»
    assert open_flow(app, "u1") is None  # her open report conversation was ended at once
    text = say(app, "u1", "1")  # «Nộp báo cáo», as she was about to
    assert "ĐÃ NỘP" not in text
    assert submissions(app) == []
    assert "chưa đăng ký" in say(app, "u1", "/report")


def test_a_role_ended_elsewhere_stops_the_next_step_with_a_clear_message(app):
    """The role ends outside chat (another process, the CLI): the next step checks it."""
    walk_full_report(app)
    with transaction(app.make_session) as session:
        membership = session.exec(select(Membership)).one()
        membership.status = MemberStatus.revoked
    text = say(app, "u1", "1")
    assert text == translate("flow.role_ended", "vi")
    assert submissions(app) == []
    assert open_flow(app, "u1") is None


def test_a_focal_point_of_two_agencies_revoked_for_one_cannot_go_on_with_its_report(
    make_app, tmp_path
):
    app = make_app(plan_file=str(write_yaml(tmp_path / "small.yaml", small_plan())))
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    register(app, "u1", "so-b", name="Nguyễn Thị Lan")
    assert "Sở A" in say(app, "u1", "/report")  # she picks which agency
    assert "Nhiệm vụ 1" in say(app, "u1", "Sở A")
    with transaction(app.make_session) as session:
        so_a = session.exec(
            select(Membership).where(Membership.role == MemberRole.focal).order_by(Membership.id)
        ).first()
        so_a.status = MemberStatus.revoked
    assert say(app, "u1", "2") == translate("flow.role_ended", "vi")
    assert open_flow(app, "u1") is None
    assert "Sở B" in say(app, "u1", "/report")  # still a focal point of Sở B


def test_a_secretariat_member_removed_in_the_invite_menu_gets_no_invite(app):
    code = CODE.search(say(app, "operator", "/invite thuky")).group(0)
    register(app, "s1", code=code, name="Phạm Quốc Huy")
    assert "Mời cơ quan nào" in say(app, "s1", "/invite") or open_flow(app, "s1") == "invite"
    listing = say(app, "operator", "/revoke")
    assert "Phạm Quốc Huy - thư ký kế hoạch" in listing
    assert "Thu hồi quyền thư ký kế hoạch của Phạm Quốc Huy" in say(app, "operator", "1")
    assert "Đã thu hồi quyền thư ký kế hoạch của Phạm Quốc Huy" in say(app, "operator", "1")
    with app.make_session() as session:
        invites_before = len(session.exec(select(Invite)).all())
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "revoked")).one()
        assert notice.chat_id == "s1" and "không còn là thư ký" in notice.text
    text = say(app, "s1", translate("invite.secretariat_option", "vi"))
    assert CODE.search(text) is None
    with app.make_session() as session:
        assert len(session.exec(select(Invite)).all()) == invites_before
    assert "chưa đăng ký" in say(app, "s1", "/invite")


def test_a_secretariat_member_cannot_remove_themselves_by_a_slip(app):
    code = CODE.search(say(app, "operator", "/invite thuky")).group(0)
    register(app, "s1", code=code, name="Phạm Quốc Huy")
    assert "Phạm Quốc Huy - thư ký" not in say(app, "s1", "/revoke")


def test_a_flow_declaring_no_roles_keeps_needing_those_of_the_command_that_opened_it(app):
    """A flow added without `roles` is still guarded, by the command that opened it."""
    from handlers.events import Reply
    from handlers.flows import StepFlow
    from handlers.registry import Role

    class Notes(StepFlow):
        name = "notes"

        def step_one(self, ctx, state, event):
            return [ctx.ask("notes", "two", {}, "hai?")]

        def step_two(self, ctx, state, event):
            ctx.end_flow()
            return [Reply("xong")]

    registry = app.dispatcher.registry
    registry.flow(Notes())
    registry.command(
        "ghichu",
        lambda ctx, args: [ctx.ask("notes", "one", {}, "một?")],
        roles={Role.focal},
        description_key="cmd.help",
    )
    assert say(app, "u1", "/ghichu") == "một?"
    assert say(app, "u1", "a") == "hai?"  # the flow's own save kept what opened it
    with transaction(app.make_session) as session:
        session.exec(select(Membership)).one().status = MemberStatus.left
    assert say(app, "u1", "b") == translate("flow.role_ended", "vi")


def test_the_operator_removes_a_secretariat_member_from_the_command_line(
    app, db_url, capsys, monkeypatch
):
    from bot.cli import main

    code = CODE.search(say(app, "operator", "/invite thuky")).group(0)
    register(app, "s1", code=code, name="Phạm Quốc Huy")
    say(app, "s1", "/invite")  # the menu is open when the operator acts
    monkeypatch.setenv("BAOCAO_DATABASE_URL", db_url)
    assert main(["secretariat", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Phạm Quốc Huy" in listing
    person_id = listing.split()[0]
    assert main(["secretariat", "remove", person_id]) == 0
    assert "Đã thu hồi quyền thư ký kế hoạch của Phạm Quốc Huy" in capsys.readouterr().out
    text = say(app, "s1", translate("invite.secretariat_option", "vi"))
    assert CODE.search(text) is None and text == translate("flow.role_ended", "vi")
    assert main(["secretariat", "remove", person_id]) == 1
