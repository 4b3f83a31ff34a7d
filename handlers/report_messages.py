"""Text of the reporting conversation, Vietnamese first, English second."""

from __future__ import annotations

REPORT_MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.report": ("Báo cáo tình hình thực hiện", "Report progress"),
    "cmd.view": ("Xem báo cáo của một cơ quan", "Read an agency's report"),
    "cmd.history": ("Lịch sử các phiên bản báo cáo", "Version history of a report"),
    "cmd.return": ("Trả lại báo cáo, đề nghị bổ sung", "Return a report for more work"),
    "report.no_period": (
        "Hiện không có kỳ báo cáo nào đang mở cho {agency}.",
        "There is no open reporting period for {agency} now.",
    ),
    "report.pick_agency": ("Báo cáo cho cơ quan nào?", "Report for which agency?"),
    "report.pick_period": ("Chọn kỳ báo cáo:", "Pick the reporting period:"),
    "report.period_option": ("{title} (hạn {due})", "{title} (due {due})"),
    "report.start": (
        "{title} - {agency}, hạn nộp {due}.\n"
        "Gồm {tasks} nhiệm vụ và một phần chung. Mỗi câu trả lời được lưu ngay.\n"
        "/back: câu trước · /skip: bỏ qua câu không bắt buộc · /cancel: dừng (giữ bản nháp).",
        "{title} - {agency}, due {due}.\n"
        "{tasks} tasks and one general part. Every answer is saved at once.\n"
        "/back: previous question · /skip: skip an optional one · /cancel: stop (draft kept).",
    ),
    "report.others_drafting": (
        "Lưu ý: {names} cũng đang soạn báo cáo này. Ai nộp trước sẽ được ghi nhận; người nộp "
        "sau sẽ được báo và không mất bản của mình.",
        "Note: {names} is also drafting this report. The first to submit is recorded; the "
        "other is told and keeps their draft.",
    ),
    "report.resume": (
        "Tiếp tục bản nháp (lưu lúc {time}).",
        "Resuming your draft (saved at {time}).",
    ),
    "report.submitted_exists": (
        "{agency} đã nộp phiên bản {version} lúc {time} ({timeliness}). Bạn muốn làm gì?",
        "{agency} submitted version {version} at {time} ({timeliness}). What would you like?",
    ),
    "report.returned": (
        "Thư ký đề nghị bổ sung (lúc {time}): {comment}",
        "The secretariat asks for more (at {time}): {comment}",
    ),
    "report.opt.edit": ("Sửa báo cáo", "Edit the report"),
    "report.opt.view": ("Xem báo cáo đã nộp", "See the submitted report"),
    "report.part.task": (
        "Nhiệm vụ {number} ({index}/{count}), vai trò: {role}\n{title}",
        "Task {number} ({index}/{count}), role: {role}\n{title}",
    ),
    "report.part.general": (
        "Phần chung ({index}/{count}): kết quả thực hiện nhiệm vụ được giao tại mục IV của Kế "
        "hoạch{duties}",
        "General part ({index}/{count}): results on the duties given in section IV of the "
        "plan{duties}",
    ),
    "report.role.lead": ("chủ trì", "lead"),
    "report.role.coordinating": ("phối hợp", "coordinating"),
    "report.ask.status": ("Tình hình thực hiện?", "Status?"),
    "report.ask.na_reason": (
        "Lý do không áp dụng? (tối đa {limit} ký tự)",
        "Why does it not apply? (at most {limit} characters)",
    ),
    "report.ask.percent": (
        "Đã thực hiện được bao nhiêu phần trăm? Gõ một số từ 0 đến 100, ví dụ 70.",
        "How many percent done? Type a number from 0 to 100, e.g. 70.",
    ),
    "report.ask.results": (
        "Kết quả đạt được? (tối đa {limit} ký tự)",
        "Results achieved? (at most {limit} characters)",
    ),
    "report.ask.results_optional": (
        "Kết quả đạt được? (không bắt buộc, tối đa {limit} ký tự; /skip để bỏ qua)",
        "Results achieved? (optional, at most {limit} characters; /skip to skip)",
    ),
    "report.ask.difficulties": (
        "Khó khăn, vướng mắc? (không bắt buộc, tối đa {limit} ký tự; /skip để bỏ qua)",
        "Difficulties? (optional, at most {limit} characters; /skip to skip)",
    ),
    "report.ask.proposals": (
        "Đề xuất, kiến nghị? (không bắt buộc, tối đa {limit} ký tự; /skip để bỏ qua)",
        "Proposals? (optional, at most {limit} characters; /skip to skip)",
    ),
    "report.ask.attachments": (
        "Tệp đính kèm (không bắt buộc): gửi tài liệu hoặc ảnh, ví dụ văn bản báo cáo đã ký "
        "(tối đa {limit} MB mỗi tệp). Xong thì chọn «Xong».",
        "Attachments (optional): send documents or photos, e.g. the signed report (at most "
        "{limit} MB each). Pick «Done» when finished.",
    ),
    "report.current": (
        "Hiện tại: {value}\n(/skip để giữ nguyên)",
        "Now: {value}\n(/skip keeps it)",
    ),
    "report.opt.done": ("Xong", "Done"),
    "report.attachment_saved": (
        "Đã nhận tệp {name} ({count} tệp). Gửi thêm, hoặc chọn «Xong».",
        "Got {name} ({count} files). Send more, or pick «Done».",
    ),
    "report.attachment_too_big": (
        "Tệp {name} quá lớn ({size} MB, tối đa {limit} MB). Hãy gửi tệp nhỏ hơn.",
        "{name} is too big ({size} MB, at most {limit} MB). Please send a smaller file.",
    ),
    "report.attachment_too_many": (
        "Mỗi nhiệm vụ đính kèm tối đa {limit} tệp. Chọn «Xong» để tiếp tục.",
        "At most {limit} files per task. Pick «Done» to go on.",
    ),
    "report.attachment_expected": (
        "Ở bước này hãy gửi tệp hoặc ảnh, hoặc chọn «Xong» nếu không có.",
        "At this step send a file or photo, or pick «Done» if there is none.",
    ),
    "report.status.not_started": ("Chưa thực hiện", "Not started"),
    "report.status.in_progress": ("Đang thực hiện", "In progress"),
    "report.status.completed": ("Đã hoàn thành", "Completed"),
    "report.status.not_applicable": ("Không áp dụng", "Not applicable"),
    "report.pick_status": (
        "Vui lòng chọn một trong các tình trạng bên dưới (bấm nút hoặc gõ số 1-4).",
        "Please pick one of the statuses below (press a button or type 1-4).",
    ),
    "report.bad_percent": (
        "Chưa hiểu {text!r}. Gõ một số từ 0 đến 100, ví dụ 70 hoặc 70% (chưa nhận số viết bằng "
        "chữ như «bảy mươi»).",
        "Cannot read {text!r}. Type a number from 0 to 100, e.g. 70 or 70% (numbers in words "
        "are not understood).",
    ),
    "report.percent_range": (
        "Phần trăm phải từ 0 đến 100 (bạn gõ {value}).",
        "The percentage must be from 0 to 100 (you typed {value}).",
    ),
    "report.required": (
        "Câu này bắt buộc, không bỏ qua được. Vui lòng trả lời.",
        "This question is required and cannot be skipped. Please answer it.",
    ),
    "invalid.tags": (
        "Vui lòng không dùng thẻ định dạng như <b>…</b>; chỉ gõ nội dung. Nhập lại.",
        "Please do not use markup tags such as <b>…</b>; type plain text. Type it again.",
    ),
    "report.empty": ("Câu trả lời không được để trống.", "The answer cannot be empty."),
    "report.first_question": ("Đây là câu hỏi đầu tiên.", "This is the first question."),
    "report.review": (
        "XEM LẠI BÁO CÁO TRƯỚC KHI NỘP - {agency}, {title}",
        "REVIEW BEFORE SUBMITTING - {agency}, {title}",
    ),
    "report.review.task": (
        "Nhiệm vụ {number} ({role}): {status}{percent}",
        "Task {number} ({role}): {status}{percent}",
    ),
    "report.review.general": ("Phần chung:", "General part:"),
    "report.review.results": ("  Kết quả: {value}", "  Results: {value}"),
    "report.review.difficulties": ("  Khó khăn: {value}", "  Difficulties: {value}"),
    "report.review.proposals": ("  Đề xuất: {value}", "  Proposals: {value}"),
    "report.review.na_reason": ("  Lý do: {value}", "  Reason: {value}"),
    "report.review.attachments": ("  Tệp: {value}", "  Files: {value}"),
    "report.review.missing": ("(chưa trả lời)", "(not answered)"),
    "report.review.question": (
        "Chọn «Nộp báo cáo» để nộp, hoặc chọn phần cần sửa.",
        "Pick «Submit» to submit, or the part to change.",
    ),
    "report.review.incomplete": (
        "Còn {count} phần chưa trả lời đủ: {parts}. Hãy bổ sung trước khi nộp.",
        "{count} parts are not fully answered: {parts}. Please complete them first.",
    ),
    "report.opt.submit": ("Nộp báo cáo", "Submit"),
    "report.opt.edit_task": ("Sửa nhiệm vụ {number}", "Change task {number}"),
    "report.opt.edit_general": ("Sửa phần chung", "Change the general part"),
    "report.opt.later": ("Lưu nháp, làm tiếp sau", "Keep as draft, finish later"),
    "report.saved_for_later": (
        "Đã lưu bản nháp. Gửi /report để tiếp tục bất cứ lúc nào trước hạn {due}.",
        "Draft saved. Send /report to go on any time before {due}.",
    ),
    "report.receipt": (
        "ĐÃ NỘP BÁO CÁO\nMã báo cáo: {reference} (phiên bản {version})\nThời điểm nộp: {time}\n"
        "Tình trạng: {timeliness} (hạn {due})\n"
        "Tiếp theo: {secretariat} tổng hợp báo cáo gửi Ủy ban nhân dân tỉnh{consolidation}. "
        "Bạn có thể sửa bằng /report cho đến khi kỳ báo cáo đóng; mỗi lần nộp lại tạo một "
        "phiên bản mới, phiên bản cũ vẫn được lưu.",
        "REPORT SUBMITTED\nReference: {reference} (version {version})\nSubmitted at: {time}\n"
        "Status: {timeliness} (due {due})\n"
        "Next: {secretariat} consolidates the reports for the Provincial People's "
        "Committee{consolidation}. You can change it with /report until the period closes; each "
        "resubmission makes a new version and the old ones are kept.",
    ),
    "report.consolidation": (" trước ngày {date}", " before {date}"),
    "report.on_time": ("đúng hạn", "on time"),
    "report.late": ("nộp trễ hạn", "late"),
    "report.conflict": (
        "Chưa nộp được: trong lúc bạn soạn, {name} đã nộp phiên bản {version} lúc {time}. "
        "Bản của bạn vẫn được giữ nguyên. Bạn muốn làm gì?",
        "Not submitted: while you were writing, {name} submitted version {version} at {time}. "
        "Your draft is kept. What would you like to do?",
    ),
    "report.opt.see_theirs": ("Xem bản vừa được nộp", "See the version just submitted"),
    "report.opt.submit_mine": (
        "Nộp bản của tôi thành phiên bản mới",
        "Submit mine as a new version",
    ),
    "report.opt.discard_mine": (
        "Bỏ bản của tôi, sửa từ bản mới",
        "Drop mine and edit from the new one",
    ),
    "report.discarded": ("Đã bỏ bản nháp của bạn.", "Your draft was dropped."),
    "report.closed": (
        "Kỳ báo cáo này đã đóng nên không sửa được nữa. Liên hệ {secretariat} nếu cần.",
        "This reporting period is closed, so the report cannot be changed. Contact "
        "{secretariat} if needed.",
    ),
    "notice.submitted": (
        "Báo cáo mới: {agency} nộp {title}, phiên bản {version} ({timeliness}) lúc {time}. "
        "Xem: /view {code}",
        "New report: {agency} submitted {title}, version {version} ({timeliness}) at {time}. "
        "Read: /view {code}",
    ),
    "notice.resubmitted": (
        "Báo cáo đã sửa: {agency} nộp lại {title}, phiên bản {version} ({timeliness}) lúc "
        "{time}. Xem: /view {code} · Lịch sử: /history {code}",
        "Changed report: {agency} resubmitted {title}, version {version} ({timeliness}) at "
        "{time}. Read: /view {code} · History: /history {code}",
    ),
    # --- secretariat review ---
    "review.usage.view": (
        "Cách dùng: /view MÃ_CƠ_QUAN [PHIÊN_BẢN], ví dụ /view so-yte hoặc /view so-yte 1.",
        "Usage: /view AGENCY_CODE [VERSION], e.g. /view so-yte or /view so-yte 1.",
    ),
    "review.usage.history": (
        "Cách dùng: /history MÃ_CƠ_QUAN, ví dụ /history so-yte.",
        "Usage: /history AGENCY_CODE, e.g. /history so-yte.",
    ),
    "review.usage.return": (
        "Cách dùng: /return MÃ_CƠ_QUAN NỘI_DUNG_CẦN_BỔ_SUNG, ví dụ "
        "/return so-yte Cần bổ sung số liệu nhiệm vụ 4.",
        "Usage: /return AGENCY_CODE WHAT_IS_NEEDED, e.g. /return so-yte Add figures for task 4.",
    ),
    "review.unknown_agency": ("Không tìm thấy cơ quan {name!r}.", "No agency {name!r} found."),
    "review.nothing": (
        "{agency} chưa nộp báo cáo nào cho {title}.",
        "{agency} has not submitted anything for {title}.",
    ),
    "review.no_version": (
        "Không có phiên bản {version}; các phiên bản: 1-{latest}.",
        "There is no version {version}; versions: 1-{latest}.",
    ),
    "review.header": (
        "{agency} - {title}\nMã báo cáo {reference}, phiên bản {version}/{latest}, nộp lúc {time} "
        "bởi {by} ({timeliness}). Trạng thái: {state}.",
        "{agency} - {title}\nReference {reference}, version {version}/{latest}, submitted {time} "
        "by {by} ({timeliness}). State: {state}.",
    ),
    "review.state.submitted": ("đã nộp", "submitted"),
    "review.state.returned": ("đã trả lại để bổ sung", "returned for more work"),
    "review.state.draft": ("bản nháp", "draft"),
    "review.history_line": (
        "Phiên bản {version}: {time}, {by}, {timeliness}{comment}",
        "Version {version}: {time}, {by}, {timeliness}{comment}",
    ),
    "review.history_comment": (" - trả lại: {comment}", " - returned: {comment}"),
    "review.history_header": (
        "Lịch sử báo cáo {agency} - {title}:",
        "Report history of {agency} - {title}:",
    ),
    "review.returned": (
        "Đã trả lại báo cáo của {agency} để bổ sung; đã báo cho {count} đầu mối.",
        "Returned {agency}'s report for more work; {count} focal points told.",
    ),
    "review.return_notice": (
        "Thư ký kế hoạch đề nghị bổ sung báo cáo {reference} ({title}): {comment}\n"
        "Gửi /report để sửa và nộp lại.",
        "The secretariat asks for more on report {reference} ({title}): {comment}\n"
        "Send /report to change and resubmit it.",
    ),
    "review.return_not_submitted": (
        "Báo cáo của {agency} chưa được nộp (hoặc đã được trả lại), không trả lại được.",
        "{agency}'s report is not in the submitted state, so it cannot be returned.",
    ),
}
