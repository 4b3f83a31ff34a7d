"""Text of the secretariat's ad-hoc requests and period closing."""

from __future__ import annotations

REQUEST_MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.request": ("Yêu cầu báo cáo đột xuất", "Ask for an ad-hoc report"),
    "cmd.close": ("Đóng kỳ báo cáo", "Close a reporting period"),
    "request.ask_topic": (
        "Yêu cầu báo cáo đột xuất. Bước 1/4: nội dung cần báo cáo? (tối đa 300 ký tự; /cancel "
        "để dừng)",
        "Ad-hoc request. Step 1/4: what must be reported? (at most 300 characters; /cancel to "
        "stop)",
    ),
    "request.ask_question": (
        "Bước 2/4: câu hỏi gửi các cơ quan? Gõ câu hỏi (tối đa 500 ký tự), hoặc chọn «Hỏi chung "
        "về nội dung trên».",
        "Step 2/4: the question to ask? Type it (at most 500 characters), or pick «Ask about the "
        "topic».",
    ),
    "request.generic_question": ("Hỏi chung về nội dung trên", "Ask about the topic"),
    "request.ask_due": (
        "Bước 3/4: hạn nộp? Gõ NGÀY/THÁNG/NĂM, ví dụ 15/12/2026.",
        "Step 3/4: the deadline? Type DAY/MONTH/YEAR, e.g. 15/12/2026.",
    ),
    "request.bad_due": (
        "Không hiểu ngày {text!r}. Gõ NGÀY/THÁNG/NĂM, ví dụ 15/12/2026.",
        "Cannot read the date {text!r}. Type DAY/MONTH/YEAR, e.g. 15/12/2026.",
    ),
    "request.past_due": (
        "Hạn nộp phải từ hôm nay ({today}) trở đi.",
        "The deadline must be today ({today}) or later.",
    ),
    "request.far_due": (
        "Hạn nộp quá xa (tối đa một năm, đến {limit}).",
        "The deadline is too far (at most a year, until {limit}).",
    ),
    "request.ask_agencies": (
        "Bước 4/4: gửi cho cơ quan nào? Chọn «Tất cả cơ quan», hoặc gõ mã hay tên cơ quan, "
        "cách nhau bởi dấu chấm phẩy hoặc dấu phẩy (ví dụ: so-yte; Sở Tài chính; Các sở, ngành, "
        "địa phương). Mã cơ quan xem bằng /agencies.",
        "Step 4/4: to which agencies? Pick «All agencies», or type agency codes or names "
        "separated by semicolons or commas (e.g. so-yte; Sở Tài chính). /agencies shows the codes.",
    ),
    "request.all": ("Tất cả cơ quan", "All agencies"),
    "request.unknown": (
        "Không tìm thấy: {names}. Gõ lại danh sách (gửi /agencies ở tin nhắn khác để xem mã).",
        "Not found: {names}. Type the list again (/agencies shows the codes).",
    ),
    "request.confirm": (
        "Kiểm tra lại yêu cầu:\nNội dung: {topic}\nCâu hỏi: {question}\nHạn nộp: {due}\n"
        "Gửi tới {count} cơ quan: {agencies}\nGửi yêu cầu?",
        "Please check:\nTopic: {topic}\nQuestion: {question}\nDue: {due}\n"
        "To {count} agencies: {agencies}\nSend it?",
    ),
    "request.send": ("Gửi yêu cầu", "Send the request"),
    "request.drop": ("Hủy", "Cancel"),
    "request.dropped": ("Đã hủy, không gửi gì.", "Cancelled; nothing was sent."),
    "request.created": (
        "Đã tạo yêu cầu {period} «{topic}», hạn {due}, gửi tới {count} cơ quan. Các đầu mối sẽ "
        "nhận thông báo trong vòng một phút, rồi được nhắc theo lịch như báo cáo định kỳ. "
        "Theo dõi: /summary {period}",
        "Created request {period} «{topic}», due {due}, to {count} agencies. Their focal "
        "points are told within a minute, then reminded like for the yearly report. Follow "
        "it: /summary {period}",
    ),
    "request.failed": (
        "Không tạo được yêu cầu: {reason}",
        "Could not create the request: {reason}",
    ),
    "close.choose": ("Đóng kỳ báo cáo nào?", "Close which period?"),
    "close.none": ("Không có kỳ báo cáo nào đang mở.", "No period is open."),
    "close.unknown": ("Không có kỳ báo cáo đang mở {period!r}.", "No open period {period!r}."),
    "close.confirm": (
        "Đóng {title} (hạn {due})? Sau khi đóng, bot thôi nhắc việc và các cơ quan không sửa "
        "báo cáo được nữa; các báo cáo đã nộp vẫn được giữ.",
        "Close {title} (due {due})? Reminders stop and agencies can no longer change their "
        "reports; submitted reports are kept.",
    ),
    "close.yes": ("Đóng kỳ báo cáo", "Close it"),
    "close.no": ("Không", "No"),
    "close.done": ("Đã đóng {title}.", "Closed {title}."),
    "close.kept": ("Kỳ báo cáo vẫn mở.", "The period stays open."),
}
