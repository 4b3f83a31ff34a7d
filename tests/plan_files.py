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
