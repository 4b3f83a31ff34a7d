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
    # --- input checks ---
    "invalid.too_long": (
        "Quá dài: {length} ký tự, tối đa {limit}. Vui lòng nhập lại ngắn hơn.",
        "Too long: {length} characters, at most {limit}. Please type it again, shorter.",
    ),
    "invalid.emoji": (
        "Vui lòng không dùng biểu tượng cảm xúc (emoji). Nhập lại bằng chữ.",
        "Please do not use emoji. Type it again in words.",
    ),
    "invalid.markup": (
        "Vui lòng không dùng các ký tự < và >. Nhập lại.",
        "Please do not use the characters < and >. Type it again.",
    ),
    "invalid.text_expected": (
        "Ở bước này bot cần bạn gõ chữ, không phải gửi tệp.",
        "At this step the bot needs typed text, not a file.",
    ),
    "invalid.name.empty": ("Họ và tên không được để trống.", "The full name cannot be empty."),
    "invalid.name.chars": (
        "Họ và tên chỉ gồm chữ cái và dấu cách (ví dụ: Nguyễn Thị Lan). Vui lòng nhập lại.",
        "A full name has letters and spaces only (e.g. Nguyễn Thị Lan). Please type it again.",
    ),
    "invalid.position.empty": ("Chức vụ không được để trống.", "The position cannot be empty."),
    "invalid.position.chars": (
        "Chức vụ chỉ gồm chữ, số và dấu câu thông thường (ví dụ: Chuyên viên Phòng Kế hoạch). "
        "Vui lòng nhập lại.",
        "A position has letters, digits and ordinary punctuation (e.g. Planning officer). "
        "Please type it again.",
    ),
    # --- registration ---
    "invite.wrong": (
        "Mã mời không đúng. Hãy kiểm tra lại mã (chữ hoa hay thường đều được) hoặc xin mã mới "
        "từ {secretariat}.",
        "This invite code is not right. Check the code (case does not matter) or ask "
        "{secretariat} for a new one.",
    ),
    "invite.used": (
        "Mã mời này đã được dùng. Mỗi mã chỉ dùng được một lần; hãy xin mã mới từ {secretariat}.",
        "This invite code has been used. Each code works once; ask {secretariat} for a new one.",
    ),
    "invite.expired": (
        "Mã mời này đã hết hạn. Hãy xin mã mới từ {secretariat}.",
        "This invite code has expired. Ask {secretariat} for a new one.",
    ),
    "register.ask_name": (
        "Mã mời hợp lệ: đăng ký làm {role} của {agency}.\n"
        "Bước 1/3. Vui lòng nhập họ và tên đầy đủ của bạn (tối đa 80 ký tự).\n"
        "Gửi /cancel để dừng.",
        "Valid invite: registering as {role} of {agency}.\n"
        "Step 1/3. Please type your full name (at most 80 characters).\nSend /cancel to stop.",
    ),
    "register.ask_position": (
        "Bước 2/3. Chức vụ, đơn vị công tác của bạn? (ví dụ: Chuyên viên Phòng Quản lý khoa học; "
        "tối đa 120 ký tự)",
        "Step 2/3. Your position? (e.g. Officer, Science Management Division; at most 120 "
        "characters)",
    ),
    "register.confirm": (
        "Bước 3/3. Vui lòng kiểm tra lại:\n"
        "Họ và tên: {name}\nChức vụ: {position}\nCơ quan: {agency}\nVai trò: {role}\n"
        "Thông tin đúng chưa?",
        "Step 3/3. Please check:\nName: {name}\nPosition: {position}\nAgency: {agency}\n"
        "Role: {role}\nIs this right?",
    ),
    "register.confirm_yes": ("Đúng, đăng ký", "Yes, register"),
    "register.confirm_no": ("Nhập lại", "Start again"),
    "register.choose": (
        "Vui lòng chọn một trong hai lựa chọn bên dưới.",
        "Please pick one of the two options below.",
    ),
    "register.done.focal": (
        "Đăng ký thành công! {name} là đầu mối của {agency}.\n"
        "Bot sẽ nhắc bạn trước hạn báo cáo. Gửi /help để xem các lệnh.",
        "Registered! {name} is a focal point of {agency}.\n"
        "The bot will remind you before reporting deadlines. Send /help to see the commands.",
    ),
    "register.done.pending": (
        "Đã ghi nhận đăng ký của {name} cho {agency}. Thư ký kế hoạch sẽ duyệt; bot sẽ báo cho "
        "bạn khi được duyệt.",
        "Registration of {name} for {agency} recorded. The secretariat will approve it; the bot "
        "will tell you when it does.",
    ),
    "register.done.secretariat": (
        "Đăng ký thành công! {name} là thư ký kế hoạch. Gửi /help để xem các lệnh.",
        "Registered! {name} is now on the plan's secretariat. Send /help to see the commands.",
    ),
    "register.handover": (
        "{old} đã bàn giao vai trò đầu mối cho bạn.",
        "{old} has handed the focal point role over to you.",
    ),
    "register.already": (
        "Bạn đã là {role} của {agency} rồi. Gửi /whoami để xem thông tin.",
        "You are already {role} of {agency}. Send /whoami to see your details.",
    ),
    "register.restart": ("Được, nhập lại từ đầu.", "All right, let us start again."),
    "notice.registered": (
        "Đầu mối mới: {name} ({position}) - {agency}, qua {channel}.{pending}",
        "New focal point: {name} ({position}) - {agency}, via {channel}.{pending}",
    ),
    "notice.registered.pending": (
        " Đang chờ duyệt: gửi /approve.",
        " Waiting for approval: send /approve.",
    ),
    "notice.registered.secretariat": (
        "Thành viên thư ký mới: {name} ({position}), qua {channel}.",
        "New secretariat member: {name} ({position}), via {channel}.",
    ),
    "notice.handover": (
        "Bàn giao: {old} không còn là đầu mối của {agency}; {new} thay thế.",
        "Handover: {old} is no longer a focal point of {agency}; {new} takes over.",
    ),
    "notice.no_focal": (
        "Lưu ý: {agency} hiện không còn đầu mối nào nhận được nhắc việc ({reason}).",
        "Note: {agency} has no focal point who can receive reminders now ({reason}).",
    ),
    "reason.left": ("{name} đã rời vai trò", "{name} left the role"),
    "reason.revoked": ("{name} bị thu hồi quyền", "{name} was revoked"),
    "reason.away": ("{name} vắng đến hết {date}", "{name} is away until the end of {date}"),
    # --- roles and statuses ---
    "role.name.focal": ("đầu mối", "focal point"),
    "role.name.secretariat": ("thư ký kế hoạch", "secretariat member"),
    "status.active": ("đang hoạt động", "active"),
    "status.pending": ("chờ thư ký duyệt", "waiting for approval"),
    "status.away": ("vắng đến hết {date}", "away until the end of {date}"),
    "status.unreachable": (
        "bot không nhắn được (có thể đã chặn bot)",
        "unreachable (may have blocked the bot)",
    ),
    # --- /whoami ---
    "whoami.stranger": (
        "Bạn chưa đăng ký. Mã định danh của bạn trên {channel}: {user_id}.\n"
        "Hãy xin mã mời từ {secretariat}, rồi gửi /start MÃ_MỜI.",
        "You are not registered. Your id on {channel}: {user_id}.\n"
        "Ask {secretariat} for an invite code, then send /start INVITE_CODE.",
    ),
    "whoami.person": (
        "Họ và tên: {name}\nChức vụ: {position}\nTài khoản: {channels}",
        "Name: {name}\nPosition: {position}\nAccounts: {channels}",
    ),
    "whoami.membership": ("- {role} của {agency}: {status}", "- {role} of {agency}: {status}"),
    "whoami.admin": (
        "- thư ký kế hoạch (quản trị cấu hình sẵn, tài khoản {channel}:{user_id})",
        "- secretariat (configured administrator, account {channel}:{user_id})",
    ),
    # --- /invite ---
    "invite.choose_agency": (
        "Tạo mã mời cho cơ quan nào? Chọn số thứ tự (hoặc gửi /invite MÃ_CƠ_QUAN).",
        "Create an invite for which agency? Pick a number (or send /invite AGENCY_CODE).",
    ),
    "invite.secretariat_option": ("Thư ký kế hoạch", "Plan secretariat"),
    "invite.unknown_agency": (
        "Không tìm thấy cơ quan {name!r}. Gửi /invite để chọn từ danh sách.",
        "No agency {name!r} found. Send /invite to pick from the list.",
    ),
    "invite.created": (
        "Mã mời {role} của {agency} (dùng một lần, hết hạn lúc {expires}):\n{code}\n\n{how}\n\n"
        "Hãy chuyển cho người được mời. Đừng chia sẻ công khai.",
        "Invite for {role} of {agency} (single use, expires {expires}):\n{code}\n\n{how}\n\n"
        "Forward it to the person invited. Do not share it publicly.",
    ),
    "invite.how.telegram": ("Telegram: mở đường link {link}", "Telegram: open the link {link}"),
    "invite.how.other": (
        "Zalo hoặc kênh khác: gửi cho bot tin nhắn /start {code}",
        "Zalo or another channel: send the bot the message /start {code}",
    ),
    # --- /handover, /leave ---
    "handover.choose": (
        "Bàn giao vai trò đầu mối của cơ quan nào?",
        "Hand over the focal point role of which agency?",
    ),
    "handover.created": (
        "Mã bàn giao vai trò đầu mối của {agency} (dùng một lần, hết hạn lúc {expires}):\n"
        "{code}\n\n{how}\n\nHãy chuyển cho đồng nghiệp nhận bàn giao. Bạn vẫn là đầu mối cho đến "
        "khi đồng nghiệp đăng ký bằng mã này; sau đó vai trò của bạn tự kết thúc. "
        "Các báo cáo đã nộp vẫn thuộc về cơ quan. Muốn rời ngay: /leave",
        "Handover code for the focal point role of {agency} (single use, expires {expires}):\n"
        "{code}\n\n{how}\n\nForward it to the colleague taking over. You stay the focal point "
        "until they register with it; then your role ends by itself. Reports already submitted "
        "stay with the agency. To leave now: /leave",
    ),
    "leave.choose": ("Rời vai trò đầu mối của cơ quan nào?", "Leave the role for which agency?"),
    "leave.confirm": (
        "Rời vai trò đầu mối của {agency}? Bạn sẽ không nhận nhắc việc và không báo cáo thay "
        "cơ quan nữa. Các báo cáo đã nộp vẫn thuộc về cơ quan.",
        "Leave the focal point role of {agency}? You will no longer get reminders or report for "
        "it. Reports already submitted stay with the agency.",
    ),
    "leave.yes": ("Rời vai trò", "Leave"),
    "leave.no": ("Không, giữ nguyên", "No, stay"),
    "leave.done": (
        "Bạn đã rời vai trò đầu mối của {agency}.",
        "You left the focal point role of {agency}.",
    ),
    "leave.kept": ("Đã giữ nguyên vai trò của bạn.", "Your role is unchanged."),
    "nobody.told": (
        "{agency} hiện không còn đầu mối nào nhận nhắc việc; thư ký kế hoạch đã được báo.",
        "{agency} has no one getting reminders now; the secretariat has been told.",
    ),
    # --- /away ---
    "away.usage": (
        "Cách dùng: /away NGÀY (ví dụ /away 15/12/2026) để tạm dừng nhắc việc cho bạn đến hết "
        "ngày đó; đồng nghiệp cùng cơ quan vẫn được nhắc. /away huy để nhận nhắc việc lại.",
        "Usage: /away DATE (e.g. /away 15/12/2026) pauses reminders to you until the end of "
        "that day; colleagues still get them. /away off to get reminders again.",
    ),
    "away.current": (
        "Hiện bạn đang tạm vắng đến hết {date}.",
        "You are away until the end of {date}.",
    ),
    "away.bad_date": (
        "Không hiểu ngày {text!r}. Dùng dạng NGÀY/THÁNG/NĂM, ví dụ /away 15/12/2026.",
        "Cannot read the date {text!r}. Use DAY/MONTH/YEAR, e.g. /away 15/12/2026.",
    ),
    "away.past": (
        "Ngày {date} đã qua. Hãy chọn một ngày từ hôm nay trở đi.",
        "{date} has passed. Pick a day from today on.",
    ),
    "away.too_far": (
        "Chỉ tạm vắng được tối đa một năm (đến {limit}).",
        "You can be away for at most a year (until {limit}).",
    ),
    "away.set": (
        "Đã ghi nhận: bot tạm dừng nhắc việc cho bạn đến hết {date}. Đồng nghiệp cùng cơ quan "
        "vẫn được nhắc.",
        "Noted: no reminders to you until the end of {date}. Your colleagues still get them.",
    ),
    "away.cleared": ("Bạn sẽ nhận nhắc việc trở lại.", "You will get reminders again."),
    # --- /agencies ---
    "agencies.header": (
        "{count} cơ quan báo cáo; {covered} cơ quan đã có đầu mối.",
        "{count} reporting agencies; {covered} have a focal point.",
    ),
    "agencies.none": ("chưa có đầu mối", "no focal point yet"),
    # --- /revoke, /approve ---
    "revoke.choose": (
        "Thu hồi quyền của ai (đầu mối hoặc thư ký)?",
        "Revoke whom (a focal point or a secretariat member)?",
    ),
    "revoke.none": ("Chưa có ai để thu hồi quyền.", "There is nobody to revoke."),
    "revoke.confirm": (
        "Thu hồi quyền đầu mối của {name} ({agency})? Các báo cáo đã nộp vẫn thuộc về cơ quan.",
        "Revoke {name} as focal point of {agency}? Reports already submitted stay with the agency.",
    ),
    "revoke.confirm_secretariat": (
        "Thu hồi quyền thư ký kế hoạch của {name}? Người này sẽ không còn xem được báo cáo của "
        "các cơ quan.",
        "Remove {name} from the secretariat? They will no longer see the agencies' reports.",
    ),
    "revoke.yes": ("Thu hồi", "Revoke"),
    "revoke.no": ("Không", "No"),
    "revoke.notice_secretariat": (
        "Bạn không còn là thư ký kế hoạch trên bot báo cáo. Nếu có nhầm lẫn, hãy liên hệ "
        "Sở Khoa học và Công nghệ.",
        "You are no longer a member of the plan's secretariat on the reporting bot. If this is a "
        "mistake, contact the Department of Science and Technology.",
    ),
    "revoke.done_secretariat": (
        "Đã thu hồi quyền thư ký kế hoạch của {name}.",
        "{name} removed from the secretariat.",
    ),
    "revoke.done": (
        "Đã thu hồi quyền đầu mối của {name} ({agency}).",
        "{name} ({agency}) revoked.",
    ),
    "revoke.cancelled": ("Không thay đổi gì.", "Nothing changed."),
    "revoke.notice": (
        "Bạn không còn là đầu mối của {agency} trên bot báo cáo kế hoạch. Nếu có nhầm lẫn, "
        "hãy liên hệ thư ký kế hoạch.",
        "You are no longer a focal point of {agency} on the plan's reporting bot. If this is "
        "a mistake, contact the secretariat.",
    ),
    "approve.none": ("Không có đăng ký nào chờ duyệt.", "No registration is waiting."),
    "approve.choose": ("Duyệt đăng ký nào?", "Approve which registration?"),
    "approve.decide": (
        "{name} ({position}) xin làm đầu mối của {agency}.",
        "{name} ({position}) asks to be a focal point of {agency}.",
    ),
    "approve.yes": ("Duyệt", "Approve"),
    "approve.no": ("Từ chối", "Reject"),
    "approve.done": ("Đã duyệt {name} ({agency}).", "Approved {name} ({agency})."),
    "approve.rejected": ("Đã từ chối {name} ({agency}).", "Rejected {name} ({agency})."),
    "approve.notice_yes": (
        "Thư ký kế hoạch đã duyệt: bạn là đầu mối của {agency}. Gửi /help để xem các lệnh.",
        "The secretariat approved you as a focal point of {agency}. Send /help for commands.",
    ),
    "approve.notice_no": (
        "Thư ký kế hoạch chưa duyệt đăng ký đầu mối của bạn cho {agency}. Hãy liên hệ thư ký.",
        "The secretariat did not approve your registration for {agency}. Please contact them.",
    ),
    "flow.role_ended": (
        "Bạn không còn quyền để tiếp tục việc này (vai trò của bạn trên bot đã thay đổi), nên bot "
        "đã dừng lại. Những gì đã lưu vẫn được giữ. Gửi /whoami để xem vai trò hiện tại.",
        "You no longer have the role this needs (your role on the bot has changed), so the bot "
        "stopped it. What was saved is kept. Send /whoami to see your current role.",
    ),
    "flow.gone": (
        "Mục bạn chọn không còn nữa (có thể đã được người khác xử lý).",
        "What you picked is no longer there (someone may have handled it).",
    ),
    "pick.one": ("Vui lòng chọn một mục trong danh sách.", "Please pick one item from the list."),
    # command descriptions (the Telegram command menu shows them too)
    "cmd.start": ("Bắt đầu / đăng ký bằng mã mời", "Start / register with an invite code"),
    "cmd.help": ("Hướng dẫn sử dụng", "How to use the bot"),
    "cmd.cancel": ("Dừng việc đang làm", "Stop what is in progress"),
    "cmd.whoami": ("Thông tin của tôi", "Who am I"),
    "cmd.away": ("Tạm vắng đến ngày…", "Away until a date"),
    "cmd.handover": ("Bàn giao vai trò đầu mối", "Hand the focal point role over"),
    "cmd.leave": ("Rời vai trò đầu mối", "Leave the focal point role"),
    "cmd.invite": ("Tạo mã mời đầu mối", "Create an invite"),
    "cmd.agencies": ("Danh sách cơ quan và đầu mối", "Agencies and their focal points"),
    "cmd.revoke": ("Thu hồi quyền đầu mối", "Revoke a focal point"),
    "cmd.approve": ("Duyệt đăng ký đầu mối", "Approve registrations"),
}


def translate(key: str, language: Language, /, **values: object) -> str:
    vi, en = MESSAGES[key]
    template = en if language == "en" else vi
    return template.format(**values) if values else template


def _register_feature_messages() -> None:
    from handlers.document_messages import DOCUMENT_MESSAGES
    from handlers.linking_messages import LINKING_MESSAGES
    from handlers.report_messages import REPORT_MESSAGES
    from handlers.request_messages import REQUEST_MESSAGES
    from handlers.scope_messages import SCOPE_MESSAGES
    from handlers.secretariat_messages import SECRETARIAT_MESSAGES

    for key, texts in [
        *REPORT_MESSAGES.items(),
        *LINKING_MESSAGES.items(),
        *SECRETARIAT_MESSAGES.items(),
        *REQUEST_MESSAGES.items(),
        *SCOPE_MESSAGES.items(),
        *DOCUMENT_MESSAGES.items(),
    ]:
        if key in MESSAGES:
            raise ValueError(f"message {key} defined twice")
        MESSAGES[key] = texts


_register_feature_messages()
