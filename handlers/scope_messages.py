"""Text of /scope, Vietnamese first, English second."""

from __future__ import annotations

SCOPE_MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.scope": ("Phạm vi báo cáo: cơ quan nào báo cáo nhiệm vụ nào", "Who reports on which task"),
    "scope.usage": (
        "Cách dùng:\n/scope SỐ_NV: xem các cơ quan báo cáo nhiệm vụ đó\n"
        "/scope SỐ_NV MÃ_CƠ_QUAN bắt buộc|tùy chọn|không|mặc định: đổi phạm vi\n"
        "/scope nhắc MÃ_CƠ_QUAN có|không: cơ quan có bị nhắc, tính quá hạn hay không\n"
        "Bắt buộc: hỏi chi tiết nhiệm vụ. Tùy chọn: chỉ hỏi nếu đơn vị chọn là có tham gia. "
        "Không: không hỏi.",
        "Usage:\n/scope TASK: the agencies reporting on that task\n"
        "/scope TASK AGENCY required|optional|excluded|default: change it\n"
        "/scope oblige AGENCY yes|no: whether the agency is chased for the yearly report\n"
        "Required: asked in detail. Optional: asked only if the agency says it took part. "
        "Excluded: not asked.",
    ),
    "scope.header": ("Nhiệm vụ {number}: {count} cơ quan", "Task {number}: {count} agencies"),
    "scope.line": (
        "- {name} ({code}): {role}, {level}{mark}",
        "- {name} ({code}): {role}, {level}{mark}",
    ),
    "scope.mark": (" (thư ký đặt)", " (set by the secretariat)"),
    "scope.level.required": ("bắt buộc", "required"),
    "scope.level.optional": ("tùy chọn", "optional"),
    "scope.level.excluded": ("không", "excluded"),
    "scope.level.default": ("mặc định của kế hoạch", "the plan's default"),
    "scope.no_task": ("Không có nhiệm vụ {number}.", "There is no task {number}."),
    "scope.no_agency": ("Không tìm thấy cơ quan «{name}».", "No agency «{name}»."),
    "scope.bad_level": (
        "Phạm vi «{word}» không hợp lệ. Dùng: bắt buộc, tùy chọn, không, mặc định.",
        "Unknown scope «{word}». Use: required, optional, excluded, default.",
    ),
    "scope.changed": (
        "Đã đặt: nhiệm vụ {number} - {name}: {level}.",
        "Set: task {number} - {name}: {level}.",
    ),
    "scope.obliged": (
        "{name} sẽ được nhắc và tính quá hạn với báo cáo năm.",
        "{name} is now reminded and counted as overdue for the yearly report.",
    ),
    "scope.not_obliged": (
        "{name} không bị nhắc, không tính quá hạn (vẫn có thể nộp báo cáo).",
        "{name} is no longer chased (it may still report).",
    ),
}
