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
    "report.start": (
        "{title} - {agency}, hạn {due}. Câu trả lời được lưu ngay. "
        "/back: câu trước, /cancel: dừng.",
        "{title} - {agency}, due {due}. Answers are saved at once. /back: previous, /cancel: stop.",
    ),
    "report.start_from": (
        "Đơn vị đã nộp {title}. Dùng lại các câu trả lời đó rồi xem lại, sửa chỗ thay đổi?",
        "Your agency submitted {title}. Start from those answers, then review and change?",
    ),
    "report.opt.reuse": ("Dùng lại {title}", "Start from {title}"),
    "report.opt.fresh": ("Trả lời từ đầu", "Answer from scratch"),
    "report.part.task": (
        "[{index}/{count}] Nhiệm vụ {number} ({role}): {title}",
        "[{index}/{count}] Task {number} ({role}): {title}",
    ),
    "report.part.duties": (
        "[{index}/{count}] {title}: {duties}",
        "[{index}/{count}] {title}: {duties}",
    ),
    "report.part.section": ("[{index}/{count}] {title}", "[{index}/{count}] {title}"),
    "report.instance.task": ("Nhiệm vụ {number} ({role})", "Task {number} ({role})"),
    "report.task_short": ("NV {number}", "task {number}"),
    "report.how.text": ("(tối đa {limit} ký tự)", "(at most {limit} characters)"),
    "report.how.files": (
        "Gửi tệp hoặc ảnh (tối đa {limit} MB mỗi tệp), xong chọn «Xong».",
        "Send files or photos (at most {limit} MB each), then pick «Done».",
    ),
    "report.how.multiple": (
        "Gõ các số, ví dụ: 1, 3; gõ 0 nếu không có.",
        "Type the numbers, e.g. 1, 3. Type 0 for none.",
    ),
    "report.how.tasks": (
        "Gõ số nhiệm vụ, ví dụ: 2, 5; gõ 0 nếu không.",
        "Type the task numbers, e.g. 2, 5. Type 0 for none.",
    ),
    "report.how.integer": ("Gõ một số nguyên, ví dụ 12.", "Type a whole number, e.g. 12."),
    "report.how.decimal": ("Gõ một số, ví dụ 2,5.", "Type a number, e.g. 2.5."),
    "report.how.money": (
        "Ví dụ: 250 triệu, 1,5 tỷ hoặc 250.000.000.",
        "E.g. 250 triệu, 1,5 tỷ or 250.000.000 (VND).",
    ),
    "report.how.percent": ("Gõ số từ 0 đến 100.", "Type a number from 0 to 100."),
    "report.how.date": ("Gõ ngày dạng dd/mm/yyyy.", "Type the date as dd/mm/yyyy."),
    "report.how.clear": ("(/xoa: xóa câu trả lời này)", "(/clear: remove this answer)"),
    "report.cleared": ("Đã xóa câu trả lời.", "Answer removed."),
    "report.too_long_kept": (
        "Quá dài: {length} ký tự, tối đa {limit}. Bản bạn gõ vẫn được giữ: chọn «Cắt còn {limit} "
        "ký tự», hoặc gửi bản ngắn hơn.",
        "Too long: {length} characters, at most {limit}. What you typed is kept: pick «Cut to "
        "{limit} characters», or send a shorter one.",
    ),
    "report.opt.cut": ("Cắt còn {limit} ký tự", "Cut to {limit} characters"),
    "report.how.optional": ("(không bắt buộc, /skip)", "(optional, /skip)"),
    "report.current": ("Đang ghi: {value} (/skip: giữ nguyên)", "Now: {value} (/skip keeps it)"),
    "report.files_so_far": ("Đã lưu: {value}", "Kept: {value}"),
    "report.file": ("tệp", "file"),
    "report.none": ("Không có", "None"),
    "report.yes": ("Có", "Yes"),
    "report.no": ("Không", "No"),
    "report.attachment_too_many": (
        "Câu này nhận tối đa {limit} tệp. Chọn «Xong» để tiếp tục.",
        "At most {limit} files here. Pick «Done» to go on.",
    ),
    "report.review": ("XEM LẠI TRƯỚC KHI NỘP - {agency}", "REVIEW BEFORE SUBMITTING - {agency}"),
    "report.review.contributed": ("Tham gia thêm", "Also took part in"),
    "report.review.missing": ("(chưa trả lời)", "(not answered)"),
    "report.review.question": (
        "Chọn «Nộp báo cáo», hoặc phần cần sửa.",
        "Pick «Submit», or the part to change.",
    ),
    "report.review.incomplete": (
        "Còn {count} phần chưa đủ: {parts}. Hãy bổ sung trước khi nộp.",
        "{count} parts are incomplete: {parts}. Please complete them first.",
    ),
    "report.opt.change": ("Sửa {name}", "Change {name}"),
    "report.receipt": (
        "ĐÃ NỘP BÁO CÁO {reference} (phiên bản {version}) lúc {time}, {timeliness} (hạn {due}).\n"
        "{secretariat} sẽ tổng hợp{consolidation}. Sửa được bằng /report khi kỳ còn mở.",
        "REPORT SUBMITTED {reference} (version {version}) at {time}, {timeliness} (due {due}).\n"
        "{secretariat} will consolidate it{consolidation}. /report changes it while the period "
        "is open.",
    ),
    "answer.pick_one": (
        "Vui lòng chọn một mục bên dưới (bấm nút hoặc gõ số 1-{count}).",
        "Please pick one below (press a button or type 1-{count}).",
    ),
    "answer.yes_no": ("Vui lòng chọn Có hoặc Không.", "Please pick Yes or No."),
    "answer.type_it": ("Câu này cần gõ câu trả lời.", "Please type the answer to this one."),
    "answer.pick_many": (
        "Chưa hiểu. Gõ các số từ 1 đến {count}, cách nhau bởi dấu phẩy, ví dụ: 1, 3; hoặc 0.",
        "Not understood. Type numbers from 1 to {count} separated by commas, e.g. 1, 3; or 0.",
    ),
    "answer.pick_tasks": (
        "Chưa hiểu. Gõ số của các nhiệm vụ trong danh sách ({numbers}), hoặc 0 nếu không có.",
        "Not understood. Type task numbers from the list ({numbers}); or 0 for none.",
    ),
    "answer.pick_at_least_one": ("Hãy chọn ít nhất một mục.", "Pick at least one."),
    "answer.money": (
        "Nhập số tiền, ví dụ 250 triệu hoặc 1,5 tỷ (hoặc 250.000.000).",
        "Type an amount, e.g. 250 triệu or 1,5 tỷ (or 250.000.000).",
    ),
    "answer.integer": ("Nhập một số nguyên, ví dụ 12.", "Type a whole number, e.g. 12."),
    "answer.decimal": ("Nhập một số, ví dụ 2,5.", "Type a number, e.g. 2.5."),
    "answer.date": (
        "Nhập ngày dạng dd/mm/yyyy, ví dụ 15/11/2026.",
        "Type the date as dd/mm/yyyy, e.g. 15/11/2026.",
    ),
    "answer.range": (
        "Giá trị phải từ {low} đến {high}.",
        "The value must be from {low} to {high}.",
    ),
    "answer.at_least": ("Giá trị phải từ {low} trở lên.", "The value must be at least {low}."),
    "answer.at_most": ("Giá trị tối đa là {high}.", "The value must be at most {high}."),
    "report.role.lead": ("chủ trì", "lead"),
    "report.role.coordinating": ("phối hợp", "coordinating"),
    "report.opt.done": ("Xong", "Done"),
    "report.attachment_saved": (
        "Đã lưu tệp {name} ({count} tệp). Gửi thêm, hoặc chọn «Xong».",
        "Kept {name} ({count} files). Send more, or pick «Done».",
    ),
    "report.attachment_too_big": (
        "Tệp {name} quá lớn ({size} MB, tối đa {limit} MB). Hãy gửi tệp nhỏ hơn.",
        "{name} is too big ({size} MB, at most {limit} MB). Please send a smaller file.",
    ),
    "report.attachment_expected": (
        "Ở bước này hãy gửi tệp hoặc ảnh, hoặc chọn «Xong» nếu không có.",
        "At this step send a file or photo, or pick «Done» if there is none.",
    ),
    "report.status.not_started": ("Chưa thực hiện", "Not started"),
    "report.status.in_progress": ("Đang thực hiện", "In progress"),
    "report.status.completed": ("Đã hoàn thành", "Completed"),
    "report.status.not_applicable": ("Không áp dụng", "Not applicable"),
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
    "report.opt.submit": ("Nộp báo cáo", "Submit"),
    "report.opt.later": ("Lưu nháp, làm tiếp sau", "Keep as draft, finish later"),
    "report.saved_for_later": (
        "Đã lưu bản nháp. Gửi /report để tiếp tục bất cứ lúc nào trước hạn {due}.",
        "Draft saved. Send /report to go on any time before {due}.",
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
