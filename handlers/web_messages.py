"""Text of `/web`, the sign-in link to the secretariat's web console; Vietnamese first."""

from __future__ import annotations

WEB_MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.web": ("Mở trang quản lý trên trình duyệt", "Open the web console"),
    "web.link": (
        "Đường link đăng nhập trang quản lý (dùng một lần, hết hạn sau {minutes} phút, "
        "không chuyển cho người khác):\n{url}",
        "Your sign-in link to the web console (opens once, expires in {minutes} minutes, "
        "do not pass it on):\n{url}",
    ),
    "web.not_configured": (
        "Trang quản lý chưa được bật: quản trị viên cần đặt BAOCAO_PUBLIC_URL "
        "(xem README, mục Web console).",
        "The web console is not set up: the administrator needs to set BAOCAO_PUBLIC_URL "
        "(see README, Web console).",
    ),
    "web.private_only": (
        "Vì an toàn, hãy gửi /web trong cuộc trò chuyện riêng với bot, không gửi trong nhóm.",
        "For safety, send /web in your private chat with the bot, not in a group.",
    ),
}
