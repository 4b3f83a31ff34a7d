"""Words for choosing a plan when the deployment runs several (Vietnamese, then English)."""

from __future__ import annotations

PLAN_MESSAGES: dict[str, tuple[str, str]] = {
    "plans.choose": (
        "Có {count} kế hoạch. Chọn kế hoạch cho /{command}:",
        "There are {count} plans. Choose the plan for /{command}:",
    ),
    "plans.option": ("Kế hoạch {code}: {title}", "Plan {code}: {title}"),
    "plans.none": (
        "Chưa có kế hoạch nào. Người vận hành nhập kế hoạch bằng: baocao plan import TỆP",
        "No plan yet. The operator imports one with: baocao plan import FILE",
    ),
    "report.pick_plan": (
        "{agency} đang có báo cáo của nhiều kế hoạch. Chọn kế hoạch và kỳ báo cáo:",
        "{agency} has reports open under several plans. Choose the plan and period:",
    ),
    "report.plan_period_option": (
        "Kế hoạch {code}: {title} (hạn {due})",
        "Plan {code}: {title} (due {due})",
    ),
    "agency.ended": (
        "{name} không còn hoạt động từ {date} (đã sáp nhập, chia tách hoặc giải thể).",
        "{name} no longer exists since {date} (merged, split or dissolved).",
    ),
}
