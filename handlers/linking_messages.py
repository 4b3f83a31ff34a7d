"""Text of `/link` (one person on several chat channels), Vietnamese first, English second."""

from __future__ import annotations

LINKING_MESSAGES: dict[str, tuple[str, str]] = {
    "cmd.link": ("Liên kết tài khoản Telegram và Zalo", "Link your Telegram and Zalo accounts"),
    "channel.name.telegram": ("Telegram", "Telegram"),
    "channel.name.zalo": ("Zalo", "Zalo"),
    "channel.name.console": ("dòng lệnh", "console"),
    "link.code": (
        "Mã liên kết của bạn: {code}\n"
        "Mã chỉ dùng được một lần, hết hạn lúc {expires}.\n"
        "Để dùng bot trên kênh khác (Telegram hoặc Zalo) với cùng vai trò, hãy mở bot trên kênh "
        "đó và gửi:\n/link {code}\n"
        "Không chia sẻ mã này: ai có mã sẽ được bot nhận là bạn.",
        "Your link code: {code}\n"
        "It can be used once and expires at {expires}.\n"
        "To use the bot on another channel (Telegram or Zalo) in the same role, open the bot "
        "there and send:\n/link {code}\n"
        "Do not share this code: whoever has it will be taken for you.",
    ),
    "link.not_registered": (
        "Tài khoản này chưa được đăng ký với bot.\n"
        "- Nếu bạn đã đăng ký trên kênh khác (Telegram hoặc Zalo): gửi /link ở kênh đó để nhận "
        "mã, rồi gửi /link MÃ tại đây.\n"
        "- Nếu chưa đăng ký: dùng mã mời của {secretariat} và gửi /start MÃ-MỜI.",
        "This account is not registered with the bot.\n"
        "- If you registered on another channel (Telegram or Zalo): send /link there to get a "
        "code, then send /link CODE here.\n"
        "- If you have not registered: use the invite code from {secretariat} and send "
        "/start INVITE-CODE.",
    ),
    "link.already": (
        "Tài khoản {channel} này đã được đăng ký (là {name}), không cần liên kết nữa. "
        "Muốn dùng thêm một kênh khác, hãy gửi /link (không kèm mã) để nhận mã liên kết.",
        "This {channel} account is registered already (as {name}); there is nothing to link. "
        "To add another channel, send /link (without a code) to get a link code.",
    ),
    "link.wrong": (
        "Mã liên kết không đúng. Hãy kiểm tra lại mã (gửi /link ở kênh đã đăng ký để nhận mã mới).",
        "That link code is not right. Check it (send /link on your registered channel for a "
        "new one).",
    ),
    "link.used": (
        "Mã liên kết này đã được dùng. Gửi /link ở kênh đã đăng ký để nhận mã mới.",
        "This link code has been used. Send /link on your registered channel for a new one.",
    ),
    "link.expired": (
        "Mã liên kết này đã hết hạn (mã chỉ có hiệu lực 1 giờ). Gửi /link ở kênh đã đăng ký để "
        "nhận mã mới.",
        "This link code has expired (codes last one hour). Send /link on your registered "
        "channel for a new one.",
    ),
    "link.done": (
        "Đã liên kết tài khoản {channel} này với {name}.\nVai trò: {role}.\n"
        "Từ nay bạn dùng được bot trên cả hai kênh; nhắc việc được gửi tới mọi kênh đã liên kết.",
        "This {channel} account is now linked to {name}.\nRole: {role}.\n"
        "You can now use the bot on both channels; reminders go to every linked channel.",
    ),
    "link.notice": (
        "Một tài khoản {channel} vừa được liên kết với bạn lúc {time}. Nếu không phải bạn làm "
        "việc này, hãy báo ngay cho thư ký kế hoạch.",
        "A {channel} account was linked to you at {time}. If this was not you, tell the "
        "secretariat at once.",
    ),
}
