"""A reporting period as the secretariat sees it, built through the real conversations: five
agencies owe the 2026 report; Sở A submits on time, Sở B late, Sở C on time but is sent back
for more, Sở D and the secretariat's own department never submit.

Plan (tasks): 1 and 2 led by Sở A (Sở C coordinates 1); 3 led by Sở B with Sở A; 4 led by
Sở B with Sở D.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import select

from bot.app import App
from storage.db import transaction
from storage.models import Identity
from tests.conftest import VN
from tests.people import register, say
from tests.plan_files import small_plan, write_yaml

STATUS_OPTION = {"not_started": "1", "in_progress": "2", "completed": "3", "not_applicable": "4"}
FORMULA = "=SUM(A1)"
RESULTS_A1 = "Đã tổ chức 2 hội thảo về công nghệ sinh học, 150 người dự"
LATE_AT = datetime(2026, 12, 1, 8, 30, tzinfo=VN)
LOOK_AT = datetime(2026, 12, 2, 10, 0, tzinfo=VN)
RETURN_COMMENT = "Cần bổ sung số liệu nhiệm vụ 1"


def secretariat_plan() -> dict:
    plan = small_plan()
    plan["plan"]["issuer"] = "Ủy ban nhân dân tỉnh Đắk Nông"
    plan["agencies"] += [
        {"code": "so-c", "name": "Sở C", "kind": "department"},
        {"code": "so-d", "name": "Sở D", "kind": "department"},
    ]
    plan["tasks"][0]["coordinating"] = ["so-c"]
    plan["tasks"][3]["coordinating"] = ["so-d"]
    return plan


def make_world_app(make_app, tmp_path: Path) -> App:
    plan = write_yaml(tmp_path / "plan.yaml", secretariat_plan())
    return make_app(plan_file=str(plan))


def answer(app: App, user: str, part: dict) -> str:
    """Answer one part of the report as a focal point would; a missing field is skipped."""
    if "status" in part:
        said = say(app, user, STATUS_OPTION[part["status"]])
        if part["status"] == "not_applicable":
            return say(app, user, part["na_reason"])
        if part["status"] == "in_progress":
            said = say(app, user, str(part["percent"]))
        assert "Kết quả" in said, said
    for field in ("results", "difficulties", "proposals"):
        say(app, user, part.get(field) or "/skip")
    return say(app, user, "1")  # attachments: «Xong»


def submit_report(
    app: App, user: str, parts: list[dict], *, start: tuple[str, ...] = ("/report",)
) -> str:
    """/report, every part in order, then «Nộp báo cáo»; returns the receipt."""
    for text in start:
        review = say(app, user, text)
    for part in parts:
        review = answer(app, user, part)
    assert "XEM LẠI BÁO CÁO" in review, review
    receipt = say(app, user, "1")
    assert "ĐÃ NỘP BÁO CÁO" in receipt, receipt
    return receipt


SO_A = [
    {
        "status": "in_progress",
        "percent": 70,
        "results": RESULTS_A1,
        "difficulties": FORMULA,
        "proposals": "Bổ sung kinh phí năm 2027",
    },
    {"status": "completed", "results": "Hoàn thành mô hình trình diễn"},
    {"status": "not_applicable", "na_reason": "Sở B chưa đề nghị phối hợp"},
    {"results": "Đã ban hành kế hoạch riêng của Sở", "difficulties": "Thiếu nhân lực"},
]
SO_B = [
    {"status": "completed", "results": "Đã chuyển giao 3 quy trình nhân giống"},
    {"status": "not_started", "difficulties": "Thiếu nhân lực"},
    {"proposals": "Tập huấn cho cán bộ cấp huyện"},
]
SO_C = [
    {"status": "in_progress", "percent": 40, "results": "Đang khảo sát nhu cầu"},
    {},
]


def build_world(make_app, tmp_path: Path) -> App:
    """The period of the module docstring; the clock ends on 02/12/2026 10:00. Built through
    the conversations once per test process and database; each test gets a copy."""
    return make_app.shared("secretariat world", lambda: _build_world(make_app, tmp_path))


def _build_world(make_app, tmp_path: Path) -> App:
    app = make_world_app(make_app, tmp_path)
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    register(app, "u2", "so-b", name="Trần Văn Bình")
    register(app, "u3", "so-c", name="Lê Thị Cúc")
    register(app, "u4", "so-d", name="Phạm Văn Dũng")
    submit_report(app, "u1", SO_A)
    submit_report(app, "u3", SO_C)
    assert "Đã trả lại" in say(app, "operator", f"/return so-c {RETURN_COMMENT}")
    app.clock.set(LATE_AT)
    submit_report(app, "u2", SO_B)
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
