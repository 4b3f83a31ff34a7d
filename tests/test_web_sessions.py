"""The web console's storage (issue 13), on SQLite and PostgreSQL: one-time sign-in links and
the sessions they open, invites listed and revoked, a merge previewed without being made, the
board's change stamp, and migration 0009 up and down with data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from storage import migrate
from storage.agencies import find_agency
from storage.agency_merge import merge_agencies, preview_merge
from storage.console_reads import period_stamp
from storage.db import create_db_engine, transaction
from storage.downloads import hash_token
from storage.invites import InviteProblem, check_invite, create_invite, list_invites, revoke_invite
from storage.models import Membership, ReportingPeriod, WebSession
from storage.web_sessions import (
    end_session,
    find_session,
    issue_signin,
    open_signin,
    pending_signin,
)
from tests.people import register

pytestmark = pytest.mark.both_databases

HOURS = timedelta(hours=8)


def issue(app, clock) -> str:
    with transaction(app.make_session) as session:
        return issue_signin(
            session,
            channel="telegram",
            external_id="42",
            chat_id="42",
            person_id=None,
            clock=clock,
        ).token


def test_a_link_opens_one_session_once_within_ten_minutes(app, clock):
    token = issue(app, clock)
    with transaction(app.make_session) as session:
        row = session.exec(select(WebSession)).one()
        assert row.link_hash == hash_token(token) and token not in str(row.model_dump())
        assert pending_signin(session, token=token, clock=clock) is not None
        opened = open_signin(session, token=token, valid_for=HOURS, clock=clock)
        assert opened is not None and opened.token != token
        assert opened.row.session_hash == hash_token(opened.token)
        assert open_signin(session, token=token, valid_for=HOURS, clock=clock) is None  # once
        assert pending_signin(session, token=token, clock=clock) is None
        assert find_session(session, token=opened.token, clock=clock).id == row.id
        assert find_session(session, token=token, clock=clock) is None  # a link is no cookie
        assert find_session(session, token=None, clock=clock) is None

    late = issue(app, clock)
    clock.advance(timedelta(minutes=10))
    with transaction(app.make_session) as session:
        assert open_signin(session, token=late, valid_for=HOURS, clock=clock) is None
        assert find_session(session, token=opened.token, clock=clock) is not None
        clock.advance(HOURS)
        assert find_session(session, token=opened.token, clock=clock) is None  # expired


def test_a_signed_out_session_opens_nothing_and_old_rows_are_forgotten(app, clock):
    token = issue(app, clock)
    with transaction(app.make_session) as session:
        opened = open_signin(session, token=token, valid_for=HOURS, clock=clock)
        end_session(session, row=opened.row, clock=clock)
        assert find_session(session, token=opened.token, clock=clock) is None
    issue(app, clock)  # never opened
    clock.advance(timedelta(days=31))
    issue(app, clock)  # issuing forgets the rows long over
    with app.make_session() as session:
        assert len(session.exec(select(WebSession)).all()) == 1


def test_invites_are_listed_newest_first_and_revoked_once(app, clock):
    with transaction(app.make_session) as session:
        agency = find_agency(session, "so-yte")
        first = create_invite(
            session, agency_id=agency.id, role="focal", valid_for=timedelta(days=7), clock=clock
        )
        clock.advance(timedelta(minutes=1))
        second = create_invite(
            session, agency_id=None, role="secretariat", valid_for=timedelta(days=7), clock=clock
        )
        listed = list_invites(session)
        assert [i.id for i, _ in listed] == [second.invite.id, first.invite.id]
        assert listed[0][1] is None and listed[1][1].code == "so-yte"
        assert revoke_invite(session, invite_id=first.invite.id, clock=clock) is not None
        assert revoke_invite(session, invite_id=first.invite.id, clock=clock) is None
        assert revoke_invite(session, invite_id=999_999, clock=clock) is None
        assert check_invite(session, code=first.code, clock=clock) == InviteProblem.revoked
        assert check_invite(session, code=second.code, clock=clock) == second.invite


def test_a_merge_preview_is_the_merge_without_its_changes(app, clock):
    register(app, "u1", "so-yte")
    with transaction(app.make_session) as session:
        source, target = find_agency(session, "so-yte"), find_agency(session, "so-taichinh")
        preview = preview_merge(session, source=source, target=target, clock=clock)
        assert preview.moved.get("focal_points") == 1
        assert source.merged_into_id is None
        membership = session.exec(select(Membership).where(Membership.role == "focal")).one()
        assert membership.agency_id == source.id
    with transaction(app.make_session) as session:
        source, target = find_agency(session, "so-yte"), find_agency(session, "so-taichinh")
        made = merge_agencies(session, source=source, target=target, clock=clock)
        assert made.moved == preview.moved


def test_the_board_stamp_changes_when_a_report_or_an_agency_changes(app, clock):
    with transaction(app.make_session) as session:
        period = session.exec(select(ReportingPeriod)).first()
        before = period_stamp(session, period_id=period.id)
        assert period_stamp(session, period_id=period.id) == before
        clock.advance(timedelta(minutes=1))
        agency = find_agency(session, "so-yte")
        agency.updated_at = clock.now()
        session.add(agency)
        session.flush()
        assert period_stamp(session, period_id=period.id) != before


def test_migration_0009_up_and_down_with_data(db_url):
    engine = create_db_engine(db_url)
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as db:
            db.execute(
                sa.text(
                    "INSERT INTO person (full_name, position, created_at) "
                    "VALUES ('Hoàng Văn Thư', 'Chuyên viên', :now)"
                ),
                {"now": now},
            )
            db.execute(
                sa.text(
                    "INSERT INTO web_session (link_hash, channel, external_id, chat_id, "
                    "person_id, created_at, link_expires_at) "
                    "VALUES ('ab', 'telegram', '42', '42', 1, :now, :now)"
                ),
                {"now": now},
            )
        migrate.downgrade(engine, "0008")
        with engine.connect() as db:
            assert "web_session" not in sa.inspect(engine).get_table_names()
            assert db.execute(sa.text("SELECT full_name FROM person")).scalar() == "Hoàng Văn Thư"
        migrate.upgrade(engine, "0009")
        with engine.connect() as db:
            assert db.execute(sa.text("SELECT count(*) FROM web_session")).scalar() == 0
    finally:
        engine.dispose()
