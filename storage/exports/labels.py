"""The Vietnamese words the exported files use for statuses, roles and standings."""

from __future__ import annotations

from storage.reports import TaskStatus
from storage.summary import NOT_REPORTED, REPORTED, Standing

STATUS = {
    TaskStatus.not_started: "Chưa thực hiện",
    TaskStatus.in_progress: "Đang thực hiện",
    TaskStatus.completed: "Đã hoàn thành",
    TaskStatus.not_applicable: "Không áp dụng",
    REPORTED: "Đã báo cáo",
    NOT_REPORTED: "Chưa báo cáo",
}
NO_STATUS = frozenset({REPORTED, NOT_REPORTED})  # task cells that are not a status choice
STATUS_HEADER = "Tình hình thực hiện"
ROLE = {"lead": "Chủ trì", "coordinating": "Phối hợp"}
STANDING = {
    Standing.on_time: "Đã nộp, đúng hạn",
    Standing.late: "Đã nộp, trễ hạn",
    Standing.returned: "Trả lại, chờ bổ sung",
    Standing.overdue: "Quá hạn, chưa nộp",
    Standing.not_due: "Chưa nộp (chưa đến hạn)",
}
TIMELINESS = {
    Standing.on_time: "Đúng hạn",
    Standing.late: "Trễ hạn",
    Standing.overdue: "Quá hạn, chưa nộp",
    Standing.not_due: "Chưa nộp",
}
GENERAL_TASK = "Nhiệm vụ theo chức năng (mục IV của Kế hoạch)"
NA_REASON = "Lý do không áp dụng: {reason}"
NO_FOCAL = "Chưa có đầu mối"
