"""Migration 0006 on a database filled by the code before it: task reports become answers per
question id under a stored legacy questionnaire, nothing is lost, the bot reads them, and the
downgrade puts them back (issue 11)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.app import App
from bot.settings import load_settings
from storage import migrate
from storage.db import create_db_engine
from storage.models import QuestionnaireVersion, ReportAnswer, ReportDraft, SubmissionVersion
from tests.people import say

pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def fill_with_reports_of_revision_0005(engine: sa.Engine) -> None:
    """What the code of revision 0005 stored for one agency: a plan, a submitted version with
    two task reports (one with an attachment) and the general part, and a draft in progress."""
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as db:
        db.execute(
            t["plan"]
            .insert()
            .values(
                id=1,
                code="452/KH-UBND",
                title="Kế hoạch",
                issuer="UBND tỉnh",
                agencies_due_month=11,
                agencies_due_day=30,
                consolidation_due_month=12,
                consolidation_due_day=20,
                reporting_note="",
                adhoc_allowed=True,
                imported_at=NOW,
            )
        )
        for agency_id, code, name in ((1, "so-yte", "Sở Y tế"), (2, "so-khcn", "Sở KH&CN")):
            db.execute(
                t["agency"]
                .insert()
                .values(
                    id=agency_id,
                    code=code,
                    name=name,
                    kind="department",
                    is_group=False,
                    reports=True,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        for number in (1, 2):
            db.execute(
                t["task"]
                .insert()
                .values(
                    id=10 + number,
                    plan_id=1,
                    number=number,
                    title=f"Nhiệm vụ {number}",
                    timeframe="Hàng năm",
                    retired=False,
                )
            )
        db.execute(
            t["reporting_period"]
            .insert()
            .values(
                id=1,
                plan_id=1,
                key="2026",
                kind="periodic",
                title="Báo cáo năm 2026",
                due_on=date(2026, 11, 30),
                status="open",
                created_at=NOW,
            )
        )
        for agency_id in (1, 2):
            db.execute(t["period_agency"].insert().values(period_id=1, agency_id=agency_id))
        db.execute(
            t["person"]
            .insert()
            .values(id=1, full_name="Nguyễn Thị Lan", position="Chuyên viên", created_at=NOW)
        )
        db.execute(
            t["submission"]
            .insert()
            .values(
                id=1,
                period_id=1,
                agency_id=1,
                state="submitted",
                current_version=1,
                revision=1,
                updated_at=NOW,
                return_comment="",
                reference="2026-SO-YTE",
            )
        )
        db.execute(
            t["submission_version"]
            .insert()
            .values(
                id=1,
                submission_id=1,
                version=1,
                submitted_at=NOW,
                is_late=False,
                comment="",
                submitted_by_person_id=1,
            )
        )
        reports = [
            (1, 11, "lead", "in_progress", 60, "Tập huấn 120 người", "Thiếu kinh phí", "", ""),
            (2, 12, "coordinating", "not_applicable", None, "", "", "", "Chưa được mời"),
            (3, None, "", "", None, "Ban hành kế hoạch", "", "Bổ sung biên chế", ""),
        ]
        for rid, task, role, status, percent, results, difficulties, proposals, na in reports:
            db.execute(
                t["task_report"]
                .insert()
                .values(
                    id=rid,
                    version_id=1,
                    task_id=task,
                    role=role,
                    status=status,
                    percent=percent,
                    results=results,
                    difficulties=difficulties,
                    proposals=proposals,
                    not_applicable_reason=na,
                )
            )
        db.execute(
            t["attachment"]
            .insert()
            .values(
                id=1,
                task_report_id=1,
                channel="telegram",
                file_ref="file-abc",
                file_name="bao-cao.pdf",
                mime_type="application/pdf",
                size=1200,
            )
        )
        db.execute(t["report_draft"].insert().values(
            id=1, period_id=1, agency_id=2, person_id=1, base_version=0, created_at=NOW,
            updated_at=NOW, answers={"t11": {"status": "completed", "results": "Xong"},
                                     "_cursor": {"part": "t11", "field": "results"}},
        ))  # fmt: skip


def test_reports_move_to_answers_and_back_without_loss(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = create_db_engine(db_url)
    try:
        migrate.upgrade(engine, "0005")
        fill_with_reports_of_revision_0005(engine)
        migrate.upgrade(engine)
        app = App.build(load_settings(database_url=db_url))
        try:
            with app.make_session() as session:
                legacy = session.exec(
                    select(QuestionnaireVersion).where(QuestionnaireVersion.key == "legacy")
                ).one()
                version = session.exec(select(SubmissionVersion)).one()
                assert version.questionnaire_id == legacy.id
                answers = {
                    (a.task_id, a.section, a.question): a.value
                    for a in session.exec(select(ReportAnswer))
                }
                draft = session.exec(select(ReportDraft)).one()
                assert draft.answers == {"task:11": {"status": "completed", "results": "Xong"}}
                assert draft.questionnaire_id == legacy.id
            assert answers == {
                (11, "task", "status"): "in_progress",
                (11, "task", "percent"): 60,
                (11, "task", "results"): "Tập huấn 120 người",
                (11, "task", "difficulties"): "Thiếu kinh phí",
                (11, "task", "attachments"): [
                    {
                        "channel": "telegram",
                        "file_ref": "file-abc",
                        "file_name": "bao-cao.pdf",
                        "mime_type": "application/pdf",
                        "size": 1200,
                    }
                ],
                (12, "task", "status"): "not_applicable",
                (12, "task", "na_reason"): "Chưa được mời",
                (None, "general", "results"): "Ban hành kế hoạch",
                (None, "general", "proposals"): "Bổ sung biên chế",
            }
            # The secretariat reads the old report with the form it was made with.
            app.prepare()
            shown = say(app, "operator", "/view so-yte")
            assert "Tập huấn 120 người" in shown and "Thiếu kinh phí" in shown
            assert "bao-cao.pdf" in shown and "Bổ sung biên chế" in shown
        finally:
            app.close()
        migrate.downgrade(engine, "0005")
        with engine.connect() as db:
            rows = db.execute(
                sa.text(
                    "SELECT task_id, role, status, percent, results, difficulties, proposals,"
                    " not_applicable_reason FROM task_report ORDER BY id"
                )
            ).all()
            files = db.execute(sa.text("SELECT file_ref, file_name FROM attachment")).all()
        assert sorted(rows, key=lambda r: r[0] or 0) == [
            (None, "", "", None, "Ban hành kế hoạch", "", "Bổ sung biên chế", ""),
            (11, "lead", "in_progress", 60, "Tập huấn 120 người", "Thiếu kinh phí", "", ""),
            (12, "coordinating", "not_applicable", None, "", "", "", "Chưa được mời"),
        ]
        assert files == [("file-abc", "bao-cao.pdf")]
    finally:
        engine.dispose()


def test_download_links_name_store_keys_after_0011_and_document_links_go_on_downgrade(db_url):
    """Links made before 0011 named an absolute path in the files folder; they now name the
    same file by its store key. Going back drops the links to kept documents only."""
    engine = create_db_engine(db_url)
    try:
        migrate.upgrade(engine, "0010")
        meta = sa.MetaData()
        meta.reflect(engine)
        links = meta.tables["download_link"]
        row = {
            "file_name": "Tổng hợp.xlsx", "mime_type": "application/octet-stream",
            "created_at": NOW, "expires_at": NOW, "single_use": False,
        }  # fmt: skip
        with engine.begin() as db:
            db.execute(links.insert().values(
                id=1, token_hash="a" * 64, file_path="/srv/baocao/data/files/ab12/Tong_hop.xlsx",
                **row,
            ))  # fmt: skip
        migrate.upgrade(engine)
        with engine.begin() as db:
            assert db.execute(sa.text("SELECT file_path FROM download_link")).scalar_one() == (
                "ab12/Tong_hop.xlsx"
            )
            db.execute(links.insert().values(
                id=2, token_hash="b" * 64, file_path="sha256/cd/" + "cd" * 32, **row
            ))  # fmt: skip
        migrate.downgrade(engine, "0010")
        with engine.begin() as db:
            paths = db.execute(sa.text("SELECT file_path FROM download_link")).scalars().all()
        assert paths == ["ab12/Tong_hop.xlsx"]
        assert "stored_file" not in sa.inspect(engine).get_table_names()
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def test_revoked_invites_are_told_from_expired_ones_after_0012_and_stay_refused_on_downgrade(
    db_url,
):
    """0012 keeps when an invite was revoked apart from its expiry; going back, a revoked
    invite that had not run out yet expires at the moment it was revoked."""
    engine = create_db_engine(db_url)
    later = datetime(2026, 12, 20, tzinfo=UTC)
    try:
        migrate.upgrade(engine, "0011")
        invites = sa.Table("invite", sa.MetaData(), autoload_with=engine)
        with engine.begin() as db:
            for number in (1, 2):
                db.execute(invites.insert().values(
                    id=number, code_hash=str(number) * 64, role="focal", created_at=NOW,
                    expires_at=later,
                ))  # fmt: skip
        migrate.upgrade(engine)
        with engine.begin() as db:
            assert db.execute(sa.text("SELECT revoked_at FROM invite")).scalars().all() == [
                None,
                None,
            ]
            db.execute(sa.text("UPDATE invite SET revoked_at = :at WHERE id = 1"), {"at": NOW})
        migrate.downgrade(engine, "0011")
        with engine.begin() as db:
            rows = db.execute(sa.text("SELECT id, expires_at FROM invite ORDER BY id")).all()
        expiry = {number: _utc(value) for number, value in rows}
        assert expiry == {1: NOW, 2: later}  # the revoked one stays refused, the other not
        assert "revoked_at" not in {c["name"] for c in sa.inspect(engine).get_columns("invite")}
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def _utc(value: datetime | str) -> datetime:
    """A timestamp as the database hands it back (SQLite: text), in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
