"""User-facing text, Vietnamese first (with full diacritics), English second."""

from __future__ import annotations

from typing import Literal

Language = Literal["vi", "en"]

MESSAGES: dict[str, tuple[str, str]] = {
    "welcome.stranger": (
        "Xin chào! Đây là baocao, trợ lý báo cáo tình hình thực hiện Kế hoạch {plan}.\n"
        "Bạn chưa được đăng ký là đầu mối của cơ quan nào.\n"
        "Để đăng ký, hãy xin mã mời từ {secretariat} (thư ký kế hoạch), rồi mở đường link mời "
        "hoặc gửi: /start MÃ_MỜI",
        "Hello! This is baocao, the reporting assistant for Plan {plan}.\n"
        "You are not registered as a focal point of any agency yet.\n"
        "To register, ask {secretariat} (the plan's secretariat) for an invite code, then open "
        "the invite link or send: /start INVITE_CODE",
    ),
    "welcome.back": (
        "Xin chào {name}! Bạn đang là {role}.",
        "Hello {name}! You are {role}.",
    ),
    "role.secretariat": ("thư ký kế hoạch (Sở Khoa học và Công nghệ)", "the plan's secretariat"),
    "role.focal": ("đầu mối của {agency}", "the focal point of {agency}"),
    "role.admin": ("quản trị (thư ký kế hoạch)", "an administrator (secretariat)"),
    "help.header": ("Các lệnh bạn dùng được:", "Commands you can use:"),
    "help.stranger.footer": (
        "Bạn cần mã mời để đăng ký. Liên hệ {secretariat} để được cấp mã.",
        "You need an invite code to register. Contact {secretariat} to get one.",
    ),
    "help.period": (
        "Kỳ báo cáo đang mở: {title}, hạn nộp {due}.",
        "Open reporting period: {title}, due {due}.",
    ),
    "help.options": (
        "Khi bot đưa ra các lựa chọn, bấm nút hoặc trả lời bằng số thứ tự.",
        "When the bot offers choices, press a button or answer with its number.",
    ),
    "cancel.done": (
        "Đã dừng. Những gì bạn đã trả lời vẫn được giữ lại.",
        "Stopped. What you have answered so far is kept.",
    ),
    "cancel.nothing": ("Không có việc gì đang làm dở.", "There is nothing in progress."),
    "unknown.command": (
        "Không có lệnh {command}. Gửi /help để xem các lệnh.",
        "There is no command {command}. Send /help to see the commands.",
    ),
    "unknown.text": (
        "Bot chưa hiểu tin nhắn này. Gửi /help để xem các lệnh.",
        "The bot did not understand this message. Send /help to see the commands.",
    ),
    "refused.stranger": (
        "Bạn chưa đăng ký nên chưa dùng được lệnh này. Hãy xin mã mời từ {secretariat}, "
        "rồi gửi /start MÃ_MỜI.",
        "You are not registered, so you cannot use this command yet. Ask {secretariat} for an "
        "invite code, then send /start INVITE_CODE.",
    ),
    "refused.role": (
        "Lệnh này chỉ dành cho thư ký kế hoạch (Sở Khoa học và Công nghệ).",
        "This command is for the plan's secretariat only.",
    ),
    "refused.focal": (
        "Lệnh này dành cho đầu mối của các cơ quan.",
        "This command is for agency focal points.",
    ),
    "stale.option": (
        "Lựa chọn này không còn hiệu lực. Gửi /help để bắt đầu lại.",
        "This choice is no longer valid. Send /help to start again.",
    ),
    "error.internal": (
        "Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn. Những gì đã lưu không bị mất. "
        "Vui lòng thử lại sau ít phút.",
        "Sorry, something went wrong handling your message. Nothing saved was lost. "
        "Please try again in a few minutes.",
    ),
    "attachment.unexpected": (
        "Bot chưa cần tệp lúc này. Gửi /help để xem các lệnh.",
        "The bot does not need a file right now. Send /help to see the commands.",
    ),
    # command descriptions (the Telegram command menu shows them too)
    "cmd.start": ("Bắt đầu / đăng ký bằng mã mời", "Start / register with an invite code"),
    "cmd.help": ("Hướng dẫn sử dụng", "How to use the bot"),
    "cmd.cancel": ("Dừng việc đang làm", "Stop what is in progress"),
}


def translate(key: str, language: Language, **values: object) -> str:
    vi, en = MESSAGES[key]
    template = en if language == "en" else vi
    return template.format(**values) if values else template
