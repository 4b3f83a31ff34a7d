"""A reporting period as the secretariat sees it: five agencies owe the 2026 report; Sở A
submits on time, Sở B late, Sở C on time but is sent back for more, Sở D and the secretariat's
own department never submit. People register through the real conversation; reports are
submitted through `storage.reports` (draft, layout, submit), as the report conversation does.

Plan (tasks): 1 (2026 - 2027, so a percentage is asked) and 2 led by Sở A, Sở C coordinates 1;
3 led by Sở B with Sở A; 4 led by Sở B with Sở D. Sở A has section IV duties.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.app import App
from storage.agencies import find_agency
from storage.db import transaction
from storage.models import Identity, Plan, ReportingPeriod, Task
from storage.reports import (
    Submitted,
    find_submission,
    layout_for,
    return_submission,
    start_draft,
    submit_draft,
)
from tests.conftest import VN
from tests.people import register
from tests.plan_files import small_plan, write_yaml

FORMULA = "=SUM(A1)"
DASHED = "- Cử 2 cán bộ tham gia khảo sát"  # starts like a formula, as Vietnamese lists do
RESULTS_A1 = "Đã tổ chức 2 hội thảo về công nghệ sinh học, 150 người dự"
LATE_AT = datetime(2026, 12, 1, 8, 30, tzinfo=VN)
LOOK_AT = datetime(2026, 12, 2, 10, 0, tzinfo=VN)
RETURN_COMMENT = "Cần bổ sung số liệu nhiệm vụ 1"

# Answers by instance, with task numbers for task ids: "lead:1" is Sở A's task 1 section.
Parts = dict[str, dict[str, Any]]

SO_A: Parts = {
    "lead:1": {"status": "in_progress", "percent": 70, "results": RESULTS_A1},
    "lead:2": {"status": "completed", "results": "Hoàn thành mô hình trình diễn"},
    "coordinating:3": {"results": DASHED},
    "duties": {"results": "Đã ban hành kế hoạch riêng của Sở"},
    "agency": {
        "funding_sources": ["state_budget", "mobilised"],
        "funding_state": 1_250_000_000,
        "funding_mobilised": 200_000_000,
        "outputs": ["trainings"],
        "trainings": 2,
        "difficulties": FORMULA,
        "proposals": "Bổ sung kinh phí năm 2027",
        "next_year": "Nhân rộng mô hình trình diễn",
    },
}
SO_B: Parts = {
    "lead:3": {"status": "completed", "results": "Đã chuyển giao 3 quy trình nhân giống"},
    "lead:4": {"status": "not_applicable", "na_reason": "Chưa được bố trí kinh phí"},
    "agency": {
        "funding_sources": ["state_budget"],
        "funding_state": 300_000_000,
        "outputs": ["trainings", "research"],
        "trainings": 3,
        "research": 1,
        "difficulties": "Thiếu nhân lực",
        "proposals": "Tập huấn cho cán bộ cấp huyện",
    },
}
SO_C: Parts = {
    "coordinating:1": {"results": "Đang khảo sát nhu cầu"},
    "agency": {"difficulties": "Thiếu nhân lực"},
}


def secretariat_plan() -> dict:
    plan = small_plan()
    plan["plan"]["issuer"] = "Ủy ban nhân dân tỉnh Đắk Nông"
    plan["agencies"] += [
        {"code": "so-c", "name": "Sở C", "kind": "department"},
        {"code": "so-d", "name": "Sở D", "kind": "department"},
    ]
    plan["tasks"][0]["timeframe"] = "2026 - 2027"
    plan["tasks"][0]["coordinating"] = ["so-c"]
    plan["tasks"][3]["coordinating"] = ["so-d"]
    return plan


def make_world_app(make_app, tmp_path: Path, plan: dict | None = None, **settings) -> App:
    path = write_yaml(tmp_path / "plan.yaml", plan or secretariat_plan())
    return make_app(plan_file=str(path), **settings)


def _plan_id(session, plan_code: str | None) -> int | None:
    if plan_code is None:
        return None
    return session.exec(select(Plan.id).where(Plan.code == plan_code)).one()


def _keys(session, parts: Parts, *, plan_id: int | None = None) -> Parts:
    """'lead:1' -> 'lead:<id of task 1>' (of the plan `plan_id`, when given)."""
    tasks = select(Task) if plan_id is None else select(Task).where(Task.plan_id == plan_id)
    ids = {t.number: t.id for t in session.exec(tasks).all()}
    out: Parts = {}
    for key, values in parts.items():
        section, _, number = key.partition(":")
        out[f"{section}:{ids[int(number)]}" if number else section] = dict(values)
    return out


def submit(
    app: App,
    user: str,
    agency_code: str,
    parts: Parts,
    *,
    period_key: str = "2026",
    plan_code: str | None = None,
) -> int:
    """Submit `parts` for the agency as `user` (on top of its current version, if any), as the
    report conversation does; returns the version number. With several plans, `plan_code`
    says whose period."""
    with transaction(app.make_session) as session:
        agency = find_agency(session, agency_code)
        plan_id = _plan_id(session, plan_code)
        period = session.exec(
            select(ReportingPeriod).where(
                ReportingPeriod.key == period_key,
                *([ReportingPeriod.plan_id == plan_id] if plan_id is not None else []),
            )
        ).one()
        person_id = session.exec(
            select(Identity.person_id).where(Identity.external_id == user)
        ).one()
        draft = start_draft(
            session, period_id=period.id, agency_id=agency.id, person_id=person_id, clock=app.clock
        )
        answers = {k: dict(v) for k, v in draft.answers.items()}
        for key, values in _keys(session, parts, plan_id=plan_id).items():
            answers.setdefault(key, {}).update(values)
        draft.answers = answers
        layout = layout_for(session, period=period, agency=agency, answers=answers)
        done = submit_draft(
            session,
            draft=draft,
            layout=layout,
            period=period,
            agency=agency,
            person_id=person_id,
            zone=VN,
            clock=app.clock,
        )
        assert isinstance(done, Submitted), done
        return done.version.version


def send_back(app: App, agency_code: str, comment: str, *, period_key: str = "2026") -> None:
    with transaction(app.make_session) as session:
        agency = find_agency(session, agency_code)
        period = session.exec(
            select(ReportingPeriod).where(ReportingPeriod.key == period_key)
        ).one()
        submission = find_submission(session, period_id=period.id, agency_id=agency.id)
        return_submission(session, submission=submission, comment=comment, clock=app.clock)


def build_world(make_app, tmp_path: Path, plan: dict | None = None) -> App:
    """The period of the module docstring; the clock ends on 02/12/2026 10:00. With the usual
    plan it is built once per test process and database, and each test gets a copy."""
    if plan is not None:
        return _build_world(make_app, tmp_path, plan)
    return make_app.shared("secretariat world", lambda: _build_world(make_app, tmp_path))


def _build_world(make_app, tmp_path: Path, plan: dict | None = None, **settings) -> App:
    app = make_world_app(make_app, tmp_path, plan, **settings)
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    register(app, "u2", "so-b", name="Trần Văn Bình")
    register(app, "u3", "so-c", name="Lê Thị Cúc")
    register(app, "u4", "so-d", name="Phạm Văn Dũng")
    submit(app, "u1", "so-a", SO_A)
    submit(app, "u3", "so-c", SO_C)
    send_back(app, "so-c", RETURN_COMMENT)
    app.clock.set(LATE_AT)
    submit(app, "u2", "so-b", SO_B)
    app.clock.set(LOOK_AT)
    return app


def set_reachable(app: App, user: str, reachable: bool) -> None:
    with transaction(app.make_session) as session:
        for identity in session.exec(select(Identity).where(Identity.external_id == user)):
            identity.reachable = reachable
            session.add(identity)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after checking the signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
