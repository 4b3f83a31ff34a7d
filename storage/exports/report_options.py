"""Who issues and signs the draft report: a small value the composition root builds from the
settings and hands to the handlers, kept apart so importing it loads no export code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    """Who issues and signs the report (BAOCAO_REPORT_*). Empty: worked out from the plan."""

    superior: str = ""  # "UBND TỈNH ĐẮK NÔNG"
    agency: str = ""  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    place: str = ""  # "Đắk Nông"
    recipient: str = ""  # "Ủy ban nhân dân tỉnh Lâm Đồng": who the report goes to
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    deputy: bool = False  # "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC"
    unit: str = ""  # the drafting unit after "Lưu: VT,"
