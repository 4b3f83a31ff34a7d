"""The Zalo adapter's own user-facing text (Vietnamese first, English second).

Only what is about Zalo itself lives here; everything a handler says is in `handlers.messages`.
"""

from __future__ import annotations

from handlers.messages import Language

TEXTS: dict[str, tuple[str, str]] = {
    "message.unsupported": (
        "Xin lỗi, bot chỉ đọc được tin nhắn chữ và ảnh. Nhãn dán, tin nhắn thoại và các loại "
        "tin khác bot chưa đọc được. Gửi /help để xem các lệnh.",
        "Sorry, the bot can only read text messages and photos; stickers, voice messages and "
        "other kinds are not supported. Send /help to see the commands.",
    ),
    "options.hint": (
        "(Trả lời bằng số thứ tự, ví dụ: 1)",
        "(Answer with the number, e.g. 1)",
    ),
    "file.link": (
        "Tải tệp “{name}” tại: {url}\nLiên kết chỉ dành cho bạn, hết hạn lúc {expires}.",
        "Download “{name}” at: {url}\nThe link is for you only and expires at {expires}.",
    ),
    "file.no_link": (
        "Zalo không cho bot gửi tệp, nên tệp “{name}” chưa gửi được qua Zalo. Bạn có thể nhận "
        "tệp qua Telegram (dùng /link để liên kết tài khoản), hoặc nhờ quản trị viên lấy tệp "
        "trên máy chủ bằng lệnh baocao export.",
        "Zalo does not let the bot send files, so “{name}” could not be sent on Zalo. You can "
        "get it on Telegram (use /link to link your accounts), or ask the administrator to get "
        "it on the server with baocao export.",
    ),
    "blocked.notice": (
        "Không gửi được tin nhắn Zalo cho {who}: người này đã chặn bot hoặc rời cuộc trò chuyện. "
        "Bot sẽ không nhắc được người này qua Zalo. Vui lòng liên hệ trực tiếp và nhờ họ nhắn "
        "lại cho bot trên Zalo.",
        "Could not send a Zalo message to {who}: they blocked the bot or left the chat. The bot "
        "cannot remind them on Zalo. Please contact them directly and ask them to write to the "
        "bot on Zalo again.",
    ),
    "quota.notice": (
        "Zalo báo bot đã dùng hết hạn mức tin nhắn (Quota exceeded; gói miễn phí cho khoảng "
        "3.000 tin mỗi tháng). Các tin nhắn Zalo chưa gửi được vẫn được giữ và sẽ tự gửi lại "
        "khi Zalo cho phép. Nếu cần gấp, hãy liên hệ trực tiếp các đầu mối dùng Zalo, hoặc "
        "nâng cấp gói của bot Zalo.",
        "Zalo says the bot has used up its message quota (Quota exceeded; the free plan allows "
        "about 3,000 messages a month). Unsent Zalo messages are kept and will be sent again "
        "when Zalo allows. If it is urgent, contact the focal points on Zalo directly, or "
        "upgrade the Zalo bot's plan.",
    ),
}


def text(key: str, language: Language, **values: object) -> str:
    vi, en = TEXTS[key]
    template = en if language == "en" else vi
    return template.format(**values) if values else template
