"""Reorganisations: rename and merge keep history; `baocao invite` on the command line."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from bot.cli import main
from bot.commands.people import telegram_username
from bot.settings import load_settings
from storage.agencies import find_agency
from storage.agency_merge import MergeError, merge_agencies, preview_merge
from storage.db import transaction
from storage.models import (
    Agency,
    Invite,
    Membership,
    PeriodAgency,
    Submission,
    Task,
    TaskAssignment,
)
from storage.periods import open_periods
from tests.people import CODE, register, say

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases


def use_database(app, monkeypatch) -> None:
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.engine.url.render_as_string(hide_password=False))


def test_rename_keeps_the_old_name_findable(app, monkeypatch, capsys):
    use_database(app, monkeypatch)
    assert main(["agency", "rename", "so-khdt", "Sở Tài chính - Kế hoạch"]) == 0
    assert "Sở Kế hoạch và Đầu tư → Sở Tài chính - Kế hoạch" in capsys.readouterr().out
    with app.make_session() as session:
        agency = find_agency(session, "Sở Kế hoạch và Đầu tư")
        assert agency is not None and agency.name == "Sở Tài chính - Kế hoạch"


def test_rename_to_another_agencys_name_is_refused(app, monkeypatch, capsys):
    use_database(app, monkeypatch)
    assert main(["agency", "rename", "so-khdt", "  sở tài chính "]) == 1
    err = capsys.readouterr().err
    assert "so-taichinh" in err and "merge" in err
    with app.make_session() as session:
        assert find_agency(session, "so-khdt").name == "Sở Kế hoạch và Đầu tư"
        assert find_agency(session, "Sở Tài chính").code == "so-taichinh"


def test_merge_moves_focal_points_roles_and_owed_reports(app, monkeypatch, capsys):
    register(app, "u1", "so-khdt", name="Nguyễn Thị Lan")
    with app.make_session() as session:
        period = open_periods(session)[0]
        source = session.exec(select(Agency).where(Agency.code == "so-khdt")).one()
        session.add(
            Submission(
                period_id=period.id,
                agency_id=source.id,
                state="submitted",
                current_version=1,
                updated_at=app.clock.now(),
            )
        )
        session.commit()
    use_database(app, monkeypatch)
    merge = ["agency", "merge", "Sở Kế hoạch và Đầu tư", "so-taichinh", "--on", "2026-11-02"]
    assert main(merge) == 0
    out = capsys.readouterr().out
    assert "Đã sáp nhập Sở Kế hoạch và Đầu tư vào Sở Tài chính" in out
    assert "task_roles" not in out  # issue 15: what moved is said in words, not table names
    with app.make_session() as session:
        source = session.exec(select(Agency).where(Agency.code == "so-khdt")).one()
        target = session.exec(select(Agency).where(Agency.code == "so-taichinh")).one()
        assert source.merged_into_id == target.id and source.ended_on is not None
        assert session.exec(select(Membership.agency_id)).one() == target.id
        submission = session.exec(select(Submission)).one()
        assert submission.agency_id == source.id  # a filed report stays with its filer
        task7 = session.exec(select(Task).where(Task.number == 7)).one()
        leads = session.exec(
            select(TaskAssignment.agency_id).where(
                TaskAssignment.task_id == task7.id, TaskAssignment.role == "lead"
            )
        ).all()
        assert leads == [target.id]
        owing = session.exec(
            select(PeriodAgency.agency_id).where(PeriodAgency.period_id == submission.period_id)
        ).all()
        assert source.id not in owing and target.id in owing
        assert find_agency(session, "so-khdt").id == target.id
        assert find_agency(session, "Sở Kế hoạch và Đầu tư").id == target.id
    assert "đầu mối của Sở Tài chính" in say(app, "u1", "/whoami")
    assert main(["agency", "merge", "so-khdt", "so-taichinh"]) == 1
    assert "đã được sáp nhập" in capsys.readouterr().err


def test_cli_invite_prints_code_and_telegram_link(app, monkeypatch, capsys):
    use_database(app, monkeypatch)
    assert main(["invite", "so-yte", "--expires", "3d"]) == 0
    out = capsys.readouterr().out
    code = CODE.search(out).group(0)
    assert "Mã mời đầu mối cho Sở Y tế, dùng một lần, hết hạn lúc" in out  # not "(focal)"
    with app.make_session() as session:
        invite = session.exec(select(Invite)).one()
        assert invite.expires_at - invite.created_at == timedelta(days=3)
    assert "Sở Y tế" in say(app, "u5", f"/start {code}")
    assert main(["invite", "so-khong-co"]) == 1
    assert main(["invite", "--role", "secretariat"]) == 0
    assert "thư ký kế hoạch" in capsys.readouterr().out


def test_bot_username_comes_from_get_me(monkeypatch):
    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(
            200,
            json={
                "ok": True,
                "result": {"id": 1, "is_bot": True, "first_name": "B", "username": "bc_bot"},
            },
        )

    settings = load_settings(telegram_token="42:abc", telegram_api_url="http://bot.local")
    assert telegram_username(settings, transport=httpx.MockTransport(answer)) == "bc_bot"
    assert calls == ["/bot42:abc/getMe"]
    assert telegram_username(load_settings()) is None


def test_a_merge_preview_writes_nothing_and_the_merge_keeps_the_filed_report(app):
    register(app, "u1", "so-khdt", name="Nguyễn Thị Lan")
    with transaction(app.make_session) as session:
        period = open_periods(session)[0]
        source = find_agency(session, "so-khdt")
        filed = Submission(period_id=period.id, agency_id=source.id, updated_at=app.clock.now())
        session.add(filed)
    with transaction(app.make_session) as session:
        source, target = find_agency(session, "so-khdt"), find_agency(session, "so-taichinh")
        preview = preview_merge(session, source=source, target=target, clock=app.clock)
        assert preview.moved == {"focal_points": 1, "task_roles": 2}
        assert session.exec(select(Membership.agency_id)).one() == source.id  # nothing moved
        with pytest.raises(MergeError):
            merge_agencies(session, source=source, target=source, clock=app.clock)
        done = merge_agencies(session, source=source, target=target, clock=app.clock)
        assert done.moved == preview.moved and len(done.kept_with_source) == 1
        assert session.exec(select(Membership.agency_id)).one() == target.id
        assert session.exec(select(Submission.agency_id)).one() == source.id
