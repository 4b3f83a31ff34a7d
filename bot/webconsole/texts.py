"""What the web console's pages say, Vietnamese first (with full diacritics), English second
(BAOCAO_LANGUAGE=en). Words the chat already has (statuses, roles) come from the handlers'
catalogue (`handlers.messages.translate`), so both say the same."""

from __future__ import annotations

from handlers.messages import Language, translate

WEB_TEXTS: dict[str, tuple[str, str]] = {
    "app.name": ("baocao — trang quản lý", "baocao — web console"),
    "nav.board": ("Bảng tổng hợp", "Board"),
    "nav.downloads": ("Tải về", "Downloads"),
    "nav.reminders": ("Nhắc nhở", "Reminders"),
    "nav.invites": ("Mã mời", "Invites"),
    "nav.agencies": ("Cơ quan", "Agencies"),
    "nav.signout": ("Đăng xuất", "Sign out"),
    "nav.signed_in": ("Đang đăng nhập: {name}", "Signed in: {name}"),
    "common.back": ("Quay lại", "Back"),
    "common.none": ("(không có)", "(none)"),
    "common.period": ("Kỳ báo cáo", "Period"),
    "common.show": ("Xem", "Show"),
    "common.agency": ("Cơ quan", "Agency"),
    "common.code": ("Mã", "Code"),
    "common.name": ("Tên", "Name"),
    "common.role": ("Vai trò", "Role"),
    "common.status": ("Trạng thái", "Status"),
    "common.time": ("Thời gian", "Time"),
    "common.by": ("Người nộp", "By"),
    "common.due": ("Hạn nộp {due}", "Due {due}"),
    # --- errors and sign-in ---
    "error.403.title": ("Chưa đăng nhập", "Not signed in"),
    "error.403.text": (
        "Bạn chưa đăng nhập, phiên làm việc đã hết hạn, hoặc bạn không còn là thư ký kế hoạch. "
        "Gửi /web cho bot trong cuộc trò chuyện riêng để nhận đường link đăng nhập mới.",
        "You are not signed in, your session has expired, or you are no longer on the "
        "secretariat. Send /web to the bot in your private chat for a new sign-in link.",
    ),
    "error.404.title": ("Không tìm thấy", "Not found"),
    "error.404.text": (
        "Trang hoặc đường link này không có, đã dùng rồi hoặc đã hết hạn. Đường link đăng "
        "nhập chỉ dùng được một lần, trong 10 phút: gửi /web cho bot để nhận link mới.",
        "This page or link does not exist, was used already, or has expired. A sign-in link "
        "opens once, within 10 minutes: send /web to the bot for a new one.",
    ),
    "error.other.title": ("Có lỗi", "Something went wrong"),
    "error.other.text": (
        "Không thực hiện được yêu cầu. Hãy thử lại.",
        "The request could not be carried out. Please try again.",
    ),
    "signin.title": ("Đăng nhập trang quản lý", "Sign in to the web console"),
    "signin.text": (
        "Đăng nhập với tư cách {name}. Đường link này chỉ dùng được một lần.",
        "Sign in as {name}. This link opens once.",
    ),
    "signin.button": ("Đăng nhập", "Sign in"),
    "signout.title": ("Đã đăng xuất", "Signed out"),
    "signout.text": (
        "Bạn đã đăng xuất. Gửi /web cho bot khi cần đăng nhập lại.",
        "You are signed out. Send /web to the bot to sign in again.",
    ),
    # --- the board ---
    "board.title": ("Bảng tổng hợp: {title}", "Board: {title}"),
    "board.when.left": ("còn {days} ngày", "{days} days left"),
    "board.when.today": ("hôm nay là hạn nộp", "due today"),
    "board.when.over": ("đã quá hạn {days} ngày", "{days} days overdue"),
    "board.total": ("Tổng số", "Total"),
    "board.submitted": ("Đã nộp", "Submitted"),
    "board.filter": ("Lọc", "Filter"),
    "board.filter.all": ("Tất cả", "All"),
    "board.filter.submitted": ("Đã nộp", "Submitted"),
    "board.filter.late": ("Nộp trễ", "Late"),
    "board.filter.overdue": ("Quá hạn", "Overdue"),
    "board.filter.returned": ("Trả lại", "Returned"),
    "board.filter.not_due": ("Chưa đến hạn", "Not yet due"),
    "board.role.all": ("Chủ trì và phối hợp", "Lead and coordinating"),
    "board.role.lead": ("Chủ trì", "Lead"),
    "board.role.coordinating": ("Phối hợp", "Coordinating"),
    "board.apply": ("Áp dụng", "Apply"),
    "board.sent": ("Nộp", "Sent"),
    "board.tasks": (
        "Nhiệm vụ (số thứ tự theo Phụ lục Kế hoạch)", "Tasks (numbered as in the plan's appendix)"
    ),
    "board.reported_row": ("Đã báo cáo / cần báo cáo", "Reported / expected"),
    "board.live": (
        "Bảng tự cập nhật khi có báo cáo mới. Cập nhật lúc {time}.",
        "The board updates by itself when a report arrives. Updated at {time}.",
    ),
    "board.empty": ("Không có cơ quan nào khớp bộ lọc.", "No agency matches the filter."),
    "board.no_period": (
        "Chưa có kỳ báo cáo nào đang mở.", "No reporting period is open."
    ),
    "board.legend": ("Chú giải", "Legend"),
    # --- an agency ---
    "agency.title": ("{name}", "{name}"),
    "agency.former": ("Tên cũ, tên khác: {names}", "Former names and aliases: {names}"),
    "agency.merged": ("Đã sáp nhập vào {name}.", "Merged into {name}."),
    "agency.focal": ("Đầu mối", "Focal points"),
    "agency.no_focal": ("Chưa có đầu mối.", "No focal point yet."),
    "agency.reach": ("Liên lạc", "Reachable"),
    "agency.reach.yes": ("liên lạc được qua {channels}", "reachable on {channels}"),
    "agency.reach.no": ("bot không liên lạc được", "the bot cannot reach them"),
    "agency.away": ("vắng đến {date}", "away until {date}"),
    "agency.report": ("Báo cáo kỳ {title}", "Report for {title}"),
    "agency.no_report": ("Chưa nộp báo cáo cho kỳ này.", "No report submitted for this period."),
    "agency.reference": (
        "Số báo cáo {reference}, phiên bản {version}, {state}.",
        "Report {reference}, version {version}, {state}.",
    ),
    "agency.versions": ("Các phiên bản", "Versions"),
    "agency.version": ("Phiên bản", "Version"),
    "agency.view_version": ("Xem", "Read"),
    "agency.comment": ("Nhận xét khi trả lại", "Comment when returned"),
    "agency.reading": ("Nội dung phiên bản {version}", "Version {version}"),
    "agency.compare": ("So sánh hai phiên bản", "Compare two versions"),
    "agency.compare_button": ("So sánh", "Compare"),
    "agency.diff": (
        "Khác nhau giữa phiên bản {a} và {b}", "Differences between versions {a} and {b}"
    ),
    "agency.diff.none": ("Hai phiên bản giống nhau.", "The two versions are the same."),
    "agency.diff.question": ("Câu hỏi", "Question"),
    "agency.diff.before": ("Phiên bản {version}", "Version {version}"),
    "agency.return": ("Trả lại để bổ sung", "Return for more work"),
    "agency.return.help": (
        "Báo cáo được mở lại cho cơ quan sửa; các đầu mối nhận nhận xét qua tin nhắn.",
        "The report is reopened for the agency; its focal points get the comment by message.",
    ),
    "agency.return.comment": ("Nhận xét (cần bổ sung gì)", "Comment (what is missing)"),
    "agency.return.button": ("Trả lại báo cáo", "Return the report"),
    "agency.return.empty": (
        "Cần ghi nhận xét để đầu mối biết cần bổ sung gì.",
        "Write a comment so the focal point knows what to add.",
    ),
    "agency.return.not_submitted": (
        "Báo cáo này không ở trạng thái đã nộp nên không trả lại được.",
        "This report is not in the submitted state, so it cannot be returned.",
    ),
    "agency.documents": ("Tài liệu đính kèm", "Attached documents"),
    "agency.history": ("Lịch sử", "History"),
    "agency.history.version": (
        "Phiên bản {version} nộp lúc {time} bởi {by} ({timeliness})",
        "Version {version} submitted at {time} by {by} ({timeliness})",
    ),
    "agency.history.returned": ("Trả lại: «{comment}»", "Returned: «{comment}»"),
    "agency.history.renamed": (
        "Tên «{name}» dùng đến {date}", "Named «{name}» until {date}"
    ),
    "agency.other_periods": ("Báo cáo các kỳ", "Reports by period"),
    # --- a task ---
    "task.title": ("Nhiệm vụ {number}", "Task {number}"),
    "task.timeframe": ("Thời gian thực hiện: {timeframe}", "Timeframe: {timeframe}"),
    "task.lead": ("Chủ trì: {names}", "Lead: {names}"),
    "task.coordinating": ("Phối hợp: {names}", "Coordinating: {names}"),
    "task.not_reported": ("chưa báo cáo", "not reported"),
    "task.none": ("Không có cơ quan nào báo cáo nhiệm vụ này.", "No agency reports on this task."),
    # --- downloads ---
    "downloads.title": ("Tải về", "Downloads"),
    "downloads.table": ("Bảng tổng hợp (Excel)", "Consolidated table (Excel)"),
    "downloads.csv": ("Bảng tổng hợp (CSV)", "Consolidated table (CSV)"),
    "downloads.draft": ("Dự thảo báo cáo (Word)", "Draft report (Word)"),
    "downloads.all": ("Tất cả các kỳ (Excel)", "Every period (Excel)"),
    "downloads.bundle": ("Bộ tài liệu đính kèm", "Document bundle"),
    "downloads.open": ("đang mở", "open"),
    "downloads.closed": ("đã đóng", "closed"),
    # --- reminders and the outbox ---
    "reminders.title": ("Nhắc nhở và hàng đợi tin nhắn", "Reminders and the outbox"),
    "reminders.now": ("Thời điểm: {time}", "As of {time}"),
    "reminders.none": ("Không có kỳ báo cáo nào đang mở.", "No reporting period is open."),
    "reminders.schedule": (
        "Lịch nhắc (ngày làm việc, {at}): {steps}; quá hạn: mỗi {every} ngày làm việc.",
        "Reminder days (working days, {at}): {steps}; overdue: every {every} working days.",
    ),
    "reminders.current": ("Lần nhắc hiện tại: {step}.", "Current step: {step}."),
    "reminders.no_step": ("Chưa đến lần nhắc nào.", "No reminder step has come yet."),
    "reminders.next": ("Lần sau: {step}, {time}.", "Next: {step}, {time}."),
    "reminders.will_send": ("Sẽ gửi ({count})", "Will send ({count})"),
    "reminders.recipient": ("Người nhận", "Recipient"),
    "reminders.kind": ("Loại", "Kind"),
    "reminders.reason": ("Lý do", "Why"),
    "reminders.already": (
        "Đã có trong hàng đợi, không gửi lại: {count} tin nhắn.",
        "Already queued, not sent again: {count} messages.",
    ),
    "reminders.not_reminded": ("Không nhắc ({count})", "Not reminded ({count})"),
    "reminders.admin": ("quản trị", "administrator"),
    "reminders.step.new": ("thông báo yêu cầu", "the request's notice"),
    "reminders.step.late": ("danh sách quá hạn", "the overdue list"),
    "reminders.step.overdue": ("nhắc quá hạn lần {n}", "overdue reminder no. {n}"),
    "reminders.step.digest": ("tổng hợp hằng ngày", "the daily list"),
    "reminders.step.due_day": ("nhắc ngày hạn nộp", "the deadline's reminder"),
    "reminders.step.consolidation": (
        "nhắc ngày hạn tổng hợp", "the consolidation deadline's reminder"
    ),
    "reminders.step.before": (
        "nhắc trước hạn {n} ngày làm việc", "reminder {n} working days before"
    ),
    "reminders.when.left": ("còn {n} ngày làm việc", "{n} working days left"),
    "reminders.when.over": ("đã quá hạn {n} ngày làm việc", "{n} working days overdue"),
    "reminders.period": ("Kỳ {key} — {title}", "Period {key} — {title}"),
    "reminders.reasons_note": (
        "Lý do ghi bằng tiếng Việt, như lệnh baocao remind --dry-run.",
        "Reasons are in Vietnamese, as baocao remind --dry-run prints them.",
    ),
    "outbox.title": ("Hàng đợi tin nhắn", "Outbox"),
    "outbox.counts": ("Số tin theo trạng thái", "Messages by status"),
    "outbox.status.pending": ("chờ gửi", "pending"),
    "outbox.status.sending": ("đang gửi", "sending"),
    "outbox.status.held": ("giữ lại", "held"),
    "outbox.status.failed": ("lỗi", "failed"),
    "outbox.status.sent": ("đã gửi", "sent"),
    "outbox.status.cancelled": ("đã hủy", "cancelled"),
    "outbox.empty": (
        "Không có tin nhắn nào chờ gửi, bị giữ lại hay lỗi.",
        "No message is pending, held or failed.",
    ),
    "outbox.attempts": ("Lần thử", "Attempts"),
    "outbox.error": ("Lỗi gần nhất", "Last error"),
    "outbox.text": ("Nội dung", "Text"),
    "outbox.held_help": (
        "Tin «giữ lại»: bot dừng giữa lúc gửi và lúc ghi nhận, nên không rõ đã tới người nhận "
        "chưa. Hỏi người nhận, rồi gửi lại (có thể trùng) hoặc bỏ.",
        "A «held» message: the bot stopped between sending and recording it, so it may or may "
        "not have arrived. Ask the recipient, then send it again (perhaps twice) or drop it.",
    ),
    "outbox.release": ("Gửi lại", "Send again"),
    "outbox.dismiss": ("Bỏ", "Drop"),
    "outbox.released": (
        "Đã đưa tin #{id} về hàng chờ gửi.", "Message #{id} is queued to be sent again."
    ),
    "outbox.dismissed": ("Đã bỏ tin #{id}.", "Message #{id} was dropped."),
    "outbox.unchanged": (
        "Tin #{id} không có hoặc không ở trạng thái phù hợp; không thay đổi gì.",
        "Message #{id} does not exist or is not in a state this can change; nothing changed.",
    ),
    # --- invites ---
    "invites.title": ("Mã mời", "Invites"),
    "invites.create": ("Tạo mã mời", "Create an invite"),
    "invites.for": ("Cho", "For"),
    "invites.secretariat": ("Thư ký kế hoạch (thành viên mới)", "The secretariat (a new member)"),
    "invites.create_button": ("Tạo mã", "Create"),
    "invites.list": ("Mã mời gần đây", "Recent invites"),
    "invites.created": ("Tạo lúc", "Created"),
    "invites.expires": ("Hết hạn", "Expires"),
    "invites.state.active": ("còn hiệu lực", "active"),
    "invites.state.used": ("đã dùng", "used"),
    "invites.state.expired": ("hết hạn hoặc đã thu hồi", "expired or revoked"),
    "invites.revoke": ("Thu hồi", "Revoke"),
    "invites.revoked": (
        "Đã thu hồi mã mời #{id}: mã không dùng được nữa.",
        "Invite #{id} is revoked: its code opens nothing now.",
    ),
    "invites.not_revoked": (
        "Mã mời #{id} không có, đã dùng hoặc đã hết hạn; không thay đổi gì.",
        "Invite #{id} does not exist, was used, or has expired; nothing changed.",
    ),
    "invites.role.focal": ("đầu mối", "focal point"),
    "invites.role.secretariat": ("thư ký", "secretariat"),
    # --- agencies ---
    "agencies.title": ("Cơ quan", "Agencies"),
    "agencies.focal_count": ("Đầu mối", "Focal points"),
    "agencies.rename": ("Đổi tên", "Rename"),
    "agencies.new_name": ("Tên mới", "New name"),
    "agencies.renamed": (
        "Đã đổi tên: {old} → {new} (tên cũ vẫn tra cứu được).",
        "Renamed: {old} → {new} (the old name can still be looked up).",
    ),
    "agencies.name_taken": (
        "Tên «{name}» đã thuộc về cơ quan {code} ({holder}); nếu hai cơ quan hợp nhất, hãy "
        "dùng sáp nhập.",
        "The name «{name}» belongs to {code} ({holder}); if the two agencies were combined, "
        "merge them.",
    ),
    "agencies.name_empty": ("Cần nhập tên mới.", "Enter the new name."),
    "agencies.merge": ("Sáp nhập", "Merge"),
    "agencies.merge.help": (
        "Chuyển đầu mối, nhiệm vụ, kỳ báo cáo và báo cáo của cơ quan bị sáp nhập sang cơ quan "
        "tiếp nhận. Xem trước rồi mới xác nhận.",
        "Moves the focal points, task roles, owed periods and reports of the merged agency to "
        "the one that continues. You see a preview before confirming.",
    ),
    "agencies.merge.source": ("Cơ quan bị sáp nhập", "Agency merged away"),
    "agencies.merge.target": ("Cơ quan tiếp nhận", "Agency that continues"),
    "agencies.merge.preview": ("Xem trước", "Preview"),
    "agencies.merge.preview_title": (
        "Sáp nhập {source} vào {target}: xem trước", "Merge {source} into {target}: preview"
    ),
    "agencies.merge.moves": ("Sẽ chuyển", "Will move"),
    "agencies.merge.nothing": ("Không có gì để chuyển.", "Nothing to move."),
    "agencies.merge.kept": (
        "Hai cơ quan cùng có báo cáo cho {count} kỳ: báo cáo của cơ quan bị sáp nhập được giữ "
        "nguyên dưới tên cũ.",
        "Both agencies reported for {count} periods: the merged agency's reports stay under "
        "its old record.",
    ),
    "agencies.merge.confirm": ("Xác nhận sáp nhập", "Confirm the merge"),
    "agencies.merge.done": (
        "Đã sáp nhập {source} vào {target}.", "{source} was merged into {target}."
    ),
    "agencies.merge.refused": ("Không sáp nhập được: {reason}.", "Cannot merge: {reason}."),
    "agencies.moved.focal_points": ("đầu mối", "focal points"),
    "agencies.moved.task_roles": ("vai trò trong nhiệm vụ", "task roles"),
    "agencies.moved.submissions": ("báo cáo", "reports"),
    "done.title": ("Đã xong", "Done"),
    "notdone.title": ("Chưa thực hiện", "Not done"),
}


def web_text(key: str, language: Language, /, **values: object) -> str:
    """A console text, or (for words the chat already has) a handlers' message."""
    texts = WEB_TEXTS.get(key)
    if texts is None:
        return translate(key, language, **values)
    template = texts[1] if language == "en" else texts[0]
    return template.format(**values) if values else template
