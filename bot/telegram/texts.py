"""The adapter's own user-facing text (Vietnamese first, English second).

Only what is about Telegram itself lives here; everything a handler says is in
`handlers.messages`.
"""

from __future__ import annotations

from handlers.messages import Language

TEXTS: dict[str, tuple[str, str]] = {
    "file.too_large": (
        "Tệp “{name}” quá lớn ({size}). Bot chỉ nhận tệp tối đa {limit} MB. "
        "Vui lòng nén tệp hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.",
        "The file “{name}” is too large ({size}). The bot accepts files of at most {limit} MB. "
        "Please compress it or split it into smaller files and send again.",
    ),
    "message.unsupported": (
        "Bot chỉ đọc được tin nhắn chữ, tệp tài liệu và ảnh. Gửi /help để xem các lệnh.",
        "The bot can only read text messages, documents and photos. Send /help to see the "
        "commands.",
    ),
    "choice.made": ("Đã chọn: {label}", "Chosen: {label}"),
    "blocked.notice": (
        "Không gửi được tin nhắn Telegram cho {who}: người này đã chặn bot hoặc xoá cuộc trò "
        "chuyện. Bot sẽ không nhắc được người này qua Telegram. Vui lòng liên hệ trực tiếp và "
        "nhờ họ mở lại cuộc trò chuyện với bot (bấm Bắt đầu / Start).",
        "Could not send a Telegram message to {who}: they blocked the bot or deleted the chat. "
        "The bot cannot remind them on Telegram. Please contact them directly and ask them to "
        "open the chat with the bot again (press Start).",
    ),
}


def text(key: str, language: Language, **values: object) -> str:
    vi, en = TEXTS[key]
    template = en if language == "en" else vi
    return template.format(**values) if values else template


def file_size(size: int, language: Language) -> str:
    """A size people read: '25,3 MB' in Vietnamese, '25.3 MB' in English."""
    shown = f"{size / (1024 * 1024):.1f} MB"
    return shown if language == "en" else shown.replace(".", ",")
