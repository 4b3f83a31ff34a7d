"""Text of the secretariat's commands (/summary, /missing, /remind, /export, the draft report,
/broadcast), Vietnamese first, English second."""

from __future__ import annotations

SECRETARIAT_MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.summary": ("Tình hình nộp báo cáo (kèm biểu đồ)", "Where the reports stand (chart)"),
    "cmd.missing": ("Các cơ quan còn thiếu báo cáo", "Agencies still missing"),
    "cmd.remind": ("Nhắc ngay các cơ quan còn thiếu", "Remind the missing agencies now"),
    "cmd.export": ("Xuất bảng tổng hợp (Excel, CSV)", "Export the consolidated table"),
    "cmd.broadcast": ("Gửi thông báo tới các đầu mối", "Message the focal points"),
    # --- choosing the period ---
    "sec.no_plan": ("Chưa có kế hoạch nào trong hệ thống.", "There is no plan yet."),
    "sec.no_open_period": (
        "Hiện không có kỳ báo cáo nào đang mở. Các kỳ đã có: {keys}. "
        "Gửi /{command} MÃ_KỲ, ví dụ /{command} {example}.",
        "No reporting period is open. Periods: {keys}. Send /{command} KEY, e.g. "
        "/{command} {example}.",
    ),
    "sec.unknown_word": (
        "Không hiểu «{word}». Cách dùng: {usage}\nCác kỳ báo cáo: {keys}.",
        "Cannot read «{word}». Usage: {usage}\nPeriods: {keys}.",
    ),
    "sec.usage.summary": (
        "/summary [MÃ_KỲ] [SỐ_NHIỆM_VỤ], ví dụ /summary 2026 hoặc /summary 2026 3",
        "/summary [PERIOD] [TASK_NUMBER], e.g. /summary 2026 or /summary 2026 3",
    ),
    "sec.usage.missing": ("/missing [MÃ_KỲ]", "/missing [PERIOD]"),
    "sec.usage.remind": ("/remind [MÃ_KỲ]", "/remind [PERIOD]"),
    "sec.usage.export": (
        "/export [MÃ_KỲ | all] [csv], ví dụ /export 2026, /export adhoc-1 csv, /export all",
        "/export [PERIOD | all] [csv], e.g. /export 2026, /export adhoc-1 csv, /export all",
    ),
    "sec.usage.report": (
        "/report [MÃ_KỲ] [docx], ví dụ /report 2026",
        "/report [PERIOD] [docx], e.g. /report 2026",
    ),
    "sec.none": ("không có", "none"),
    # --- /summary ---
    "summary.header": (
        "TÌNH HÌNH BÁO CÁO: {title} (kỳ {code})\nHạn nộp: {due} ({when}).",
        "REPORTS: {title} (period {code})\nDue: {due} ({when}).",
    ),
    "summary.when.left": ("còn {days} ngày", "{days} days left"),
    "summary.when.today": ("hôm nay là hạn cuối", "due today"),
    "summary.when.over": ("đã quá hạn {days} ngày", "{days} days overdue"),
    "summary.counts": (
        "Phải báo cáo: {total} cơ quan\n"
        "- Đã nộp: {submitted} (đúng hạn {on_time}, trễ hạn {late})\n"
        "- Trả lại, chờ bổ sung: {returned}\n"
        "- Quá hạn, chưa nộp: {overdue}\n"
        "- Chưa nộp, chưa đến hạn: {not_due}",
        "Owing a report: {total} agencies\n"
        "- Submitted: {submitted} (on time {on_time}, late {late})\n"
        "- Returned for more: {returned}\n"
        "- Overdue, not submitted: {overdue}\n"
        "- Not submitted, not yet due: {not_due}",
    ),
    "summary.tasks": (
        "THEO NHIỆM VỤ (đã báo cáo/được giao):",
        "BY TASK (reported/assigned):",
    ),
    "summary.task": (
        "{number}. {title}\n   Chủ trì {lead} · Phối hợp {coordinating}",
        "{number}. {title}\n   Lead {lead} · Coordinating {coordinating}",
    ),
    "summary.role": ("{reported}/{expected}", "{reported}/{expected}"),
    "summary.average": ("bình quân {percent}%", "average {percent}%"),
    "summary.missing": ("CÒN THIẾU ({count}): {names}", "MISSING ({count}): {names}"),
    "summary.more": ("… và {count} cơ quan khác", "… and {count} more"),
    "summary.all_in": (
        "Tất cả các cơ quan đã nộp báo cáo.",
        "Every agency has submitted.",
    ),
    "summary.task_hint": (
        "Chi tiết một nhiệm vụ: /summary {code} SỐ_NHIỆM_VỤ",
        "One task in detail: /summary {code} TASK_NUMBER",
    ),
    "summary.chart": (
        "Đã nộp {submitted}/{total} · đúng hạn {on_time} · trễ hạn {late} · trả lại {returned} "
        "· quá hạn {overdue} · ngày {today}",
        "Submitted {submitted}/{total} · on time {on_time} · late {late} · returned "
        "{returned} · overdue {overdue} · {today}",
    ),
    "summary.opt.missing": ("Cơ quan còn thiếu", "Missing agencies"),
    "summary.opt.remind": ("Nhắc cơ quan còn thiếu", "Remind the missing agencies"),
    "summary.opt.export": ("Xuất bảng tổng hợp (Excel)", "Export the table (Excel)"),
    "summary.opt.report": ("Dự thảo báo cáo (Word)", "Draft report (Word)"),
    "summary.no_task": (
        "Kỳ {code} không có nhiệm vụ số {number}. Các nhiệm vụ: {numbers}.",
        "Period {code} has no task {number}. Tasks: {numbers}.",
    ),
    "summary.task_detail": (
        "NHIỆM VỤ {number}: {title}\nThời gian thực hiện: {timeframe}\nKỳ: {period}\n"
        "Chủ trì: {lead}\nPhối hợp: {coordinating}",
        "TASK {number}: {title}\nTimeframe: {timeframe}\nPeriod: {period}\n"
        "Lead: {lead}\nCoordinating: {coordinating}",
    ),
    "summary.task_agency": ("- {agency} ({role}): {status}", "- {agency} ({role}): {status}"),
    "summary.not_reported": ("chưa báo cáo", "not reported"),
    # --- /missing ---
    "missing.header": (
        "CƠ QUAN CÒN THIẾU BÁO CÁO: {title} (kỳ {code}), hạn nộp {due}\n{count}/{total} cơ quan:",
        "AGENCIES STILL MISSING: {title} (period {code}), due {due}\n{count}/{total} agencies:",
    ),
    "missing.agency": ("{number}. {agency} [{standing}]", "{number}. {agency} [{standing}]"),
    "missing.contact": ("   - {name}: {reach}", "   - {name}: {reach}"),
    "missing.reach.ok": ("nhắn được ({channels})", "reachable ({channels})"),
    "missing.reach.no": (
        "bot không nhắn được (có thể đã chặn bot)",
        "unreachable (may have blocked the bot)",
    ),
    "missing.reach.away": ("vắng đến hết {date}", "away until the end of {date}"),
    "missing.no_focal": ("   - chưa có đầu mối đăng ký", "   - no focal point registered"),
    "missing.comment": ("   Ý kiến trả lại: {comment}", "   Returned with: {comment}"),
    "missing.none": (
        "Tất cả {total} cơ quan đã nộp báo cáo kỳ {code}.",
        "All {total} agencies have submitted for period {code}.",
    ),
    "missing.footer": (
        "Nhắc ngay các cơ quan này: /remind {code}",
        "Remind them now: /remind {code}",
    ),
    "standing.returned": ("trả lại, chờ bổ sung", "returned for more"),
    "standing.overdue": ("quá hạn, chưa nộp", "overdue"),
    "standing.not_due": ("chưa nộp", "not submitted"),
    # --- /remind ---
    "remind.done": (
        "Đã xếp {queued} tin nhắc tới {agencies} cơ quan còn thiếu báo cáo kỳ {code}; "
        "bot sẽ gửi ngay.",
        "Queued {queued} reminders to {agencies} agencies missing period {code}; the bot sends "
        "them now.",
    ),
    "remind.already": (
        "Hôm nay đã nhắc các cơ quan này rồi: {skipped} tin đã có trong hàng đợi, không gửi lại.",
        "These agencies were already reminded today: {skipped} messages are queued, none sent "
        "again.",
    ),
    "remind.nobody": (
        "Không nhắc được {count} cơ quan (chưa có đầu mối, đầu mối vắng hoặc bot không nhắn "
        "được): {names}.",
        "Cannot remind {count} agencies (no focal point, away, or unreachable): {names}.",
    ),
    "remind.all_in": (
        "Tất cả các cơ quan đã nộp báo cáo kỳ {code}; không cần nhắc.",
        "Every agency has submitted for period {code}; nobody to remind.",
    ),
    "remind.closed": (
        "Kỳ {code} đã đóng; không nhắc nữa.",
        "Period {code} is closed; no more reminders.",
    ),
    "remind.returned": (
        "Báo cáo đã được trả lại để bổ sung: {comment}",
        "The report was returned for more: {comment}",
    ),
    # --- /export ---
    "export.xlsx": (
        "Bảng tổng hợp {what}: {rows} dòng (nhiệm vụ × cơ quan). Trang thứ hai: tình trạng nộp "
        "của từng cơ quan.",
        "Consolidated table, {what}: {rows} rows (task × agency). Second sheet: where each "
        "agency's submission stands.",
    ),
    "export.csv": (
        "Bảng tổng hợp {what} (CSV, UTF-8): {rows} dòng (nhiệm vụ × cơ quan).",
        "Consolidated table, {what} (CSV, UTF-8): {rows} rows (task × agency).",
    ),
    "export.what.one": ("{title} (kỳ {code})", "{title} (period {code})"),
    "export.what.all": ("tất cả {count} kỳ báo cáo", "all {count} periods"),
    # --- the draft report ---
    "draft.done": (
        "Dự thảo báo cáo {title} (kỳ {code}): {submitted}/{total} cơ quan đã nộp. "
        "Tệp Word để thư ký chỉnh sửa, điền số và ngày văn bản.",
        "Draft report, {title} (period {code}): {submitted}/{total} agencies submitted. "
        "A Word file to edit; fill in the number and date.",
    ),
    # --- /broadcast ---
    "broadcast.ask_text": (
        "Nhập nội dung thông báo gửi các đầu mối (tối đa {limit} ký tự). Gửi /cancel để dừng.",
        "Type the message for the focal points (at most {limit} characters). /cancel to stop.",
    ),
    "broadcast.ask_audience": (
        "Gửi thông báo này tới ai?\n«{preview}»",
        "Send this message to whom?\n«{preview}»",
    ),
    "broadcast.opt.all": (
        "Tất cả đầu mối ({people} người, {agencies} cơ quan)",
        "All focal points ({people} people, {agencies} agencies)",
    ),
    "broadcast.opt.some": ("Chọn cơ quan", "Choose agencies"),
    "broadcast.opt.send": ("Gửi", "Send"),
    "broadcast.opt.cancel": ("Hủy", "Cancel"),
    "broadcast.ask_agencies": (
        "Nhập mã hoặc tên các cơ quan, cách nhau bằng dấu phẩy, ví dụ: so-yte, Sở Tài chính",
        "Type agency codes or names, separated by commas, e.g. so-yte, Sở Tài chính",
    ),
    "broadcast.unknown": (
        "Không tìm thấy cơ quan: {names}. Vui lòng nhập lại.",
        "No such agency: {names}. Please type again.",
    ),
    "broadcast.confirm": (
        "Gửi thông báo tới {people} đầu mối của {count} cơ quan: {agencies}?",
        "Send the message to {people} focal points of {count} agencies: {agencies}?",
    ),
    "broadcast.confirm_all": (
        "Gửi thông báo này tới mọi đầu mối ({people} người, {agencies} cơ quan)?\n«{preview}»",
        "Send this message to every focal point ({people} people, {agencies} agencies)?\n"
        "«{preview}»",
    ),
    "list.more": (" … và {count} khác", " … and {count} more"),
    "broadcast.done": (
        "Đã xếp {queued} tin vào hàng đợi, tới {people} đầu mối của {agencies} cơ quan; bot gửi "
        "dần theo giới hạn tốc độ của kênh.",
        "Queued {queued} messages to {people} focal points of {agencies} agencies; the bot "
        "sends them within the channels' rate limits.",
    ),
    "broadcast.uncovered": (
        "Không có đầu mối nhận được thông báo ở {count} cơ quan: {names}.",
        "Nobody can receive it at {count} agencies: {names}.",
    ),
    "broadcast.duplicate": (
        "Thông báo này đã được gửi hôm nay tới những người này; không gửi lại.",
        "This message already went to these people today; not sent again.",
    ),
    "broadcast.nobody": (
        "Không có đầu mối nào nhận được thông báo này; không gửi gì.",
        "No focal point can receive this message; nothing sent.",
    ),
    "broadcast.cancelled": ("Đã hủy, không gửi gì.", "Cancelled; nothing sent."),
    "broadcast.message": ("THÔNG BÁO TỪ {sender}\n{text}", "NOTICE FROM {sender}\n{text}"),
}
