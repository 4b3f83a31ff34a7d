"""Small plan files for import tests, written next to the test."""

from __future__ import annotations

from pathlib import Path

import yaml

from storage.plan_document import BUNDLED_PLAN


def bundled() -> dict:
    return yaml.safe_load(BUNDLED_PLAN.read_text(encoding="utf-8"))


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


APPENDIX_HEADER = [
    "Stt",
    "Nhiệm vụ, hoạt động cụ thể",
    "Thời gian thực hiện",
    "Cơ quan, đơn vị chủ trì",
    "Cơ quan, đơn vị phối hợp",
]


def small_plan() -> dict:
    """A plan where so-a leads tasks 1 and 2 and coordinates task 3; so-b leads 3 and 4."""
    return {
        "plan": {"code": "99/KH-TEST", "title": "Kế hoạch thử", "issuer": "UBND tỉnh",
                 "issued_on": "2026-01-05", "secretariat": "so-khcn"},
        "reporting": {"periodic": {"agencies_due": "11-30", "consolidation_due": "12-20"}},
        "agencies": [
            {"code": "so-khcn", "name": "Sở Khoa học và Công nghệ", "kind": "department"},
            {"code": "so-a", "name": "Sở A", "kind": "department"},
            {"code": "so-b", "name": "Sở B", "kind": "department"},
        ],
        "duties": [{"number": 1, "heading": "Sở A", "agencies": ["so-a"],
                    "text": "- Chủ trì ứng dụng công nghệ sinh học trong lĩnh vực A."}],
        "tasks": [
            {"number": 1, "title": "Nhiệm vụ một", "timeframe": "Hàng năm", "lead": ["so-a"]},
            {"number": 2, "title": "Nhiệm vụ hai", "timeframe": "Hàng năm", "lead": ["so-a"]},
            {"number": 3, "title": "Nhiệm vụ ba", "timeframe": "Hàng năm", "lead": ["so-b"],
             "coordinating": ["so-a"]},
            {"number": 4, "title": "Nhiệm vụ bốn", "timeframe": "Hàng năm", "lead": ["so-b"]},
        ],
    }


def small_form() -> dict:
    """A short questionnaire for the small plan: status, percent and results per task, other
    files once per report, and the signed report offered at the end (for tests of buttons,
    numbers and uploads)."""
    statuses = [
        ("not_started", "Chưa triển khai"),
        ("in_progress", "Đang triển khai"),
        ("completed", "Đã hoàn thành"),
        ("not_applicable", "Không áp dụng"),
    ]
    return {
        "key": "periodic",
        "title": "Báo cáo thử",
        "signed_document": "optional",
        "choices": {"task_status": [{"value": v, "label": label} for v, label in statuses]},
        "sections": [
            {
                "id": "task",
                "kind": "task",
                "roles": ["lead", "coordinating"],
                "questions": [
                    {
                        "id": "status",
                        "type": "single",
                        "choices": "task_status",
                        "label": "Tình hình thực hiện?",
                    },
                    {
                        "id": "percent",
                        "type": "percent",
                        "label": "Đã hoàn thành bao nhiêu phần trăm?",
                        "show_if": "${status} = 'in_progress'",
                    },
                    {
                        "id": "na_reason",
                        "type": "text",
                        "label": "Lý do không áp dụng?",
                        "show_if": "${status} = 'not_applicable'",
                    },
                    {
                        "id": "results",
                        "type": "long_text",
                        "label": "Kết quả đạt được?",
                        "show_if": "${status} != 'not_applicable'",
                    },
                ],
            },
            {
                "id": "agency",
                "kind": "agency",
                "label": "Phần chung",
                "questions": [
                    {
                        "id": "documents",
                        "type": "files",
                        "required": False,
                        "label": "Tệp kèm theo (phụ lục, số liệu), nếu có",
                    },
                ],
            },
        ],
    }


def small_plan_with_form() -> dict:
    plan = small_plan()
    plan["questionnaires"] = [small_form()]
    return plan
